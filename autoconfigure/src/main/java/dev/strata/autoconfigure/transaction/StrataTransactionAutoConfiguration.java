package dev.strata.autoconfigure.transaction;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.StrataProperties;
import dev.strata.engine.StrataDatabase;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.TransactionManager;
import org.springframework.util.ClassUtils;

/**
 * Transactions in Spring: the {@link StrataTemplate} bean always, and with spring-tx on the class
 * path the {@link StrataDataAccessExceptionTranslator} (so the template and the views throw
 * {@code DataAccessException}s) and the {@code strataTransactionManager}
 * ({@link StrataTransactionManager}) for {@code @Transactional}.
 *
 * <p>The transaction manager never takes the place of the application's JDBC or JPA one. This
 * runs after Boot's JDBC and JPA auto-configurations (whose transaction managers back off when
 * any {@link TransactionManager} exists) and before {@code TransactionAutoConfiguration} (which
 * enables {@code @Transactional} when one exists). When another transaction manager is already
 * defined, ours is registered with {@code defaultCandidate = false}: a plain {@code @Transactional}
 * and injection by type keep finding the application's, and Strata's is chosen by name,
 * {@code @Transactional("strataTransactionManager")}. When it is the only one, a plain
 * {@code @Transactional} uses it. Boot's {@code spring.transaction.*} customizers apply to it.
 *
 * <p>Every bean backs off for the application's; {@code strata.transaction.enabled=false} turns
 * all of them off.
 */
@AutoConfiguration(after = StrataAutoConfiguration.class,
        afterName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
                "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
                "org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizationAutoConfiguration"},
        beforeName = "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration")
@ConditionalOnClass(StrataDatabase.class)
@ConditionalOnBooleanProperty(name = {"strata.enabled", "strata.transaction.enabled"}, matchIfMissing = true)
@Import({StrataTransactionAutoConfiguration.DataAccessConfiguration.class,
        StrataTransactionAutoConfiguration.OnlyTransactionManagerConfiguration.class,
        StrataTransactionAutoConfiguration.AdditionalTransactionManagerConfiguration.class})
public class StrataTransactionAutoConfiguration {

    /** The bean name {@code @Transactional("strataTransactionManager")} chooses. */
    public static final String TRANSACTION_MANAGER = "strataTransactionManager";

    private static final String CUSTOMIZERS =
            "org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers";

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(StrataDatabase.class)
    public StrataTemplate strataTemplate(StrataDatabase database, StrataProperties properties,
                                         ObjectProvider<StrataExceptionMapper> mappers) {
        StrataProperties.Transaction transaction = properties.getTransaction();
        if (transaction.getMaxRetries() < 0) {
            throw new InvalidConfigurationPropertyValueException("strata.transaction.max-retries",
                    transaction.getMaxRetries(), "The number of retries must be 0 (one attempt only) or more.");
        }
        return new StrataTemplate(database, transaction.getMaxRetries(), transaction.isCoordinatedRetry(),
                mappers.getIfUnique(() -> StrataExceptionMapper.ENGINE));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.dao.DataAccessException")
    static class DataAccessConfiguration {

        @Bean
        @ConditionalOnMissingBean(StrataExceptionMapper.class)
        StrataDataAccessExceptionTranslator strataExceptionTranslator() {
            return new StrataDataAccessExceptionTranslator();
        }
    }

    /** No transaction manager yet: ours is an ordinary candidate, which a plain {@code @Transactional} finds. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.transaction.PlatformTransactionManager")
    @ConditionalOnSingleCandidate(StrataDatabase.class)
    @ConditionalOnMissingBean(type = "org.springframework.transaction.TransactionManager")
    static class OnlyTransactionManagerConfiguration extends TransactionManagerSupport {

        @Bean(TRANSACTION_MANAGER)
        StrataTransactionManager strataTransactionManager(StrataDatabase database,
                                                          ObjectProvider<StrataDataAccessExceptionTranslator> translators,
                                                          ListableBeanFactory beanFactory) {
            return create(database, translators, beanFactory);
        }
    }

    /** The application (or Boot's JDBC/JPA configuration) has a transaction manager: ours is chosen by name only. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.transaction.PlatformTransactionManager")
    @ConditionalOnSingleCandidate(StrataDatabase.class)
    @ConditionalOnBean(type = "org.springframework.transaction.TransactionManager")
    @ConditionalOnMissingBean(type = "dev.strata.autoconfigure.transaction.StrataTransactionManager",
            name = TRANSACTION_MANAGER)
    static class AdditionalTransactionManagerConfiguration extends TransactionManagerSupport {

        @Bean(name = TRANSACTION_MANAGER, defaultCandidate = false)
        StrataTransactionManager strataTransactionManager(StrataDatabase database,
                                                          ObjectProvider<StrataDataAccessExceptionTranslator> translators,
                                                          ListableBeanFactory beanFactory) {
            return create(database, translators, beanFactory);
        }
    }

    /** Loaded only with spring-tx, through the two configurations above. */
    abstract static class TransactionManagerSupport {

        static StrataTransactionManager create(StrataDatabase database,
                                               ObjectProvider<StrataDataAccessExceptionTranslator> translators,
                                               ListableBeanFactory beanFactory) {
            StrataTransactionManager manager = new StrataTransactionManager(database,
                    translators.getIfUnique(StrataDataAccessExceptionTranslator::new));
            if (ClassUtils.isPresent(CUSTOMIZERS, StrataTransactionAutoConfiguration.class.getClassLoader())) {
                BootCustomizers.apply(beanFactory, manager);
            }
            return manager;
        }
    }

    /** Boot's {@code spring.transaction.*} customizers, as its JDBC and JPA managers get them; loaded only when present. */
    static final class BootCustomizers {

        private BootCustomizers() {
        }

        static void apply(ListableBeanFactory beanFactory, StrataTransactionManager manager) {
            beanFactory.getBeanProvider(TransactionManagerCustomizers.class).ifAvailable(c -> c.customize(manager));
        }
    }
}
