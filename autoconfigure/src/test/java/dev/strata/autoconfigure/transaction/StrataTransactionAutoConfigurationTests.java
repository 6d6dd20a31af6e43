package dev.strata.autoconfigure.transaction;

import dev.strata.autoconfigure.Causes;
import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.TransactionAbandonedException;
import dev.strata.engine.txn.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.nio.file.Path;

import static dev.strata.autoconfigure.transaction.TransactionalBeans.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link StrataTransactionAutoConfiguration}: which beans exist by default, with each property,
 * without spring-tx, beside a JDBC transaction manager, and when the application has its own.
 */
class StrataTransactionAutoConfigurationTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class,
                        StrataTransactionAutoConfiguration.class, TransactionAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir);
    }

    /** A transaction whose commit always conflicts: it reads the key, a plain write changes it, it writes the key. */
    private static Object alwaysConflicting(StrataDatabase db, Transaction txn) {
        txn.get(utf8("hot"));
        db.put(utf8("hot"), utf8(String.valueOf(System.nanoTime())));
        txn.put(utf8("hot"), utf8("mine"));
        return null;
    }

    @Test
    void byDefaultTheTemplateTheTranslatorAndTheTransactionManagerExist() {
        runner().run(context -> {
            assertThat(context).hasSingleBean(StrataTemplate.class).hasSingleBean(StrataDataAccessExceptionTranslator.class)
                    .hasSingleBean(StrataTransactionManager.class);
            StrataTransactionManager manager = context.getBean(StrataTransactionAutoConfiguration.TRANSACTION_MANAGER,
                    StrataTransactionManager.class);
            assertThat(manager.getDatabase()).isSameAs(context.getBean(StrataDatabase.class));
            assertThat(context.getBean(PlatformTransactionManager.class)).as("the only one: a plain @Transactional finds it")
                    .isSameAs(manager);
            assertThat(context.getBean(TransactionTemplate.class).getTransactionManager()).isSameAs(manager);
            StrataTemplate template = context.getBean(StrataTemplate.class);
            assertThat(template.maxRetries()).isEqualTo(3);
            assertThat(template.coordinatedRetry()).isFalse();
        });
    }

    @Test
    void retryPropertiesReachTheTemplate() {
        runner().withPropertyValues("strata.transaction.max-retries=0", "strata.transaction.coordinated-retry=true")
                .run(context -> {
                    StrataTemplate template = context.getBean(StrataTemplate.class);
                    assertThat(template.maxRetries()).isZero();
                    assertThat(template.coordinatedRetry()).isTrue();
                    StrataDatabase db = context.getBean(StrataDatabase.class);
                    int[] attempts = {0};
                    assertThatThrownBy(() -> template.execute((txn, attempt) -> {
                        attempts[0] = attempt;
                        return alwaysConflicting(db, txn);
                    })).isInstanceOf(ConcurrencyFailureException.class).hasCauseInstanceOf(TransactionAbandonedException.class);
                    assertThat(attempts[0]).as("max-retries=0: one attempt").isEqualTo(1);
                });
    }

    @Test
    void aNegativeMaxRetriesFailsStartUpNamingTheProperty() {
        runner().withPropertyValues("strata.transaction.max-retries=-1").run(context -> {
            InvalidConfigurationPropertyValueException e = Causes.invalidProperty(context);
            assertThat(e.getName()).isEqualTo("strata.transaction.max-retries");
        });
    }

    @Test
    void transactionEnabledFalseCreatesNoneOfThem() {
        runner().withPropertyValues("strata.transaction.enabled=false").run(context -> {
            assertThat(context).hasSingleBean(StrataDatabase.class).doesNotHaveBean(StrataTemplate.class)
                    .doesNotHaveBean(StrataTransactionManager.class).doesNotHaveBean(StrataDataAccessExceptionTranslator.class)
                    .doesNotHaveBean(TransactionTemplate.class);
        });
        runner().withPropertyValues("strata.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(StrataTemplate.class).doesNotHaveBean(TransactionManager.class));
    }

    @Test
    void withoutSpringTxTheTemplateThrowsTheEngineExceptions() {
        runner().withClassLoader(new FilteredClassLoader("org.springframework.transaction", "org.springframework.dao"))
                .withPropertyValues("strata.transaction.max-retries=1")
                .run(context -> {
                    assertThat(context).hasSingleBean(StrataTemplate.class).doesNotHaveBean(StrataTransactionManager.class)
                            .doesNotHaveBean(StrataDataAccessExceptionTranslator.class);
                    StrataDatabase db = context.getBean(StrataDatabase.class);
                    assertThatThrownBy(() -> context.getBean(StrataTemplate.class)
                            .execute((txn, attempt) -> alwaysConflicting(db, txn)))
                            .isInstanceOf(TransactionAbandonedException.class).hasMessageContaining("2 attempts");
                });
    }

    @Test
    void applicationBeansReplaceOurs() {
        runner().withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasSingleBean(StrataTemplate.class).hasSingleBean(StrataTransactionManager.class)
                    .doesNotHaveBean(StrataDataAccessExceptionTranslator.class)
                    .doesNotHaveBean(StrataTransactionAutoConfiguration.TRANSACTION_MANAGER);
            assertThat(context.getBean(StrataTemplate.class)).isSameAs(context.getBean("myTemplate"));
            assertThat(context.getBean(StrataTransactionManager.class)).isSameAs(context.getBean("myManager"));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        @Bean
        StrataTemplate myTemplate(StrataDatabase db) {
            return new StrataTemplate(db);
        }

        @Bean
        StrataTransactionManager myManager(StrataDatabase db) {
            return new StrataTransactionManager(db);
        }

        @Bean
        StrataExceptionMapper myMapper() {
            return StrataExceptionMapper.ENGINE;
        }
    }

    @Test
    void besideBootsJdbcTransactionManagerOursIsChosenOnlyByName() {
        runner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class))
                .withUserConfiguration(BothKinds.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(JdbcTransactionManager.class).hasSingleBean(StrataTransactionManager.class);
                    assertThat(context.getBean(PlatformTransactionManager.class)).isInstanceOf(JdbcTransactionManager.class);
                    assertThat(context.getBean(TransactionTemplate.class).getTransactionManager())
                            .isInstanceOf(JdbcTransactionManager.class);
                    UsesBoth service = context.getBean(UsesBoth.class);
                    assertThat(service.plain()).as("plain @Transactional: JDBC's").isEqualTo("jdbc");
                    assertThat(service.strata()).as("@Transactional(\"strataTransactionManager\")").isEqualTo("strata");
                });
    }

    @Test
    void besideTheApplicationsOwnTransactionManagerOursIsChosenOnlyByName() {
        runner().withUserConfiguration(BothKinds.class, OwnJdbcManager.class)
                .run(context -> {
                    assertThat(context.getBean(PlatformTransactionManager.class)).isSameAs(context.getBean("transactionManager"));
                    UsesBoth service = context.getBean(UsesBoth.class);
                    assertThat(service.plain()).isEqualTo("jdbc");
                    assertThat(service.strata()).isEqualTo("strata");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnJdbcManager {
        @Bean
        DataSource dataSource() {
            return new org.springframework.jdbc.datasource.DriverManagerDataSource("jdbc:h2:mem:own-" + System.nanoTime());
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new JdbcTransactionManager(dataSource);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BothKinds {
        @Bean
        UsesBoth usesBoth(DataSource dataSource, StrataDatabase db) {
            return new UsesBoth(dataSource, db);
        }
    }

    /** Says which manager's transaction each method ran in. */
    static class UsesBoth {
        private final DataSource dataSource;
        private final StrataDatabase db;

        UsesBoth(DataSource dataSource, StrataDatabase db) {
            this.dataSource = dataSource;
            this.db = db;
        }

        @Transactional
        public String plain() {
            return which();
        }

        @Transactional("strataTransactionManager")
        public String strata() {
            return which();
        }

        private String which() {
            boolean jdbc = TransactionSynchronizationManager.hasResource(dataSource);
            boolean strata = StrataTransactions.current(db).isPresent();
            return jdbc == strata ? "both or neither" : jdbc ? "jdbc" : "strata";
        }
    }
}
