package dev.strata.bench;

/**
 * How an engine is opened. One record for all engines so that they get the same cache, memtable
 * and sync setting; each adapter maps it to its own options (and says in its Javadoc where it
 * cannot).
 *
 * @param sync          acknowledge each write only after it is forced to disk
 * @param cacheBytes    block / page cache size
 * @param memtableBytes write buffer (memtable) size
 * @param transactional open in the mode that supports {@link Engine#putInTransaction}
 */
public record EngineSettings(boolean sync, long cacheBytes, long memtableBytes, boolean transactional) {

    /** Strata's default memtable size; RocksDB gets the same so flushes happen at the same volume. */
    public static final long DEFAULT_MEMTABLE_BYTES = 64L << 20;

    public EngineSettings withSync(boolean s) {
        return new EngineSettings(s, cacheBytes, memtableBytes, transactional);
    }

    public EngineSettings withCacheBytes(long c) {
        return new EngineSettings(sync, c, memtableBytes, transactional);
    }

    public EngineSettings withTransactional(boolean t) {
        return new EngineSettings(sync, cacheBytes, memtableBytes, t);
    }
}
