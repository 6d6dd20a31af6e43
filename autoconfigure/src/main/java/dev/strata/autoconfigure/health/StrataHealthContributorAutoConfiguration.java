package dev.strata.autoconfigure.health;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.engine.StrataDatabase;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code strata} health indicator, when Boot's health module is on the class path and one
 * database bean exists. Off with {@code management.health.strata.enabled=false}; an application
 * bean named {@code strataHealthIndicator} replaces it.
 */
@AutoConfiguration(after = StrataAutoConfiguration.class)
@ConditionalOnClass({StrataDatabase.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnSingleCandidate(StrataDatabase.class)
@ConditionalOnEnabledHealthIndicator("strata")
public class StrataHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "strataHealthIndicator")
    public StrataHealthIndicator strataHealthIndicator(StrataDatabase database) {
        return new StrataHealthIndicator(database);
    }
}
