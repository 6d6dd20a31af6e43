package dev.strata.engine;

/**
 * What a range read covers: bounds (each inclusive or exclusive, either open), direction, a
 * limit, keys only or keys and values, and the snapshot to read at. A mutable builder, as
 * RocksJava's ReadOptions; the database copies what it needs when the iterator is created.
 *
 * <pre>{@code
 * try (var it = db.iterator(new RangeOptions().start(a).end(b).reverse(true).limit(10))) { ... }
 * }</pre>
 */
public final class RangeOptions {
    private byte[] start;
    private boolean startInclusive = true;
    private byte[] end;
    private boolean endInclusive;
    private boolean reverse;
    private long limit = Long.MAX_VALUE;
    private boolean keysOnly;
    private Snapshot snapshot;

    /** Every key, ascending. */
    public static RangeOptions all() {
        return new RangeOptions();
    }

    /** Keys that begin with {@code prefix}. */
    public static RangeOptions prefix(byte[] prefix) {
        RangeOptions o = new RangeOptions().start(prefix);
        byte[] upper = prefix.clone();
        for (int i = upper.length - 1; i >= 0; i--) {
            if (upper[i] != (byte) 0xFF) {
                upper[i]++;
                o.end(java.util.Arrays.copyOf(upper, i + 1), false);
                return o;
            }
        }
        return o; // all 0xFF: no upper bound
    }

    /** Lower bound, inclusive. Null for none. */
    public RangeOptions start(byte[] key) {
        return start(key, true);
    }

    public RangeOptions start(byte[] key, boolean inclusive) {
        this.start = key;
        this.startInclusive = inclusive;
        return this;
    }

    /** Upper bound, exclusive. Null for none. */
    public RangeOptions end(byte[] key) {
        return end(key, false);
    }

    public RangeOptions end(byte[] key, boolean inclusive) {
        this.end = key;
        this.endInclusive = inclusive;
        return this;
    }

    /** Iterate from the upper bound down. */
    public RangeOptions reverse(boolean reverse) {
        this.reverse = reverse;
        return this;
    }

    /** At most this many entries (must be >= 0). */
    public RangeOptions limit(long limit) {
        if (limit < 0) {
            throw new InvalidArgumentException("limit must be >= 0, was " + limit);
        }
        this.limit = limit;
        return this;
    }

    /** Return keys only; values are not read. */
    public RangeOptions keysOnly(boolean keysOnly) {
        this.keysOnly = keysOnly;
        return this;
    }

    /** Read at this snapshot instead of the latest committed state. */
    public RangeOptions snapshot(Snapshot snapshot) {
        this.snapshot = snapshot;
        return this;
    }

    public byte[] start() {
        return start;
    }

    public boolean startInclusive() {
        return startInclusive;
    }

    public byte[] end() {
        return end;
    }

    public boolean endInclusive() {
        return endInclusive;
    }

    public boolean reverse() {
        return reverse;
    }

    public long limit() {
        return limit;
    }

    public boolean keysOnly() {
        return keysOnly;
    }

    public Snapshot snapshot() {
        return snapshot;
    }
}
