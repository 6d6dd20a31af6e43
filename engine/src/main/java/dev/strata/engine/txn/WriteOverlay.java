package dev.strata.engine.txn;

import dev.strata.engine.util.Bytes;
import dev.strata.engine.wal.CommitRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A transaction's writes, not yet committed: per column family, a sorted map of the last write
 * of each key (a value, a value with an expiry, or {@link #REMOVED}) and the ranges it removed.
 * Reads of the transaction look here first (read-your-writes); its iterators merge the map over
 * the snapshot; the commit encodes it as one commit record's ops ({@link #encode()}).
 *
 * <p>Why no encoded batch is kept beside it: the map already holds the final effect. A
 * delete-range drops the map's entries in its range, so every remaining entry was written after
 * every range that covers it, and "all ranges, then all entries" applies to the same state as
 * the original order. Repeated writes of one key are committed once.
 *
 * <p>Not thread-safe: its transaction is used by one thread at a time.
 */
final class WriteOverlay {
    /** The value of a key the transaction removed. */
    static final Object REMOVED = new Object() {
        @Override
        public String toString() {
            return "REMOVED";
        }
    };

    /** A put with a time-to-live. */
    record Expiring(byte[] value, long expiresAt) {
    }

    /** One column family's writes. */
    static final class Family {
        final int cf;
        final TreeMap<byte[], Object> entries = new TreeMap<>(Bytes.COMPARATOR);
        /** [start, end) pairs; empty until the transaction removes a range. */
        List<byte[][]> removedRanges = List.of();

        Family(int cf) {
            this.cf = cf;
        }

        /** Whether a range this transaction removed covers {@code key}. */
        boolean rangeRemoved(byte[] key) {
            for (byte[][] r : removedRanges) {
                if (Bytes.compare(key, r[0]) >= 0 && Bytes.compare(key, r[1]) < 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Receives the keys the transaction wrote (put or removed). */
    @FunctionalInterface
    interface KeyVisitor {
        void key(int cf, byte[] key);
    }

    /**
     * The families written, in order of first write. Most transactions touch one family, so the
     * first is a field and the list exists only for a second (allocation matters: a transaction of
     * one put should cost little more than a plain put).
     */
    private Family first;
    private List<Family> more;
    private int opCount;
    private long encodedBytes;

    private Family family(int cf) {
        Family f = existing(cf);
        if (f != null) {
            return f;
        }
        f = new Family(cf);
        if (first == null) {
            first = f;
        } else {
            if (more == null) {
                more = new ArrayList<>(2);
            }
            more.add(f);
        }
        return f;
    }

    /** The family's writes, or null if it has none. */
    Family existing(int cf) {
        if (first == null || first.cf == cf) {
            return first;
        }
        if (more != null) {
            for (Family f : more) {
                if (f.cf == cf) {
                    return f;
                }
            }
        }
        return null;
    }

    private List<Family> families() {
        if (first == null) {
            return List.of();
        }
        if (more == null) {
            return List.of(first);
        }
        List<Family> all = new ArrayList<>(more.size() + 1);
        all.add(first);
        all.addAll(more);
        return all;
    }

    /** Visits every key put or removed (not the removed ranges). */
    void forEachKey(KeyVisitor visitor) {
        for (Family f : families()) {
            for (byte[] key : f.entries.keySet()) {
                visitor.key(f.cf, key);
            }
        }
    }

    /** Records a put (expiresAt 0 = never); takes ownership of both arrays. */
    void put(int cf, byte[] key, byte[] value, long expiresAt) {
        set(cf, key, expiresAt == 0 ? value : new Expiring(value, expiresAt));
    }

    /** Records a remove; takes ownership of the key. */
    void remove(int cf, byte[] key) {
        set(cf, key, REMOVED);
    }

    private void set(int cf, byte[] key, Object stored) {
        Object old = family(cf).entries.put(key, stored);
        if (old != null) {
            encodedBytes -= opSize(cf, key, old);
            opCount--;
        }
        encodedBytes += opSize(cf, key, stored);
        opCount++;
    }

    /** Records a delete-range over [start, end): the writes in it are superseded. */
    void deleteRange(int cf, byte[] start, byte[] end) {
        Family f = family(cf);
        NavigableMap<byte[], Object> inRange = f.entries.subMap(start, true, end, false);
        for (Map.Entry<byte[], Object> e : inRange.entrySet()) {
            encodedBytes -= opSize(cf, e.getKey(), e.getValue());
            opCount--;
        }
        inRange.clear();
        if (f.removedRanges.isEmpty()) {
            f.removedRanges = new ArrayList<>(2);
        }
        f.removedRanges.add(new byte[][] {start, end});
        encodedBytes += CommitRecord.opSize(cf, start.length, end.length, false);
        opCount++;
    }

    /**
     * What the transaction itself wrote for {@code key}: null if nothing (read the snapshot, unless
     * a removed range covers it: {@link #REMOVED}), {@link #REMOVED}, or the value (an expired put
     * at {@code now} reads as {@link #REMOVED}).
     */
    Object lookup(int cf, byte[] key, long now) {
        Family f = existing(cf);
        if (f == null) {
            return null;
        }
        Object v = f.entries.get(key);
        if (v == null) {
            return f.rangeRemoved(key) ? REMOVED : null;
        }
        return live(v, now);
    }

    /** A stored write as a reader at {@code now} sees it: the value bytes, or {@link #REMOVED}. */
    static Object live(Object stored, long now) {
        if (stored instanceof Expiring e) {
            return e.expiresAt() <= now ? REMOVED : e.value();
        }
        return stored;
    }

    boolean isEmpty() {
        return opCount == 0;
    }

    int opCount() {
        return opCount;
    }

    long encodedBytes() {
        return encodedBytes;
    }

    private static int opSize(int cf, byte[] key, Object stored) {
        if (stored == REMOVED) {
            return CommitRecord.opSize(cf, key.length, -1, false);
        }
        if (stored instanceof Expiring e) {
            return CommitRecord.opSize(cf, key.length, e.value().length, true);
        }
        return CommitRecord.opSize(cf, key.length, ((byte[]) stored).length, false);
    }

    /** The ops of the commit record: every family's removed ranges, then its entries. */
    byte[] encode() {
        byte[] out = new byte[Math.toIntExact(encodedBytes)];
        int p = 0;
        for (Family f : families()) {
            int cf = f.cf;
            for (byte[][] r : f.removedRanges) {
                p = CommitRecord.encodeOp(out, p, CommitRecord.DELETE_RANGE, cf, r[0], r[1], 0L);
            }
            for (Map.Entry<byte[], Object> e : f.entries.entrySet()) {
                Object v = e.getValue();
                if (v == REMOVED) {
                    p = CommitRecord.encodeOp(out, p, CommitRecord.DELETE, cf, e.getKey(), null, 0L);
                } else if (v instanceof Expiring x) {
                    p = CommitRecord.encodeOp(out, p, CommitRecord.PUT_TTL, cf, e.getKey(), x.value(), x.expiresAt());
                } else {
                    p = CommitRecord.encodeOp(out, p, CommitRecord.PUT, cf, e.getKey(), (byte[]) v, 0L);
                }
            }
        }
        if (p != out.length) {
            throw new IllegalStateException("transaction ops encoded to " + p + " bytes, expected " + out.length);
        }
        return out;
    }
}
