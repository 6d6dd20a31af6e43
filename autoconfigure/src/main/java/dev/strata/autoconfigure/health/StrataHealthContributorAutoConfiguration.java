package dev.strata.autoconfigure.health;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.backup.StrataBackupAutoConfiguration;
import dev.strata.autoconfigure.backup.StrataBackups;
import dev.strata.engine.StrataDatabase;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code strata} health indicator, when Boot's health module is on the class path and one
 * database bean exists. Off with {@code management.health.strata.enabled=false}; an application
 * bean named {@code strataHealthIndicator} replaces it. With a {@link StrataBackups} bean, also the
 * {@code strataBackup} indicator, off with {@code management.health.strata-backup.enabled=false}
 * and replaced by a bean named {@code strataBackupHealthIndicator}.
 */
@AutoConfiguration(after = {StrataAutoConfiguration.class, StrataBackupAutoConfiguration.class})
@ConditionalOnClass({StrataDatabase.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnSingleCandidate(StrataDatabase.class)
public class StrataHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "strataHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("strata")
    public StrataHealthIndicator strataHealthIndicator(StrataDatabase database) {
        return new StrataHealthIndicator(database);
    }

    @Bean
    @ConditionalOnMissingBean(name = "strataBackupHealthIndicator")
    @ConditionalOnBean(StrataBackups.class)
    @ConditionalOnEnabledHealthIndicator("strata-backup")
    public StrataBackupHealthIndicator strataBackupHealthIndicator(StrataBackups backups) {
        return new StrataBackupHealthIndicator(backups);
    }
}
