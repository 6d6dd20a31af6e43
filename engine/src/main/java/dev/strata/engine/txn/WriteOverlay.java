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

    /**
     * One column family's writes: the last write of each key, and the ranges removed. While the
     * family has one write it is held in two fields; the sorted map is made on the second write
     * or when a range operation needs it (a transaction of one put should allocate little more
     * than a plain put: garbage makes the young collections that copy live memtable data run more
     * often).
     */
    static final class Family {
        final int cf;
        private byte[] soleKey;
        private Object soleValue;
        private TreeMap<byte[], Object> map;
        /** [start, end) pairs; empty until the transaction removes a range. */
        List<byte[][]> removedRanges = List.of();

        Family(int cf) {
            this.cf = cf;
        }

        Object get(byte[] key) {
            if (map != null) {
                return map.get(key);
            }
            return soleKey != null && Bytes.compare(soleKey, key) == 0 ? soleValue : null;
        }

        /** Sets {@code key}'s write; returns the one it replaced, or null. */
        Object put(byte[] key, Object stored) {
            if (map == null && (soleKey == null || Bytes.compare(soleKey, key) == 0)) {
                Object old = soleValue;
                soleKey = key;
                soleValue = stored;
                return old;
            }
            return entries().put(key, stored);
        }

        /** The writes as a sorted map (made from the single write the first time). */
        TreeMap<byte[], Object> entries() {
            if (map == null) {
                map = new TreeMap<>(Bytes.COMPARATOR);
                if (soleKey != null) {
                    map.put(soleKey, soleValue);
                    soleKey = null;
                    soleValue = null;
                }
            }
            return map;
        }

        /** Visits the writes in key order. */
        void forEach(EntryVisitor visitor) {
            if (map == null) {
                if (soleKey != null) {
                    visitor.entry(soleKey, soleValue);
                }
                return;
            }
            for (Map.Entry<byte[], Object> e : map.entrySet()) {
                visitor.entry(e.getKey(), e.getValue());
            }
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

    /** Receives a family's writes. */
    @FunctionalInterface
    interface EntryVisitor {
        void entry(byte[] key, Object stored);
    }

    /** Receives the keys the transaction wrote (put or removed). */
    @FunctionalInterface
    interface KeyVisitor {
        void key(int cf, byte[] key);
    }

    /**
     * The families written, in order of first write. Most transactions touch one family, so the
     * first is a field and the list exists only for a second.
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

    /** The {@code i}-th family written (0 to {@link #familyCount()} - 1), without making a list. */
    private Family familyAt(int i) {
        return i == 0 ? first : more.get(i - 1);
    }

    private int familyCount() {
        return first == null ? 0 : more == null ? 1 : 1 + more.size();
    }

    /** The ids of the families written. */
    int[] familyIds() {
        int[] ids = new int[familyCount()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = familyAt(i).cf;
        }
        return ids;
    }

    /** Visits every key put or removed (not the removed ranges). */
    void forEachKey(KeyVisitor visitor) {
        for (int i = 0; i < familyCount(); i++) {
            Family f = familyAt(i);
            f.forEach((key, stored) -> visitor.key(f.cf, key));
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
        Object old = family(cf).put(key, stored);
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
        NavigableMap<byte[], Object> inRange = f.entries().subMap(start, true, end, false);
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
        Object v = f.get(key);
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

    /**
     * The ops of the commit record, every family's removed ranges then its writes, encoded into
     * {@code out} (at least {@link #encodedBytes()} long) from offset 0.
     */
    void encode(byte[] out) {
        int[] p = {0};
        for (int i = 0; i < familyCount(); i++) {
            Family f = familyAt(i);
            int cf = f.cf;
            for (byte[][] r : f.removedRanges) {
                p[0] = CommitRecord.encodeOp(out, p[0], CommitRecord.DELETE_RANGE, cf, r[0], r[1], 0L);
            }
            f.forEach((key, v) -> {
                if (v == REMOVED) {
                    p[0] = CommitRecord.encodeOp(out, p[0], CommitRecord.DELETE, cf, key, null, 0L);
                } else if (v instanceof Expiring x) {
                    p[0] = CommitRecord.encodeOp(out, p[0], CommitRecord.PUT_TTL, cf, key, x.value(), x.expiresAt());
                } else {
                    p[0] = CommitRecord.encodeOp(out, p[0], CommitRecord.PUT, cf, key, (byte[]) v, 0L);
                }
            });
        }
        if (p[0] != encodedBytes) {
            throw new IllegalStateException("transaction ops encoded to " + p[0] + " bytes, expected " + encodedBytes);
        }
    }
}
