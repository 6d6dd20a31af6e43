package dev.strata.autoconfigure.health;

import dev.strata.autoconfigure.FailingForceStorage;
import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.StrataOptionsCustomizer;
import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.StrataDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code strata} health indicator: what it reports, and when it exists. */
class StrataHealthContributorAutoConfigurationTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class,
                        StrataHealthContributorAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void upWithBoundedDetailsWhileWritable() {
        runner().run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            db.put(bytes("a"), bytes("1"));
            db.put(bytes("b"), bytes("2"));
            Health health = context.getBean("strataHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("path", dir.toAbsolutePath().normalize().toString())
                    .containsEntry("state", "OPEN").containsEntry("latestSeqno", 2L).containsEntry("durableSeqno", 2L)
                    .containsEntry("level0Files", 0).containsKeys("memtableBytes", "walSegments", "writeStalls");
            assertThat((long) health.getDetails().get("memtableBytes")).isPositive();
        });
    }

    @Test
    void downWithTheBackgroundErrorWhenTheEngineRefusesWrites() {
        FailingForceStorage storage = new FailingForceStorage();
        runner().withBean(StrataOptionsCustomizer.class, storage::customizer).run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            db.put(bytes("a"), bytes("1"));
            storage.failForces();
            assertThatThrownBy(() -> db.put(bytes("b"), bytes("2"))).isInstanceOf(BackgroundErrorException.class);
            Health health = context.getBean(StrataHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("state", "REFUSING_WRITES").containsEntry("durableSeqno", 1L);
            assertThat(String.valueOf(health.getDetails().get("error"))).contains("injected: force of");
        });
    }

    @Test
    void upWhenOpenReadOnly() {
        StrataDatabase.open(dir).close();
        runner().withPropertyValues("strata.read-only=true").run(context -> {
            Health health = context.getBean(StrataHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("state", "OPEN");
        });
    }

    @Test
    void downOnceClosed() {
        runner().run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            db.close();
            Health health = context.getBean(StrataHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("state", "CLOSED");
        });
    }

    @Test
    void offWithTheHealthProperty() {
        runner().withPropertyValues("management.health.strata.enabled=false").run(context ->
                assertThat(context).hasSingleBean(StrataDatabase.class).doesNotHaveBean(StrataHealthIndicator.class));
    }

    @Test
    void offWithStrataDisabled() {
        runner().withPropertyValues("strata.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(StrataHealthIndicator.class));
    }

    @Test
    void anApplicationIndicatorNamedStrataHealthIndicatorReplacesOurs() {
        HealthIndicator own = () -> Health.outOfService().build();
        runner().withBean("strataHealthIndicator", HealthIndicator.class, () -> own).run(context -> {
            assertThat(context).doesNotHaveBean(StrataHealthIndicator.class);
            assertThat(context.getBean("strataHealthIndicator")).isSameAs(own);
        });
    }

    @Test
    void absentWithoutBootsHealthModuleWhileTheDatabaseStillOpens() {
        runner().withClassLoader(new FilteredClassLoader(ConditionalOnEnabledHealthIndicator.class)).run(context ->
                assertThat(context).hasSingleBean(StrataDatabase.class).doesNotHaveBean(StrataHealthIndicator.class));
    }

    @Test
    void absentWithoutADatabase() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(StrataHealthContributorAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(StrataHealthIndicator.class));
    }
}
