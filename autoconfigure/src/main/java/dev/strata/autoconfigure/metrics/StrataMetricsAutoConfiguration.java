package dev.strata.autoconfigure.metrics;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.backup.StrataBackupAutoConfiguration;
import dev.strata.autoconfigure.backup.StrataBackups;
import dev.strata.engine.StrataDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * The {@code strata.*} meters, when Micrometer is on the class path and Boot has made a meter
 * registry (Boot binds every {@link MeterBinder} bean to it). Ordered after Boot's registry
 * auto-configuration by name, so this module needs no compile dependency on it. Turn the meters
 * off with Boot's meter filter, {@code management.metrics.enable.strata=false}; an application
 * {@link StrataMetrics} bean replaces this one. With a {@link StrataBackups} bean, also the backup
 * meters ({@link StrataBackupMetrics}).
 */
@AutoConfiguration(after = {StrataAutoConfiguration.class, StrataBackupAutoConfiguration.class}, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({StrataDatabase.class, MeterBinder.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnSingleCandidate(StrataDatabase.class)
public class StrataMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public StrataMetrics strataMetrics(StrataDatabase database) {
        return new StrataMetrics(database);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(StrataBackups.class)
    public StrataBackupMetrics strataBackupMetrics(StrataBackups backups) {
        return new StrataBackupMetrics(backups);
    }
}
