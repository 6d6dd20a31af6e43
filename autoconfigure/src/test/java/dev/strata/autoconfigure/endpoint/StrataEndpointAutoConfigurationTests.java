package dev.strata.autoconfigure.endpoint;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.backup.StrataBackupAutoConfiguration;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint exists only when exposed and not switched off, and backs off to the application's own. */
class StrataEndpointAutoConfigurationTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, StrataAutoConfiguration.class,
                        StrataEndpointAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir);
    }

    @Test
    void absentUntilExposed() {
        runner().run(context -> assertThat(context).hasSingleBean(StrataDatabase.class)
                .doesNotHaveBean(StrataEndpoint.class));
    }

    @Test
    void presentWhenExposedOverHttp() {
        runner().withPropertyValues("management.endpoints.web.exposure.include=strata").run(context -> {
            assertThat(context).hasSingleBean(StrataEndpoint.class);
            assertThat(context.getBean(StrataEndpoint.class).section("properties"))
                    .containsEntry("strata.path", dir.toString()).containsEntry("strata.durability", "SYNC");
        });
    }

    @Test
    void absentWhenItsAccessIsNone() {
        runner().withPropertyValues("management.endpoints.web.exposure.include=strata",
                "management.endpoint.strata.access=NONE").run(context ->
                assertThat(context).doesNotHaveBean(StrataEndpoint.class));
    }

    @Test
    void anApplicationEndpointReplacesOurs() {
        try (StrataDatabase own = StrataDatabase.open(dir.resolve("own"))) {
            StrataEndpoint endpoint = new StrataEndpoint(own, StrataOptions.defaults());
            runner().withPropertyValues("management.endpoints.web.exposure.include=strata")
                    .withBean("ownEndpoint", StrataEndpoint.class, () -> endpoint)
                    .run(context -> {
                        assertThat(context).hasSingleBean(StrataEndpoint.class);
                        assertThat(context.getBean(StrataEndpoint.class)).isSameAs(endpoint);
                    });
        }
    }

    @Test
    void absentWithoutActuator() {
        runner().withPropertyValues("management.endpoints.web.exposure.include=strata")
                .withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
                .run(context -> assertThat(context).hasSingleBean(StrataDatabase.class)
                        .doesNotHaveBean(StrataEndpoint.class));
    }

    @Test
    void absentWithStrataDisabled() {
        runner().withPropertyValues("management.endpoints.web.exposure.include=strata", "strata.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(StrataEndpoint.class));
    }

    @Test
    void showsTheBackupsWhenTheyAreConfigured() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, StrataAutoConfiguration.class,
                        StrataBackupAutoConfiguration.class, StrataEndpointAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir.resolve("db"), "strata.backup.directory=" + dir.resolve("backups"),
                        "strata.backup.keep-count=3", "management.endpoints.web.exposure.include=strata")
                .run(context -> assertThat(context.getBean(StrataEndpoint.class).section("backups"))
                        .containsEntry("keepCount", 3).containsEntry("backups", List.of())
                        .containsEntry("directory", dir.resolve("backups").toAbsolutePath().normalize().toString()));
    }
}
