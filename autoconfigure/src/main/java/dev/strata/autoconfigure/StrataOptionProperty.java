package dev.strata.autoconfigure;

import dev.strata.engine.StrataOptions;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One {@code strata.*} property and the {@link StrataOptions} option it sets. {@link #ALL} is the
 * one place that ties properties to options: {@link StrataAutoConfiguration} applies it to build
 * the options, the {@code strata} endpoint reads the options in effect back through it, and the
 * start-up failure analyzer maps an engine message that names an option ("memtableSize must be
 * at least 4 KiB") back to the property the user wrote.
 *
 * <p>A property's name is always its option's name in kebab-case under {@code strata.}; the
 * engine's messages start with the option's name, which is what makes the mapping back exact.
 */
public final class StrataOptionProperty {

    /** Every option that has a property, in the order the endpoint shows them. */
    public static final List<StrataOptionProperty> ALL = List.of(
            of("durability", (p, o) -> o.durability(p.getDurability()), o -> String.valueOf(o.durability())),
            of("syncInterval", (p, o) -> o.syncInterval(p.getSyncInterval()), o -> String.valueOf(o.syncInterval())),
            of("walSegmentSize", (p, o) -> o.walSegmentSize(bytes("walSegmentSize", p.getWalSegmentSize())),
                    StrataOptions::walSegmentSize),
            of("maxWalSize", (p, o) -> o.maxWalSize(bytes("maxWalSize", p.getMaxWalSize())), StrataOptions::maxWalSize),
            of("walArchive", (p, o) -> o.walArchive(p.getWalArchive()), o -> String.valueOf(o.walArchive())),
            of("memtableSize", (p, o) -> o.memtableSize(bytes("memtableSize", p.getMemtableSize())),
                    StrataOptions::memtableSize),
            of("maxImmutableMemtables", (p, o) -> o.maxImmutableMemtables(p.getMaxImmutableMemtables()),
                    StrataOptions::maxImmutableMemtables),
            of("blockCacheSize", (p, o) -> o.blockCacheSize(bytes("blockCacheSize", p.getBlockCacheSize())),
                    StrataOptions::blockCacheSize),
            of("memoryBudget", (p, o) -> o.memoryBudget(bytes("memoryBudget", p.getMemoryBudget())),
                    StrataOptions::memoryBudget),
            of("blockSize", (p, o) -> o.blockSize(intBytes("blockSize", p.getBlockSize())), StrataOptions::blockSize),
            of("bloomBitsPerKey", (p, o) -> o.bloomBitsPerKey(p.getBloomBitsPerKey()), StrataOptions::bloomBitsPerKey),
            of("compression", (p, o) -> o.compression(p.isCompression()), StrataOptions::compression),
            of("zstdDictionarySize", (p, o) -> o.zstdDictionarySize(intBytes("zstdDictionarySize", p.getZstdDictionarySize())),
                    StrataOptions::zstdDictionarySize),
            of("l0CompactionTrigger", (p, o) -> o.l0CompactionTrigger(p.getL0CompactionTrigger()),
                    StrataOptions::l0CompactionTrigger),
            of("l0StopWritesTrigger", (p, o) -> o.l0StopWritesTrigger(p.getL0StopWritesTrigger()),
                    StrataOptions::l0StopWritesTrigger),
            of("levelBaseSize", (p, o) -> o.levelBaseSize(bytes("levelBaseSize", p.getLevelBaseSize())),
                    StrataOptions::levelBaseSize),
            of("levelMultiplier", (p, o) -> o.levelMultiplier(p.getLevelMultiplier()), StrataOptions::levelMultiplier),
            of("targetFileSize", (p, o) -> o.targetFileSize(bytes("targetFileSize", p.getTargetFileSize())),
                    StrataOptions::targetFileSize),
            of("maxKeySize", (p, o) -> o.maxKeySize(intBytes("maxKeySize", p.getMaxKeySize())), StrataOptions::maxKeySize),
            of("maxValueSize", (p, o) -> o.maxValueSize(intBytes("maxValueSize", p.getMaxValueSize())),
                    StrataOptions::maxValueSize),
            of("maxBatchSize", (p, o) -> o.maxBatchSize(intBytes("maxBatchSize", p.getMaxBatchSize())),
                    StrataOptions::maxBatchSize),
            of("readOnly", (p, o) -> o.readOnly(p.isReadOnly()), StrataOptions::readOnly),
            of("closeTimeout", (p, o) -> o.closeTimeout(p.getCloseTimeout()), o -> String.valueOf(o.closeTimeout())),
            of("asyncThreads", (p, o) -> o.asyncThreads(p.getAsyncThreads()), StrataOptions::asyncThreads),
            of("trackHandleOrigins", (p, o) -> o.trackHandleOrigins(p.isTrackHandleOrigins()),
                    StrataOptions::trackHandleOrigins),
            of("transactionMode", (p, o) -> o.transactionMode(p.getTransactionMode()), o -> String.valueOf(o.transactionMode())),
            of("lockTimeout", (p, o) -> o.lockTimeout(p.getLockTimeout()), o -> String.valueOf(o.lockTimeout())),
            of("verificationTable", (p, o) -> o.verificationTable(p.isVerificationTable()), StrataOptions::verificationTable),
            of("transactionLogRetention", (p, o) -> o.transactionLogRetention(p.getTransactionLogRetention()),
                    o -> String.valueOf(o.transactionLogRetention())),
            of("transactionLogMaxAgeThreshold", (p, o) -> o.transactionLogMaxAgeThreshold(p.getTransactionLogMaxAgeThreshold()),
                    StrataOptions::transactionLogMaxAgeThreshold),
            of("walKeepSize", (p, o) -> o.walKeepSize(bytes("walKeepSize", p.getWalKeepSize())), StrataOptions::walKeepSize),
            of("maxFollowerRetainedBytes", (p, o) -> o.maxFollowerRetainedBytes(bytes("maxFollowerRetainedBytes",
                    p.getMaxFollowerRetainedBytes())), StrataOptions::maxFollowerRetainedBytes),
            of("transactionLogRetentionCheckInterval", (p, o) -> o.transactionLogRetentionCheckInterval(
                    p.getTransactionLogRetentionCheckInterval()), o -> String.valueOf(o.transactionLogRetentionCheckInterval())));

    private final String optionName;
    private final String propertyName;
    private final BiConsumer<StrataProperties, StrataOptions> apply;
    private final Function<StrataOptions, Object> read;

    private StrataOptionProperty(String optionName, BiConsumer<StrataProperties, StrataOptions> apply,
                                 Function<StrataOptions, Object> read) {
        this.optionName = optionName;
        this.propertyName = propertyName(optionName);
        this.apply = apply;
        this.read = read;
    }

    private static StrataOptionProperty of(String optionName, BiConsumer<StrataProperties, StrataOptions> apply,
                                           Function<StrataOptions, Object> read) {
        return new StrataOptionProperty(optionName, apply, read);
    }

    /** The option's name as {@link StrataOptions} and the engine's messages spell it, e.g. {@code memtableSize}. */
    public String optionName() {
        return optionName;
    }

    /** The full property name, e.g. {@code strata.memtable-size}. */
    public String propertyName() {
        return propertyName;
    }

    /** Copies this property's value into the options. */
    public void apply(StrataProperties properties, StrataOptions options) {
        apply.accept(properties, options);
    }

    /** The option's value in the options, as the endpoint shows it (sizes in bytes, durations ISO-8601). */
    public Object read(StrataOptions options) {
        return read.apply(options);
    }

    /** The property whose option has this name, if one does. */
    public static Optional<StrataOptionProperty> forOption(String optionName) {
        return ALL.stream().filter(p -> p.optionName.equals(optionName)).findFirst();
    }

    /** {@code memtableSize} becomes {@code strata.memtable-size}. */
    static String propertyName(String optionName) {
        StringBuilder name = new StringBuilder("strata.");
        for (char c : optionName.toCharArray()) {
            if (Character.isUpperCase(c)) {
                name.append('-').append(Character.toLowerCase(c));
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }

    private static long bytes(String optionName, DataSize size) {
        if (size == null) {
            throw new InvalidConfigurationPropertyValueException(propertyName(optionName), null, "A size must be given.");
        }
        return size.toBytes();
    }

    // The engine takes some sizes as int; a larger value must fail by name, not wrap around.
    private static int intBytes(String optionName, DataSize size) {
        long bytes = bytes(optionName, size);
        if (bytes > Integer.MAX_VALUE || bytes < Integer.MIN_VALUE) {
            throw new InvalidConfigurationPropertyValueException(propertyName(optionName), size,
                    "The size must be below 2GB; the engine's own limit for it may be lower.");
        }
        return (int) bytes;
    }
}
