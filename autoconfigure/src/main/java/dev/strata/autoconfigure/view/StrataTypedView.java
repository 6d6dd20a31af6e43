package dev.strata.autoconfigure.view;

import dev.strata.autoconfigure.transaction.StrataTemplate;
import dev.strata.engine.ColumnFamily;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Values of one type in one column family under a key prefix, keyed by strings: a small
 * repository over Strata. {@code view.get("lamp-01")} reads {@code <prefix>lamp-01} (UTF-8) in the
 * family and decodes it with the view's codec. Every call goes through {@link StrataTemplate}'s
 * helpers, so inside a {@code @Transactional} method or a template callback it reads and writes
 * in that transaction (and a read-only one refuses writes), and outside one each write is its own
 * commit. Get views from {@link StrataViews}; a view is immutable and thread-safe.
 *
 * @param <V> the value type
 */
public final class StrataTypedView<V> {

    /** One entry of {@link #list}: the key without the view's prefix, and the decoded value. */
    public record Entry<V>(String key, V value) {
    }

    private final StrataTemplate template;
    private final ColumnFamily family;
    private final String prefix;
    private final StrataCodec<V> codec;

    public StrataTypedView(StrataTemplate template, ColumnFamily family, String prefix, StrataCodec<V> codec) {
        if (template == null || family == null || prefix == null || codec == null) {
            throw new InvalidArgumentException("a typed view needs a template, a column family, a prefix (may be empty) "
                    + "and a codec");
        }
        this.template = template;
        this.family = family;
        this.prefix = prefix;
        this.codec = codec;
    }

    /** The same values under {@code prefix + more}, e.g. {@code items.withPrefix("eu/")}. */
    public StrataTypedView<V> withPrefix(String more) {
        if (more == null) {
            throw new InvalidArgumentException("a prefix must not be null");
        }
        return new StrataTypedView<>(template, family, prefix + more, codec);
    }

    public Optional<V> get(String key) {
        return decode(template.get(family, key(key)));
    }

    /**
     * {@link #get}, and in a transaction marks the key as one the writes depend on: pessimistic,
     * locks it until the transaction ends; optimistic, checks it at commit.
     */
    public Optional<V> getForUpdate(String key) {
        return decode(template.getForUpdate(family, key(key)));
    }

    public boolean contains(String key) {
        return template.get(family, key(key)) != null;
    }

    public void put(String key, V value) {
        template.put(family, key(key), codec.encode(value));
    }

    public void remove(String key) {
        template.remove(family, key(key));
    }

    /**
     * Up to {@code limit} entries in key order, starting after {@code afterKey} (null for the
     * first), as the bound transaction sees them. Keys returned by a range read are not
     * conflict-checked (phantoms are possible): read with {@link #getForUpdate} what writes depend on.
     */
    public List<Entry<V>> list(String afterKey, int limit) {
        if (limit < 1) {
            throw new InvalidArgumentException("limit must be at least 1, was " + limit);
        }
        RangeOptions range = RangeOptions.prefix(utf8(prefix)).limit(limit);
        if (afterKey != null) {
            range.start(key(afterKey), false);
        }
        int skip = utf8(prefix).length;
        return template.range(family, range).stream()
                .map(kv -> new Entry<>(keyOf(kv, skip), codec.decode(kv.value())))
                .toList();
    }

    public ColumnFamily family() {
        return family;
    }

    public String prefix() {
        return prefix;
    }

    public StrataCodec<V> codec() {
        return codec;
    }

    private Optional<V> decode(byte[] value) {
        return value == null ? Optional.empty() : Optional.of(codec.decode(value));
    }

    private byte[] key(String key) {
        if (key == null) {
            throw new InvalidArgumentException("key must not be null");
        }
        return utf8(prefix + key);
    }

    private static String keyOf(KeyValue kv, int prefixBytes) {
        byte[] key = kv.key();
        return new String(key, prefixBytes, key.length - prefixBytes, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "StrataTypedView[" + family.name() + ", prefix '" + prefix + "', " + codec + "]";
    }
}
