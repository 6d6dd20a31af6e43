package dev.strata.engine.lsm;

import dev.strata.engine.sst.TableOptions;

/**
 * The shape of the tree: memtable budget, when to stall, when and how to compact, and how tables
 * are written on each level (the upper levels uncompressed, the lower ones with zstd).
 *
 * @param memtableSize          bytes at which the active memtable becomes immutable and is flushed
 * @param maxImmutableMemtables writers stall while this many memtables wait for flush
 * @param l0CompactionTrigger   L0 tables that start an L0 to L1 compaction
 * @param l0StopWritesTrigger   L0 tables at which writers stall until compaction catches up
 * @param levelBaseSize         target size of L1; each deeper level is {@code levelMultiplier} times more
 * @param levelMultiplier       size ratio between adjacent levels
 * @param targetFileSize        size at which a compaction output table is cut
 * @param upperLevelTables      how tables on levels below {@code firstCompressedLevel} are written
 * @param lowerLevelTables      how tables on {@code firstCompressedLevel} and deeper are written
 * @param firstCompressedLevel  the first level written with {@code lowerLevelTables}
 */
public record LsmOptions(long memtableSize, int maxImmutableMemtables, int l0CompactionTrigger,
                         int l0StopWritesTrigger, long levelBaseSize, int levelMultiplier, long targetFileSize,
                         TableOptions upperLevelTables, TableOptions lowerLevelTables, int firstCompressedLevel) {

    TableOptions tablesFor(int level) {
        return level >= firstCompressedLevel ? lowerLevelTables : upperLevelTables;
    }

    long levelTarget(int level) {
        long t = levelBaseSize;
        for (int i = 1; i < level; i++) {
            t *= levelMultiplier;
        }
        return t;
    }
}
