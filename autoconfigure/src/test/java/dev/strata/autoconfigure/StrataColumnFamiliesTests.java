package dev.strata.autoconfigure;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.ColumnFamilyNotFoundException;
import dev.strata.engine.StrataDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code strata.column-families} and the {@link StrataColumnFamilies} bean. */
class StrataColumnFamiliesTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void byDefaultOnlyTheDefaultFamilyExists() {
        runner().run(context -> {
            StrataColumnFamilies families = context.getBean(StrataColumnFamilies.class);
            assertThat(families.configuredNames()).isEmpty();
            assertThat(families.names()).hasSize(1);
            assertThat(families.defaultFamily().name()).isEqualTo(families.names().get(0));
            assertThatThrownBy(() -> families.get("history")).isInstanceOf(ColumnFamilyNotFoundException.class);
        });
    }

    @Test
    void configuredFamiliesAreCreatedOnceAndKeptAcrossRestarts() {
        runner().withPropertyValues("strata.column-families=history,audit").run(context -> {
            StrataColumnFamilies families = context.getBean(StrataColumnFamilies.class);
            assertThat(families.configuredNames()).containsExactlyInAnyOrder("history", "audit");
            assertThat(families.names()).contains("history", "audit").hasSize(3);
            ColumnFamily history = families.get("history");
            history.put(bytes("k"), bytes("in history"));
            assertThat(context.getBean(StrataDatabase.class).get(bytes("k"))).isNull();
        });
        // The second start finds them and creates nothing: same data, still three families.
        runner().withPropertyValues("strata.column-families=history").run(context -> {
            StrataColumnFamilies families = context.getBean(StrataColumnFamilies.class);
            assertThat(families.names()).contains("history", "audit").hasSize(3);
            assertThat(families.get("history").get(bytes("k"))).isEqualTo(bytes("in history"));
            assertThat(families.get("audit").name()).isEqualTo("audit");
        });
    }

    @Test
    void getOrCreateAddsAFamilyWhileRunning() {
        runner().run(context -> {
            StrataColumnFamilies families = context.getBean(StrataColumnFamilies.class);
            ColumnFamily created = families.getOrCreate("late");
            assertThat(families.get("late").id()).isEqualTo(created.id());
            assertThat(families.names()).contains("late");
        });
    }

    @Test
    void aBlankNameFailsStartUpNamingTheProperty() {
        runner().withPropertyValues("strata.column-families[0]= ").run(context -> {
            InvalidConfigurationPropertyValueException e = Causes.invalidProperty(context);
            assertThat(e.getName()).isEqualTo("strata.column-families");
        });
    }

    @Test
    void aNameTheEngineRejectsFailsStartUpNamingThePropertyAndTheReason() {
        String tooLong = "f".repeat(300);
        runner().withPropertyValues("strata.column-families=" + tooLong).run(context -> {
            InvalidConfigurationPropertyValueException e = Causes.invalidProperty(context);
            assertThat(e.getName()).isEqualTo("strata.column-families");
            assertThat(e.getValue()).isEqualTo(tooLong);
            assertThat(e.getReason()).contains("255");
        });
    }

    @Test
    void aReadOnlyDatabaseUsesExistingFamiliesAndFailsOnAMissingOne() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            db.createColumnFamily("history").put(bytes("k"), bytes("v"));
        }
        runner().withPropertyValues("strata.read-only=true", "strata.column-families=history").run(context ->
                assertThat(context.getBean(StrataColumnFamilies.class).get("history").get(bytes("k"))).isEqualTo(bytes("v")));
        runner().withPropertyValues("strata.read-only=true", "strata.column-families=history,missing").run(context -> {
            InvalidConfigurationPropertyValueException e = Causes.invalidProperty(context);
            assertThat(e.getValue()).isEqualTo("missing");
            assertThat(e.getReason()).contains("read-only");
        });
    }

    @Test
    void anApplicationBeanReplacesItAndCreatesItsOwnFamiliesInstead() {
        runner().withPropertyValues("strata.column-families=history")
                .withUserConfiguration(OwnFamilies.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(StrataColumnFamilies.class).hasBean("ownFamilies");
                    assertThat(context.getBean(StrataDatabase.class).columnFamilies()).contains("own")
                            .doesNotContain("history");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFamilies {
        @Bean
        StrataColumnFamilies ownFamilies(StrataDatabase db) {
            return new StrataColumnFamilies(db, List.of("own"));
        }
    }
}
