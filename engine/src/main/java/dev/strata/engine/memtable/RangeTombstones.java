package dev.strata.engine.memtable;

import dev.strata.engine.util.Bytes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delete-range tombstones of one memtable, and the question readers ask of them: what is the
 * newest tombstone, visible at a snapshot, that covers a key?
 *
 * <p>Tombstones are kept as written (start, end exclusive, seqno) and, for queries, as a
 * fragmented view (as Pebble fragments them): the key space is cut at every start and end into
 * non-overlapping fragments, each listing the seqnos of the tombstones over it, newest first. A
 * query is a binary search plus a short scan. The view is rebuilt lazily after a change.
 *
 * <p>Invariants: {@link #add} is called by the single committer (under the commit lock) before the
 * tombstone's seqno becomes visible; a reader that can see seqno S also sees {@link #version}
 * bumped by every tombstone with seqno &lt;= S, so a stale view is always detected.
 */
public final class RangeTombstones {
    private final ConcurrentSkipListMap<MemKey, byte[]> raw = new ConcurrentSkipListMap<>();
    private final AtomicLong version = new AtomicLong();
    private volatile Fragments fragments = Fragments.EMPTY;

    public void add(byte[] start, byte[] end, long seqno) {
        // Two delete-ranges of one batch may share a start (and so a key here): keep their union.
        raw.merge(new MemKey(start, seqno), end, (old, added) -> Bytes.compare(old, added) >= 0 ? old : added);
        version.incrementAndGet();
    }

    public boolean isEmpty() {
        return raw.isEmpty();
    }

    public int size() {
        return raw.size();
    }

    /** The tombstones as written: (start, seqno) to end exclusive. */
    public Map<MemKey, byte[]> entries() {
        return raw;
    }

    /** The largest seqno &lt;= {@code snapshot} of a tombstone covering {@code key}, or 0. */
    public long maxCoveringSeqno(byte[] key, long snapshot) {
        if (raw.isEmpty()) {
            return 0;
        }
        Fragments f = fragments;
        if (f.version != version.get()) {
            f = rebuild();
        }
        return f.maxCovering(key, snapshot);
    }

    private synchronized Fragments rebuild() {
        long v = version.get();
        Fragments f = fragments;
        if (f.version == v) {
            return f;
        }
        f = Fragments.build(raw, v);
        fragments = f;
        return f;
    }

    private static final class Fragments {
        static final Fragments EMPTY = new Fragments(new byte[0][], new long[0][], 0);

        final byte[][] bounds;
        /** seqnos[i] covers [bounds[i], bounds[i+1]), sorted descending. */
        final long[][] seqnos;
        final long version;

        Fragments(byte[][] bounds, long[][] seqnos, long version) {
            this.bounds = bounds;
            this.seqnos = seqnos;
            this.version = version;
        }

        static Fragments build(Map<MemKey, byte[]> raw, long version) {
            TreeSet<byte[]> cuts = new TreeSet<>(Bytes.COMPARATOR);
            List<Map.Entry<MemKey, byte[]>> all = new ArrayList<>(raw.entrySet());
            for (Map.Entry<MemKey, byte[]> e : all) {
                cuts.add(e.getKey().key);
                cuts.add(e.getValue());
            }
            byte[][] bounds = cuts.toArray(new byte[0][]);
            List<List<Long>> lists = new ArrayList<>();
            for (int i = 0; i < bounds.length; i++) {
                lists.add(new ArrayList<>());
            }
            for (Map.Entry<MemKey, byte[]> e : all) {
                int from = Arrays.binarySearch(bounds, e.getKey().key, Bytes.COMPARATOR);
                for (int i = from; i < bounds.length && Bytes.compare(bounds[i], e.getValue()) < 0; i++) {
                    lists.get(i).add(e.getKey().seqno);
                }
            }
            long[][] seqnos = new long[bounds.length][];
            for (int i = 0; i < bounds.length; i++) {
                seqnos[i] = lists.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
                reverse(seqnos[i]);
            }
            return new Fragments(bounds, seqnos, version);
        }

        private static void reverse(long[] a) {
            for (int i = 0, j = a.length - 1; i < j; i++, j--) {
                long t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }

        long maxCovering(byte[] key, long snapshot) {
            int i = Arrays.binarySearch(bounds, key, Bytes.COMPARATOR);
            if (i < 0) {
                i = -i - 2;
            }
            if (i < 0) {
                return 0;
            }
            for (long s : seqnos[i]) {
                if (s <= snapshot) {
                    return s;
                }
            }
            return 0;
        }
    }
}
