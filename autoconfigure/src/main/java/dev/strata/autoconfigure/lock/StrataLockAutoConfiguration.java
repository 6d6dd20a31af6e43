package dev.strata.autoconfigure.lock;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.engine.StrataDatabase;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The {@code strataLockRegistry} bean: {@link StrataIntegrationLockRegistry} when Spring
 * Integration is on the class path and the application has no {@code LockRegistry} of its own,
 * {@link StrataLockRegistry} otherwise. Backs off for an application {@link StrataLockRegistry};
 * {@code strata.locks.enabled=false} turns it off. The two configurations exclude each other.
 */
@AutoConfiguration(after = StrataAutoConfiguration.class)
@ConditionalOnClass(StrataDatabase.class)
@ConditionalOnBooleanProperty(name = {"strata.enabled", "strata.locks.enabled"}, matchIfMissing = true)
@Import({StrataLockAutoConfiguration.IntegrationLockRegistryConfiguration.class,
        StrataLockAutoConfiguration.PlainLockRegistryConfiguration.class})
public class StrataLockAutoConfiguration {

    static final String LOCK_REGISTRY = "org.springframework.integration.support.locks.LockRegistry";

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = LOCK_REGISTRY)
    static class IntegrationLockRegistryConfiguration {

        @Bean
        @ConditionalOnMissingBean(value = StrataLockRegistry.class, type = LOCK_REGISTRY)
        @ConditionalOnSingleCandidate(StrataDatabase.class)
        StrataIntegrationLockRegistry strataLockRegistry(StrataDatabase database) {
            return new StrataIntegrationLockRegistry(database);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(PlainLockRegistryConfiguration.NoIntegrationRegistry.class)
    static class PlainLockRegistryConfiguration {

        /** Spring Integration is absent, or the application has a {@code LockRegistry} of its own. */
        static class NoIntegrationRegistry extends AnyNestedCondition {
            NoIntegrationRegistry() {
                super(ConfigurationPhase.REGISTER_BEAN);
            }

            @ConditionalOnMissingClass(LOCK_REGISTRY)
            static class IntegrationAbsent {
            }

            @ConditionalOnBean(type = LOCK_REGISTRY)
            static class ApplicationRegistry {
            }
        }


        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnSingleCandidate(StrataDatabase.class)
        StrataLockRegistry strataLockRegistry(StrataDatabase database) {
            return new StrataLockRegistry(database);
        }
    }
}
