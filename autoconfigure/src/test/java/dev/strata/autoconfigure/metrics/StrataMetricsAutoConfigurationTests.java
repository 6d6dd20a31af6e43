package dev.strata.autoconfigure.metrics;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.backup.StrataBackupAutoConfiguration;
import dev.strata.autoconfigure.backup.StrataBackups;
import dev.strata.engine.StrataDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** When the {@code strata.*} meters are bound, and the ways to turn them off. */
class StrataMetricsAutoConfigurationTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                        StrataAutoConfiguration.class,
                        StrataMetricsAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir);
    }

    @Test
    void boundToBootsRegistry() {
        runner().run(context -> {
            assertThat(context).hasSingleBean(StrataMetrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(StrataDatabase.class).put(new byte[] {1}, new byte[] {2});
            assertThat(registry.get("strata.seqno.latest").gauge().value()).isEqualTo(1);
            assertThat(registry.get("strata.wal.written").functionCounter().count()).isPositive();
        });
    }

    @Test
    void offWithBootsMeterFilterProperty() {
        runner().withPropertyValues("management.metrics.enable.strata=false").run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find("strata.wal.written").meter()).isNull();
            assertThat(registry.getMeters()).noneMatch(m -> m.getId().getName().startsWith("strata."));
        });
    }

    @Test
    void offWithStrataDisabled() {
        runner().withPropertyValues("strata.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(StrataMetrics.class);
        });
    }

    @Test
    void anApplicationBinderReplacesOurs() {
        try (StrataDatabase own = StrataDatabase.open(dir.resolve("own"))) {
            StrataMetrics binder = new StrataMetrics(own);
            runner().withBean("ownStrataMetrics", StrataMetrics.class, () -> binder).run(context -> {
                assertThat(context).hasSingleBean(StrataMetrics.class);
                assertThat(context.getBean(StrataMetrics.class)).isSameAs(binder);
            });
        }
    }

    @Test
    void absentWithoutMicrometer() {
        runner().withClassLoader(new FilteredClassLoader(MeterBinder.class)).run(context ->
                assertThat(context).hasSingleBean(StrataDatabase.class).doesNotHaveBean(StrataMetrics.class));
    }

    @Test
    void absentWithoutAMeterRegistry() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class, StrataMetricsAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir)
                .run(context -> assertThat(context).hasSingleBean(StrataDatabase.class).doesNotHaveBean(StrataMetrics.class));
    }

    @Test
    void backupMetersOnlyWithBackups() {
        runner().run(context -> {
            assertThat(context).doesNotHaveBean(StrataBackupMetrics.class);
            assertThat(context.getBean(MeterRegistry.class).find("strata.backup").meter()).isNull();
        });
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                        StrataAutoConfiguration.class, StrataBackupAutoConfiguration.class,
                        StrataMetricsAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir.resolve("db"), "strata.backup.directory=" + dir.resolve("backups"))
                .run(context -> {
                    assertThat(context).hasSingleBean(StrataBackupMetrics.class);
                    context.getBean(StrataBackups.class).backupNow();
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("strata.backup").tag("result", "success").functionTimer().count()).isEqualTo(1);
                });
    }
}
