package dev.strata.engine.txn;

import dev.strata.engine.iterator.InternalIterator;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.lsm.ReadView;
import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.memtable.MemKey;
import dev.strata.engine.memtable.Memtable;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.util.CfKey;

import java.util.Arrays;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Answers "did a commit after seqno S change this key?" exactly: first the {@link ConflictTable}
 * (no for certain in the common case), then the data: the newest version of the key in the
 * memtables (any seqno, committed or still being forced: under the commit lock every applied
 * commit is ordered before the caller's), in the tables only when a table holds seqnos above S,
 * and the newest delete-range covering it when a delete-range happened after S.
 *
 * <p>Called under the commit lock by commit validation, and without it by pessimistic
 * transactions at lock time (then it may miss a commit still being applied, which the
 * validation at commit catches). Thread-safe: it only reads.
 */
final class ConflictChecker {
    private final ConflictTable table;
    private final IntFunction<LsmTree> trees;

    ConflictChecker(ConflictTable table, IntFunction<LsmTree> trees) {
        this.table = table;
        this.trees = trees;
    }

    ConflictTable table() {
        return table;
    }

    /** The seqno of a commit after {@code bound} that put, removed or range-removed {@code k}; 0 if none. */
    long changedAfter(CfKey k, long bound) {
        return changedAfter(k.cf(), k.key(), k.hashCode(), bound);
    }

    /** As {@link #changedAfter(CfKey, long)} for a key not held as a {@link CfKey}. */
    long changedAfter(int cf, byte[] key, long bound) {
        return changedAfter(cf, key, (int) CfKey.hash64(cf, key, 0, key.length), bound);
    }

    private long changedAfter(int cf, byte[] key, int hash, long bound) {
        if (!table.mayHaveChangedAfter(hash, bound)) {
            return 0;
        }
        LsmTree tree = trees.apply(cf);
        if (tree == null) {
            return bound + 1; // the family was dropped after the read: that changed the key
        }
        ReadView v = tree.acquire();
        try {
            long newest = newestVersion(tree, v, key, bound);
            if (table.rangeDeleteSeqno() > bound) {
                newest = Math.max(newest, tree.tombstones(v).maxCoveringSeqno(key, Long.MAX_VALUE));
            }
            return newest > bound ? newest : 0;
        } finally {
            tree.release(v);
        }
    }

    /** The seqno of the newest version of {@code key} (0 if none) when it may be above {@code bound}. */
    private static long newestVersion(LsmTree tree, ReadView v, byte[] key, long bound) {
        Map.Entry<MemKey, Object> e = v.active().find(key, Long.MAX_VALUE);
        if (e != null) {
            return e.getKey().seqno();
        }
        for (Memtable m : v.immutables()) {
            e = m.find(key, Long.MAX_VALUE);
            if (e != null) {
                return e.getKey().seqno();
            }
        }
        if (!tablesNewerThan(v, bound)) {
            return 0; // whatever version the tables hold is at or below the bound
        }
        try (InternalIterator it = tree.newIterator(v)) {
            it.seek(key);
            return it.valid() && Arrays.equals(it.key(), key) ? it.seqno() : 0;
        }
    }

    private static boolean tablesNewerThan(ReadView v, long bound) {
        for (FileMeta f : v.version().files()) {
            if (f.largestSeqno() > bound) {
                return true;
            }
        }
        return false;
    }

    /**
     * The seqno of a commit after {@code bound} that changed a key in [start, end), or of any
     * delete-range after it (conservatively: delete-ranges are not indexed by key); 0 if none.
     * Reads every version in the range: the cost of a transaction's own delete-range.
     */
    long changedInRangeAfter(int cf, byte[] start, byte[] end, long bound) {
        long ranges = table.rangeDeleteSeqno();
        if (ranges > bound) {
            return ranges;
        }
        LsmTree tree = trees.apply(cf);
        if (tree == null) {
            return bound + 1; // the family was dropped meanwhile
        }
        ReadView v = tree.acquire();
        try (InternalIterator it = tree.newIterator(v)) {
            for (it.seek(start); it.valid() && Bytes.compare(it.key(), end) < 0; it.next()) {
                if (it.seqno() > bound) {
                    return it.seqno();
                }
            }
            return 0;
        } finally {
            tree.release(v);
        }
    }
}
