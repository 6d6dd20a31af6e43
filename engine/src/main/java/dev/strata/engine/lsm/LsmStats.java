package dev.strata.engine.lsm;

/**
 * The tree's shape and work counters: tables and bytes per level, memtable bytes, flushes,
 * compactions, bytes they wrote and read, write stalls, and block cache hits and misses.
 */
public record LsmStats(int[] levelFiles, long[] levelBytes, long memtableBytes, int immutableMemtables,
                       long flushes, long compactions, long bytesFlushed, long compactionBytesRead,
                       long compactionBytesWritten, long stalls, long stallMillis, long cacheHits, long cacheMisses) {
}
