package dev.strata.engine.memtable;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The in-memory write buffer: every version of every key written since the last flush, as a
 * concurrent skip list ordered by {@link MemKey} (key ascending, seqno descending), plus the
 * delete-range tombstones. Values are byte arrays; a point delete is the {@link #TOMBSTONE}
 * sentinel.
 *
 * <p>Concurrency: one writer at a time (the commit pipeline inserts under its append lock);
 * any number of readers without locks. A reader filters by seqno, so entries of commits that are
 * not yet visible are present but never seen.
 *
 * <p>Its size in bytes ({@link #approximateBytes()}) is what the memory budget and, with the LSM
 * storage issue, the flush trigger count.
 */
public final class Memtable {
    /** The value of a point delete. */
    public static final Object TOMBSTONE = new Object() {
        @Override
        public String toString() {
            return "TOMBSTONE";
        }
    };
    /** Bytes counted per entry beyond key and value: skip-list node, index, key object. */
    static final int ENTRY_OVERHEAD = 96;

    private final ConcurrentSkipListMap<MemKey, Object> entries = new ConcurrentSkipListMap<>();
    private final RangeTombstones rangeTombstones = new RangeTombstones();
    /** Written only by the single writer (the committer under its lock, or recovery). */
    private volatile long bytes;

    /** Inserts a put. Takes ownership of both arrays. */
    public void put(byte[] key, byte[] value, long seqno) {
        if (entries.put(new MemKey(key, seqno), value) == null) {
            bytes += key.length + value.length + ENTRY_OVERHEAD;
        }
    }

    /** Inserts a put that expires at {@code expiresAt} (ms since the epoch; 0 = never). */
    public void put(byte[] key, byte[] value, long seqno, long expiresAt) {
        if (expiresAt == 0) {
            put(key, value, seqno);
        } else if (entries.put(new MemKey(key, seqno), new ExpiringValue(value, expiresAt)) == null) {
            bytes += key.length + value.length + ENTRY_OVERHEAD + 24;
        }
    }

    /** The value of a put with a time-to-live. */
    public record ExpiringValue(byte[] value, long expiresAt) {
    }

    /** The bytes of a put's stored value (plain or expiring); not for tombstones. */
    public static byte[] valueOf(Object stored) {
        return stored instanceof ExpiringValue e ? e.value() : (byte[]) stored;
    }

    /** When a stored value expires (ms since the epoch), 0 for never. */
    public static long expiresAtOf(Object stored) {
        return stored instanceof ExpiringValue e ? e.expiresAt() : 0L;
    }

    /** Inserts a point delete. Takes ownership of the key. */
    public void delete(byte[] key, long seqno) {
        if (entries.put(new MemKey(key, seqno), TOMBSTONE) == null) {
            bytes += key.length + ENTRY_OVERHEAD;
        }
    }

    /** Inserts a delete-range tombstone over [start, end). */
    public void deleteRange(byte[] start, byte[] end, long seqno) {
        if (dev.strata.engine.util.Bytes.compare(start, end) >= 0) {
            return; // an empty range deletes nothing; tables do not store empty tombstones
        }
        rangeTombstones.add(start, end, seqno);
        bytes += start.length + end.length + ENTRY_OVERHEAD;
    }

    /**
     * Removes the entry for exactly (key, seqno): used when a later delete-range of the same
     * batch covers a put or delete that batch made (a tombstone only covers older seqnos).
     */
    public void removeExact(byte[] key, long seqno) {
        entries.remove(new MemKey(key, seqno));
    }

    /** The newest entry of {@code key} with seqno &lt;= {@code snapshot}, or null. */
    public Map.Entry<MemKey, Object> find(byte[] key, long snapshot) {
        Map.Entry<MemKey, Object> e = entries.ceilingEntry(new MemKey(key, snapshot));
        if (e == null || !java.util.Arrays.equals(e.getKey().key, key)) {
            return null;
        }
        return e;
    }

    public RangeTombstones rangeTombstones() {
        return rangeTombstones;
    }

    /** All point entries in internal-key order; weakly consistent under concurrent inserts. */
    public NavigableMap<MemKey, Object> entries() {
        return entries;
    }

    public long approximateBytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return entries.isEmpty() && rangeTombstones.isEmpty();
    }

    public int entryCount() {
        return entries.size();
    }
}
