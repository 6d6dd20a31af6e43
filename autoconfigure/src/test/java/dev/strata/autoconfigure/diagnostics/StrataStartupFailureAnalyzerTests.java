package dev.strata.autoconfigure.diagnostics;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bad {@code strata.*} value or a locked directory fails start-up with a description that
 * names the property and its value and an action, not a stack trace from inside the engine.
 */
@ExtendWith(OutputCaptureExtension.class)
class StrataStartupFailureAnalyzerTests {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "strata.memtable-size         | 1KB    | memtableSize must be at least 4 KiB",
            "strata.wal-segment-size      | 4KB    | walSegmentSize must be at least 64 KiB",
            "strata.sync-interval         | 0s     | syncInterval must be positive",
            "strata.max-key-size          | 0B     | maxKeySize must be in",
            "strata.max-value-size        | 1536MB | maxValueSize must be in",
            "strata.max-batch-size        | 512B   | maxBatchSize must be in",
            "strata.block-cache-size      | -1B    | blockCacheSize must be >= 0",
            "strata.block-size            | 64B    | blockSize must be in",
            "strata.bloom-bits-per-key    | 65     | bloomBitsPerKey must be in",
            "strata.max-immutable-memtables | 0    | maxImmutableMemtables must be >= 1",
            "strata.l0-compaction-trigger | 1      | l0CompactionTrigger must be >= 2",
            "strata.l0-stop-writes-trigger | 4     | l0StopWritesTrigger must be greater than l0CompactionTrigger",
            "strata.level-base-size       | 1KB    | levelBaseSize must be at least 4 KiB",
            "strata.level-multiplier      | 1      | levelMultiplier must be >= 2",
            "strata.target-file-size      | 1KB    | targetFileSize must be at least 4 KiB",
            "strata.zstd-dictionary-size  | 2MB    | zstdDictionarySize must be in",
            "strata.memory-budget         | 1MB    | memoryBudget 1048576 is below what the memtables alone may hold",
            "strata.async-threads         | 0      | asyncThreads must be >= 1",
            "strata.close-timeout         | -1s    | closeTimeout must be >= 0",
    })
    void anOutOfRangeValueIsDescribedByPropertyValueAndReason(String property, String value, String reason) {
        String setting = property + "=" + value;
        runner().withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = analyzer(setting).analyze(context.getStartupFailure());
            assertThat(analysis).as("an analysis of " + setting).isNotNull();
            assertThat(analysis.getDescription())
                    .startsWith("Invalid value '" + value + "' for configuration property '" + property + "'")
                    .contains(reason);
            assertThat(analysis.getAction()).contains("Update " + property);
        });
    }

    @Test
    void aValueLeftAtItsDefaultIsNamedAsTheDefault() {
        // A trigger of 30 makes the default stop trigger (20) invalid: the engine names the stop trigger.
        runner().withPropertyValues("strata.l0-compaction-trigger=30").run(context -> {
            FailureAnalysis analysis = analyzer("strata.l0-compaction-trigger=30").analyze(context.getStartupFailure());
            assertThat(analysis.getDescription())
                    .startsWith("Configuration property 'strata.l0-stop-writes-trigger' is not set")
                    .contains("l0StopWritesTrigger must be greater than l0CompactionTrigger, was 20");
        });
    }

    @Test
    void aLockedDirectoryIsDescribedWithTheWaysOut() {
        runner().run(first -> runner().run(second -> {
            FailureAnalysis analysis = analyzer("strata.path=" + dir).analyze(second.getStartupFailure());
            assertThat(analysis.getDescription()).contains("'" + dir + "' (strata.path) could not be opened for writing")
                    .contains("One process");
            assertThat(analysis.getAction()).contains("strata.path").contains("strata.read-only=true");
        }));
    }

    @Test
    void theSameExceptionFromApplicationCodeIsLeftToItsStackTrace() {
        runner().withUserConfiguration(ApplicationBug.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(analyzer().analyze(context.getStartupFailure())).isNull();
        });
    }

    @Test
    void anEngineMessageThatNamesNoPropertyIsLeftToItsStackTrace() {
        StrataException notAnOption = new InvalidArgumentException("storage must be set");
        assertThat(analyzer().analyze(new org.springframework.beans.factory.BeanCreationException(
                StrataStartupFailureAnalyzer.DATABASE_BEAN, "failed", notAnOption))).isNull();
    }

    @Test
    void bootPrintsTheAnalysisWithTheOriginOfTheValue(CapturedOutput output) {
        failToStartWith("--strata.block-size=64B");
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Invalid value '64B' for configuration property 'strata.block-size' (originating from "
                        + "'\"strata.block-size\" from property source \"commandLineArgs\"')")
                .contains("blockSize must be in [128 B, 4 MiB], was 64")
                .contains("Update strata.block-size");
    }

    @Test
    void aValueOfTheWrongTypeIsReportedByBootsBindingAnalysis(CapturedOutput output) {
        failToStartWith("--strata.durability=fast");
        assertThat(output).contains("APPLICATION FAILED TO START").contains("strata.durability")
                .contains("fast");
    }

    /** Runs a real SpringApplication with the argument, which must fail to start (and report why). */
    private void failToStartWith(String argument) {
        SpringApplicationBuilder app = new SpringApplicationBuilder(StrataOnly.class).web(WebApplicationType.NONE)
                .logStartupInfo(false);
        assertThatThrownBy(() -> app.run("--strata.path=" + dir, argument)).isInstanceOf(Exception.class);
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir);
    }

    /** The analyzer over an environment holding the same setting the failed context had. */
    private StrataStartupFailureAnalyzer analyzer(String... settings) {
        StandardEnvironment environment = new StandardEnvironment();
        Map<String, Object> map = new java.util.HashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            map.put(s.substring(0, eq), s.substring(eq + 1));
        }
        environment.getPropertySources().addFirst(new MapPropertySource("test", map));
        return new StrataStartupFailureAnalyzer(environment);
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(StrataAutoConfiguration.class)
    static class StrataOnly {
    }

    @Configuration(proxyBeanMethods = false)
    static class ApplicationBug {
        @Bean
        Object applicationBean() {
            throw new InvalidArgumentException("memtableSize must be at least 4 KiB, was 1");
        }
    }
}
