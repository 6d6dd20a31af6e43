package dev.strata.autoconfigure;

import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.DatabaseLockedException;
import dev.strata.engine.Durability;
import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The core auto-configuration: the database opens from the properties, every bean backs off to
 * the application's own, {@code strata.enabled=false} turns it off, and closing the context
 * flushes and closes the database. Property-by-property mapping is in {@link StrataPropertiesBindingTests}.
 */
class StrataAutoConfigurationTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir);
    }

    static <T extends Throwable> T causeOfType(Throwable failure, Class<T> type) {
        return Causes.ofType(failure, type);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void opensAWritableDatabaseAtTheConfiguredPath() {
        runner().run(context -> {
            assertThat(context).hasSingleBean(StrataDatabase.class).hasSingleBean(StrataOptions.class)
                    .hasSingleBean(StrataDatabaseLifecycle.class);
            StrataDatabase db = context.getBean(StrataDatabase.class);
            assertThat(db.path()).isEqualTo(dir);
            assertThat(db.isClosed()).isFalse();
            db.put(bytes("k"), bytes("v"));
            assertThat(db.get(bytes("k"))).isEqualTo(bytes("v"));
            assertThat(Files.exists(dir.resolve("LOCK"))).isTrue();
        });
    }

    @Test
    void closingTheContextFlushesAndClosesTheDatabase() {
        StrataDatabase[] opened = new StrataDatabase[1];
        runner().run(context -> {
            opened[0] = context.getBean(StrataDatabase.class);
            opened[0].put(bytes("k"), bytes("v"));
            assertThat(opened[0].lsmStats().levelFiles()[0]).isZero();
        });
        assertThat(opened[0].isClosed()).isTrue();
        // The commit is in a table now, not only in the WAL: the shutdown flushed it.
        try (StrataDatabase reopened = StrataDatabase.open(dir)) {
            assertThat(reopened.get(bytes("k"))).isEqualTo(bytes("v"));
            assertThat(reopened.lsmStats().levelFiles()[0]).isEqualTo(1);
        }
    }

    @Test
    void aPlainStopFlushesButLeavesTheDatabaseOpenForARestart() {
        runner().run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            db.put(bytes("k"), bytes("v"));
            context.getSourceApplicationContext().stop();
            assertThat(db.isClosed()).isFalse();
            assertThat(db.lsmStats().flushes()).isEqualTo(1);
            assertThat(context.getBean(StrataDatabaseLifecycle.class).isRunning()).isFalse();
            context.getSourceApplicationContext().start();
            assertThat(context.getBean(StrataDatabaseLifecycle.class).isRunning()).isTrue();
            db.put(bytes("k2"), bytes("v2"));
            assertThat(db.get(bytes("k2"))).isEqualTo(bytes("v2"));
        });
    }

    @Test
    void aDatabaseThatRefusesWritesIsStillClosedAtShutdownAndLosesNothingAcknowledged() {
        FailingForceStorage storage = new FailingForceStorage();
        StrataDatabase[] opened = new StrataDatabase[1];
        runner().withBean(StrataOptionsCustomizer.class, storage::customizer).run(context -> {
            opened[0] = context.getBean(StrataDatabase.class);
            opened[0].put(bytes("acknowledged"), bytes("v"));
            storage.failForces();
            assertThatThrownBy(() -> opened[0].put(bytes("refused"), bytes("v")))
                    .isInstanceOf(BackgroundErrorException.class);
        });
        assertThat(opened[0].isClosed()).isTrue();
        try (StrataDatabase reopened = StrataDatabase.open(dir)) {
            assertThat(reopened.get(bytes("acknowledged"))).isEqualTo(bytes("v"));
        }
    }

    @Test
    void aDatabaseOpenedBeforeTheContextFailedIsClosedAndItsLockReleased() {
        runner().withUserConfiguration(FailingAfterDatabase.class).run(context ->
                assertThat(context).hasFailed());
        try (StrataDatabase again = StrataDatabase.open(dir)) {
            assertThat(again.isClosed()).isFalse();
        }
    }

    @Test
    void strataEnabledFalseCreatesNothingAndTouchesNoFile() {
        Path unused = dir.resolve("unused");
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class))
                .withPropertyValues("strata.enabled=false", "strata.path=" + unused)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(StrataDatabase.class)
                            .doesNotHaveBean(StrataOptions.class).doesNotHaveBean(StrataDatabaseLifecycle.class)
                            .doesNotHaveBean(StrataProperties.class);
                    assertThat(unused).doesNotExist();
                });
    }

    @Test
    void customizersRunAfterThePropertiesInOrder() {
        runner().withPropertyValues("strata.memtable-size=1MB", "strata.bloom-bits-per-key=7")
                .withUserConfiguration(Customizers.class)
                .run(context -> {
                    StrataOptions options = context.getBean(StrataOptions.class);
                    assertThat(options.memtableSize()).isEqualTo(3L << 20);
                    assertThat(options.bloomBitsPerKey()).isEqualTo(7);
                });
    }

    @Test
    void anApplicationOptionsBeanReplacesThePropertiesAndCustomizers() {
        runner().withPropertyValues("strata.memtable-size=1MB")
                .withUserConfiguration(UserOptions.class, Customizers.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(StrataOptions.class).hasSingleBean(StrataDatabase.class);
                    StrataOptions options = context.getBean(StrataOptions.class);
                    assertThat(options).isSameAs(context.getBean("userOptions"));
                    assertThat(options.memtableSize()).isEqualTo(5L << 20);
                    assertThat(options.durability()).isEqualTo(Durability.ASYNC);
                });
    }

    @Test
    void anApplicationDatabaseBeanReplacesOursAndIsStillClosedAtShutdown() {
        StrataDatabase[] user = new StrataDatabase[1];
        runner().withBean("userDatabase", StrataDatabase.class, () -> StrataDatabase.open(dir.resolve("user")))
                .run(context -> {
                    assertThat(context).hasSingleBean(StrataDatabase.class).doesNotHaveBean(StrataOptions.class)
                            .hasSingleBean(StrataDatabaseLifecycle.class);
                    user[0] = context.getBean(StrataDatabase.class);
                    assertThat(user[0].path()).isEqualTo(dir.resolve("user"));
                    assertThat(Files.exists(dir.resolve("LOCK"))).isFalse();
                });
        assertThat(user[0].isClosed()).isTrue();
    }

    @Test
    void anApplicationLifecycleBeanReplacesOurs() {
        runner().withUserConfiguration(UserLifecycle.class).run(context -> {
            assertThat(context).hasSingleBean(StrataDatabaseLifecycle.class);
            assertThat(context.getBean(StrataDatabaseLifecycle.class)).isSameAs(context.getBean("userLifecycle"));
        });
    }

    @Test
    void aSecondWriterOnTheSameDirectoryFailsWithTheLockError() {
        runner().run(first -> runner().run(second -> {
            assertThat(second).hasFailed();
            assertThat(causeOfType(second.getStartupFailure(), DatabaseLockedException.class))
                    .hasMessageContaining(dir.toString());
        }));
    }

    @Test
    void readOnlyOpensBesideTheDataAndRefusesWritesAndShutsDownQuietly() {
        try (StrataDatabase writer = StrataDatabase.open(dir)) {
            writer.put(bytes("k"), bytes("v"));
        }
        runner().withPropertyValues("strata.read-only=true").run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            assertThat(db.get(bytes("k"))).isEqualTo(bytes("v"));
            assertThatThrownBy(() -> db.put(bytes("k"), bytes("w"))).isInstanceOf(ReadOnlyException.class);
        });
    }

    @Test
    void aBlankPathFailsNamingTheProperty() {
        runner().withPropertyValues("strata.path= ").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("strata.path");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        @Bean
        @Order(2)
        StrataOptionsCustomizer last() {
            return o -> o.memtableSize(3L << 20);
        }

        @Bean
        @Order(1)
        StrataOptionsCustomizer first() {
            return o -> o.memtableSize(2L << 20);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserOptions {
        @Bean
        StrataOptions userOptions() {
            return StrataOptions.defaults().memtableSize(5L << 20).durability(Durability.ASYNC);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserLifecycle {
        @Bean
        StrataDatabaseLifecycle userLifecycle(StrataDatabase db) {
            return new StrataDatabaseLifecycle(db);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FailingAfterDatabase {
        @Bean
        Object needsTheDatabaseThenFails(StrataDatabase db) {
            throw new IllegalStateException("this bean fails after the database opened at " + db.path());
        }
    }
}
