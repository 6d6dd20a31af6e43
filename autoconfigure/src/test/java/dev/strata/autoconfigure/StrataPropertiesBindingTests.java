package dev.strata.autoconfigure;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each {@code strata.*} property reaches its {@link StrataOptions} option, the properties'
 * defaults are the engine's, and every option of the engine has a property (or is on the short
 * list of those that only code can set).
 */
class StrataPropertiesBindingTests {

    /** Options that take objects no property can express; set them with a {@link StrataOptionsCustomizer}. */
    /** storage and clock are objects; follower is set by the replication role, not by a property of its own. */
    private static final Set<String> CODE_ONLY_OPTIONS = Set.of("storage", "clock", "follower");

    /** A non-default value for every option property, and how the options then read it back. */
    private static final Map<String, Object[]> NON_DEFAULTS = new LinkedHashMap<>();

    static {
        NON_DEFAULTS.put("strata.durability", new Object[] {"async", "ASYNC"});
        NON_DEFAULTS.put("strata.sync-interval", new Object[] {"250ms", "PT0.25S"});
        NON_DEFAULTS.put("strata.wal-segment-size", new Object[] {"1MB", 1L << 20});
        NON_DEFAULTS.put("strata.max-wal-size", new Object[] {"1GB", 1L << 30});
        // Under the module's build directory: harmless if the engine creates it.
        NON_DEFAULTS.put("strata.wal-archive", new Object[] {"target/wal-archive-binding-test", "target/wal-archive-binding-test"});
        NON_DEFAULTS.put("strata.memtable-size", new Object[] {"8MB", 8L << 20});
        NON_DEFAULTS.put("strata.max-immutable-memtables", new Object[] {"3", 3});
        NON_DEFAULTS.put("strata.block-cache-size", new Object[] {"16MB", 16L << 20});
        NON_DEFAULTS.put("strata.memory-budget", new Object[] {"512MB", 512L << 20});
        NON_DEFAULTS.put("strata.block-size", new Object[] {"16KB", 16 << 10});
        NON_DEFAULTS.put("strata.bloom-bits-per-key", new Object[] {"12", 12});
        NON_DEFAULTS.put("strata.compression", new Object[] {"false", false});
        NON_DEFAULTS.put("strata.zstd-dictionary-size", new Object[] {"64KB", 64 << 10});
        NON_DEFAULTS.put("strata.l0-compaction-trigger", new Object[] {"6", 6});
        NON_DEFAULTS.put("strata.l0-stop-writes-trigger", new Object[] {"30", 30});
        NON_DEFAULTS.put("strata.level-base-size", new Object[] {"128MB", 128L << 20});
        NON_DEFAULTS.put("strata.level-multiplier", new Object[] {"8", 8});
        NON_DEFAULTS.put("strata.target-file-size", new Object[] {"32MB", 32L << 20});
        NON_DEFAULTS.put("strata.max-key-size", new Object[] {"1KB", 1 << 10});
        NON_DEFAULTS.put("strata.max-value-size", new Object[] {"1MB", 1 << 20});
        NON_DEFAULTS.put("strata.max-batch-size", new Object[] {"8MB", 8 << 20});
        NON_DEFAULTS.put("strata.read-only", new Object[] {"true", true});
        NON_DEFAULTS.put("strata.close-timeout", new Object[] {"2s", "PT2S"});
        NON_DEFAULTS.put("strata.async-threads", new Object[] {"4", 4});
        NON_DEFAULTS.put("strata.track-handle-origins", new Object[] {"true", true});
        NON_DEFAULTS.put("strata.transaction-mode", new Object[] {"pessimistic", "PESSIMISTIC"});
        NON_DEFAULTS.put("strata.lock-timeout", new Object[] {"3s", "PT3S"});
        NON_DEFAULTS.put("strata.verification-table", new Object[] {"true", true});
        NON_DEFAULTS.put("strata.transaction-log-retention", new Object[] {"12h", "PT12H"});
        NON_DEFAULTS.put("strata.transaction-log-max-age-threshold", new Object[] {"0.5", 0.5});
        NON_DEFAULTS.put("strata.wal-keep-size", new Object[] {"64MB", 64L << 20});
        NON_DEFAULTS.put("strata.max-follower-retained-bytes", new Object[] {"2GB", 2L << 30});
        NON_DEFAULTS.put("strata.transaction-log-retention-check-interval", new Object[] {"30s", "PT30S"});
    }

    @Test
    void everyPropertySetsItsOption(@TempDir Path dir) {
        // strata.read-only=true is among the values, and a read-only open needs a database.
        StrataDatabase.open(dir).close();
        String[] pairs = NON_DEFAULTS.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()[0])
                .toArray(String[]::new);
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class))
                .withPropertyValues(pairs).withPropertyValues("strata.path=" + dir)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    StrataOptions options = context.getBean(StrataOptions.class);
                    for (StrataOptionProperty p : StrataOptionProperty.ALL) {
                        assertThat(p.read(options)).as(p.propertyName()).isEqualTo(NON_DEFAULTS.get(p.propertyName())[1]);
                    }
                });
    }

    @Test
    void theTableOfNonDefaultsCoversEveryProperty() {
        assertThat(StrataOptionProperty.ALL.stream().map(StrataOptionProperty::propertyName))
                .containsExactlyInAnyOrderElementsOf(NON_DEFAULTS.keySet());
    }

    @Test
    void thePropertiesDefaultsAreTheEnginesDefaults() {
        StrataOptions fromProperties = optionsFrom(new StrataProperties());
        StrataOptions engine = StrataOptions.defaults();
        for (StrataOptionProperty p : StrataOptionProperty.ALL) {
            assertThat(p.read(fromProperties)).as(p.propertyName()).isEqualTo(p.read(engine));
        }
    }

    @Test
    void everyEngineOptionHasAProperty() {
        Set<String> setters = Arrays.stream(StrataOptions.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && m.getReturnType() == StrataOptions.class
                        && m.getParameterCount() == 1)
                .map(Method::getName)
                .filter(name -> !CODE_ONLY_OPTIONS.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> bound = StrataOptionProperty.ALL.stream().map(StrataOptionProperty::optionName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(bound).as("StrataOptions setters without a strata.* property: add each to StrataProperties and "
                + "StrataOptionProperty.ALL, or to CODE_ONLY_OPTIONS if no property can express it").isEqualTo(setters);
    }

    @Test
    void everyPropertyIsDeclaredOnStrataProperties() {
        Set<String> fields = Arrays.stream(StrataProperties.class.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .map(f -> StrataOptionProperty.propertyName(f.getName()))
                .collect(Collectors.toSet());
        assertThat(fields).containsAll(NON_DEFAULTS.keySet());
    }

    @Test
    void propertyNamesAreTheOptionNamesInKebabCase() {
        assertThat(StrataOptionProperty.propertyName("memtableSize")).isEqualTo("strata.memtable-size");
        assertThat(StrataOptionProperty.propertyName("l0StopWritesTrigger")).isEqualTo("strata.l0-stop-writes-trigger");
        assertThat(StrataOptionProperty.forOption("bloomBitsPerKey")).get()
                .extracting(StrataOptionProperty::propertyName).isEqualTo("strata.bloom-bits-per-key");
        assertThat(StrataOptionProperty.forOption("storage")).isEmpty();
    }

    @Test
    void aSizeTooLargeForTheEnginesIntFailsNamingTheProperty() {
        StrataProperties properties = new StrataProperties();
        properties.setMaxValueSize(DataSize.ofGigabytes(3));
        assertThatThrownBy(() -> optionsFrom(properties))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("strata.max-value-size");
    }

    @Test
    void anEmptySizeFailsNamingTheProperty() {
        StrataProperties properties = new StrataProperties();
        properties.setMemtableSize(null);
        assertThatThrownBy(() -> optionsFrom(properties))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("strata.memtable-size");
    }

    private static StrataOptions optionsFrom(StrataProperties properties) {
        StrataOptions options = StrataOptions.defaults();
        StrataOptionProperty.ALL.forEach(p -> p.apply(properties, options));
        return options;
    }
}
