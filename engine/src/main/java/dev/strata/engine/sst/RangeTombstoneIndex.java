package dev.strata.engine.sst;

import dev.strata.engine.util.Bytes;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The range tombstones of one table in a form that answers "newest tombstone visible at a
 * snapshot that covers this key" with two binary searches: the key space is cut at every start
 * and end into fragments (as Pebble's fragmenter does), and each fragment lists the seqnos of
 * the tombstones over it, newest first. Built once when a {@link TableReader} opens; immutable
 * and thread-safe after.
 *
 * <p>Building costs O(tombstones x fragments covered); tables hold few range tombstones.
 */
final class RangeTombstoneIndex {
    static final RangeTombstoneIndex EMPTY = new RangeTombstoneIndex(List.of());

    private final byte[][] bounds;   // sorted, distinct; fragment i is [bounds[i], bounds[i+1])
    private final long[][] seqnos;   // per fragment, descending

    RangeTombstoneIndex(List<RangeTombstone> tombstones) {
        TreeSet<byte[]> cuts = new TreeSet<>(Bytes.COMPARATOR);
        for (RangeTombstone t : tombstones) {
            cuts.add(t.start());
            cuts.add(t.end());
        }
        bounds = cuts.toArray(new byte[0][]);
        int fragments = Math.max(0, bounds.length - 1);
        long[][] lists = new long[fragments][];
        int[] counts = new int[fragments];
        for (int i = 0; i < fragments; i++) {
            lists[i] = new long[2];
        }
        for (RangeTombstone t : tombstones) {
            int from = Arrays.binarySearch(bounds, t.start(), Bytes.COMPARATOR);
            int to = Arrays.binarySearch(bounds, t.end(), Bytes.COMPARATOR);
            for (int i = from; i < to; i++) {
                if (counts[i] == lists[i].length) {
                    lists[i] = Arrays.copyOf(lists[i], counts[i] * 2);
                }
                lists[i][counts[i]++] = t.seqno();
            }
        }
        seqnos = new long[fragments][];
        for (int i = 0; i < fragments; i++) {
            long[] s = Arrays.copyOf(lists[i], counts[i]);
            Arrays.sort(s);
            // reverse into descending order
            for (int a = 0, b = s.length - 1; a < b; a++, b--) {
                long x = s[a];
                s[a] = s[b];
                s[b] = x;
            }
            seqnos[i] = s;
        }
    }

    /** The largest seqno &lt;= {@code snapshot} of a tombstone covering {@code key}, or 0. */
    long maxCovering(byte[] key, long snapshot) {
        if (bounds.length < 2) {
            return 0;
        }
        int i = Arrays.binarySearch(bounds, key, Bytes.COMPARATOR);
        int fragment = i >= 0 ? i : -i - 2;   // the last bound <= key
        if (fragment < 0 || fragment >= seqnos.length) {
            return 0;
        }
        long[] s = seqnos[fragment];
        // first seqno <= snapshot in a descending list
        int lo = 0;
        int hi = s.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (s[mid] > snapshot) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < s.length ? s[lo] : 0;
    }
}
