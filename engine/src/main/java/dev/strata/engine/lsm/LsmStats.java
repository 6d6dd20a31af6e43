package dev.strata.engine.lsm;

import dev.strata.engine.memtable.Memtable;

import java.util.List;

/**
 * The tree's shape and work counters: tables and bytes per level, memtable bytes, flushes,
 * compactions, bytes they wrote and read, write stalls, and block cache hits and misses. For one
 * column family the shape is its own and the counters are the database's (the families share
 * the flush and compaction threads); for the database the shape is summed over its families.
 */
public record LsmStats(int[] levelFiles, long[] levelBytes, long memtableBytes, int immutableMemtables,
                       long flushes, long compactions, long bytesFlushed, long compactionBytesRead,
                       long compactionBytesWritten, long stalls, long stallMillis, long cacheHits, long cacheMisses) {

    /** Total bytes in tables, over every level. */
    public long tableBytes() {
        long n = 0;
        for (long b : levelBytes) {
            n += b;
        }
        return n;
    }

    static LsmStats sum(List<LsmTree> trees, LsmStore store) {
        long[] levelBytes = new long[Version.MAX_LEVELS];
        int[] levelFiles = new int[Version.MAX_LEVELS];
        long memBytes = 0;
        int immutables = 0;
        for (LsmTree t : trees) {
            ReadView v = t.currentView();
            for (int i = 0; i < Version.MAX_LEVELS; i++) {
                levelBytes[i] += v.version().levelBytes(i);
                levelFiles[i] += v.version().fileCount(i);
            }
            memBytes += v.active().approximateBytes();
            for (Memtable m : v.immutables()) {
                memBytes += m.approximateBytes();
            }
            immutables += v.immutables().size();
        }
        return new LsmStats(levelFiles, levelBytes, memBytes, immutables, store.flushes.sum(), store.compactions.sum(),
                store.bytesFlushed.sum(), store.compactionBytesRead.sum(), store.compactionBytesWritten.sum(),
                store.stalls.sum(), store.stallNanos.sum() / 1_000_000,
                store.cache == null ? 0 : store.cache.hits(), store.cache == null ? 0 : store.cache.misses());
    }
}
