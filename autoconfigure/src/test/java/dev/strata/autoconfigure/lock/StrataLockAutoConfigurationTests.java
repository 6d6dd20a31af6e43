package dev.strata.autoconfigure.lock;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.engine.StrataDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link StrataLockAutoConfiguration}: with and without Spring Integration, off, and replaced. */
class StrataLockAutoConfigurationTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class, StrataLockAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir);
    }

    @Test
    void withSpringIntegrationTheRegistryIsItsLockRegistry() {
        runner().run(context -> {
            assertThat(context).hasSingleBean(StrataLockRegistry.class).hasSingleBean(LockRegistry.class);
            @SuppressWarnings("unchecked")
            LockRegistry<StrataLock> registry = context.getBean(LockRegistry.class);
            StrataDatabase db = context.getBean(StrataDatabase.class);
            boolean heldInside = registry.executeLocked("job", () -> db.hasLock("job".getBytes(StandardCharsets.UTF_8)));
            assertThat(heldInside).isTrue();
            assertThat(db.hasLock("job".getBytes(StandardCharsets.UTF_8))).isFalse();
        });
    }

    @Test
    void withoutSpringIntegrationThePlainRegistry() {
        runner().withClassLoader(new FilteredClassLoader("org.springframework.integration")).run(context -> {
            assertThat(context).hasSingleBean(StrataLockRegistry.class);
            assertThat(context.getBean(StrataLockRegistry.class)).isNotInstanceOf(StrataIntegrationLockRegistry.class);
        });
    }

    @Test
    void besideTheApplicationsOwnLockRegistryThePlainOneSoInjectionByTypeStaysUnambiguous() {
        runner().withUserConfiguration(OwnIntegrationRegistry.class).run(context -> {
            assertThat(context).hasSingleBean(LockRegistry.class).hasSingleBean(StrataLockRegistry.class);
            assertThat(context.getBean(LockRegistry.class)).isInstanceOf(DefaultLockRegistry.class);
            assertThat(context.getBean(StrataLockRegistry.class)).isNotInstanceOf(LockRegistry.class);
        });
    }

    @Test
    void offByPropertyAndReplacedByTheApplications() {
        runner().withPropertyValues("strata.locks.enabled=false").run(context ->
                assertThat(context).hasSingleBean(StrataDatabase.class).doesNotHaveBean(StrataLockRegistry.class));
        runner().withUserConfiguration(OwnStrataRegistry.class).run(context -> {
            assertThat(context).hasSingleBean(StrataLockRegistry.class);
            assertThat(context.getBean(StrataLockRegistry.class)).isSameAs(context.getBean("mine"));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnIntegrationRegistry {
        @Bean
        DefaultLockRegistry defaultLockRegistry() {
            return new DefaultLockRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStrataRegistry {
        @Bean
        StrataLockRegistry mine(StrataDatabase db) {
            return new StrataLockRegistry(db);
        }
    }
}
