package dev.strata.autoconfigure.health;

import dev.strata.autoconfigure.FailingForceStorage;
import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.StrataOptionsCustomizer;
import dev.strata.autoconfigure.backup.StrataBackupAutoConfiguration;
import dev.strata.autoconfigure.backup.StrataBackups;
import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
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
import java.nio.file.Files;
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

    private ApplicationContextRunner withBackups() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class, StrataBackupAutoConfiguration.class,
                        StrataHealthContributorAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir.resolve("db"), "strata.backup.directory=" + dir.resolve("backups"),
                        "strata.backup.keep-count=2");
    }

    @Test
    void backupIndicatorOnlyWithBackups() {
        runner().run(context -> assertThat(context).hasSingleBean(StrataHealthIndicator.class)
                .doesNotHaveBean(StrataBackupHealthIndicator.class));
        withBackups().run(context -> assertThat(context).hasSingleBean(StrataBackupHealthIndicator.class)
                .hasBean("strataBackupHealthIndicator"));
    }

    @Test
    void backupIndicatorIsUpBeforeTheFirstBackupAndShowsTheNewestAfterIt() {
        withBackups().run(context -> {
            HealthIndicator indicator = context.getBean("strataBackupHealthIndicator", HealthIndicator.class);
            Health before = indicator.health();
            assertThat(before.getStatus()).isEqualTo(Status.UP);
            assertThat(before.getDetails()).containsEntry("successes", 0L).containsEntry("keepCount", 2)
                    .doesNotContainKeys("lastBackupId", "lastError");
            long id = context.getBean(StrataBackups.class).backupNow().id();
            Health after = indicator.health();
            assertThat(after.getStatus()).isEqualTo(Status.UP);
            assertThat(after.getDetails()).containsEntry("successes", 1L).containsEntry("lastBackupId", id)
                    .containsKeys("lastBackupSeqno", "lastBackupAt");
        });
    }

    @Test
    void backupIndicatorIsDownWhileTheNewestBackupFailedAndTheDatabaseStaysUp() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("backups"), "not a directory");
        withBackups().run(context -> {
            StrataBackups backups = context.getBean(StrataBackups.class);
            assertThatThrownBy(backups::backupNow).isInstanceOf(StrataException.class);
            Health health = context.getBean("strataBackupHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("failures", 1L).containsKeys("lastError", "lastErrorAt");
            assertThat(context.getBean(StrataHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
            Files.delete(dir.resolve("backups"));
            backups.backupNow();
            assertThat(context.getBean("strataBackupHealthIndicator", HealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.UP);
        });
    }

    @Test
    void backupIndicatorOffWithItsOwnPropertyAndReplacedByName() {
        withBackups().withPropertyValues("management.health.strata-backup.enabled=false").run(context ->
                assertThat(context).hasSingleBean(StrataHealthIndicator.class)
                        .doesNotHaveBean(StrataBackupHealthIndicator.class));
        withBackups().withPropertyValues("management.health.strata.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(StrataHealthIndicator.class)
                        .hasSingleBean(StrataBackupHealthIndicator.class));
        HealthIndicator own = () -> Health.unknown().build();
        withBackups().withBean("strataBackupHealthIndicator", HealthIndicator.class, () -> own).run(context -> {
            assertThat(context).doesNotHaveBean(StrataBackupHealthIndicator.class);
            assertThat(context.getBean("strataBackupHealthIndicator")).isSameAs(own);
        });
    }
}
