package dev.strata.engine;

import dev.strata.engine.txn.TransactionMode;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.Storage;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How a database is opened. A mutable builder; {@link StrataDatabase#open} validates it and
 * copies what it needs, so one instance may open several databases.
 */
public final class StrataOptions {
    private Durability durability = Durability.SYNC;
    private Duration syncInterval = Duration.ofMillis(100);
    private long walSegmentSize = 16L << 20;
    private long maxWalSize = 512L << 20;
    private long memtableSize = 64L << 20;
    private int maxKeySize = 64 << 10;
    private int maxValueSize = 64 << 20;
    private int maxBatchSize = 256 << 20;
    private Duration closeTimeout = Duration.ofSeconds(5);
    private boolean trackHandleOrigins;
    private Storage storage = LocalStorage.INSTANCE;
    private LongSupplier clock = System::currentTimeMillis;
    private int asyncThreads = 2;
    private boolean readOnly;
    private java.nio.file.Path walArchive;
    private long blockCacheSize = 64L << 20;
    private int blockSize = 4 << 10;
    private int bloomBitsPerKey = 10;
    private boolean compression = true;
    private int maxImmutableMemtables = 2;
    private int l0CompactionTrigger = 4;
    private int l0StopWritesTrigger = 20;
    private long levelBaseSize = 256L << 20;
    private int levelMultiplier = 10;
    private long targetFileSize = 64L << 20;
    private int zstdDictionarySize;
    private long memoryBudget;

    public static StrataOptions defaults() {
        return new StrataOptions();
    }

    /** When a write is acknowledged; default {@link Durability#SYNC}. */
    public StrataOptions durability(Durability durability) {
        this.durability = durability;
        return this;
    }

    /** In ASYNC mode, how often written WAL records are forced; default 100 ms. */
    public StrataOptions syncInterval(Duration syncInterval) {
        this.syncInterval = syncInterval;
        return this;
    }

    /** Size at which a WAL segment is sealed and a new one started; default 16 MiB. */
    public StrataOptions walSegmentSize(long bytes) {
        this.walSegmentSize = bytes;
        return this;
    }

    /** The memtable's byte budget: a full memtable is flushed to an L0 table; default 64 MiB. */
    public StrataOptions memtableSize(long bytes) {
        this.memtableSize = bytes;
        return this;
    }

    /** Bytes of decompressed blocks kept in memory, shared by all tables; 0 disables; default 64 MiB. */
    public StrataOptions blockCacheSize(long bytes) {
        this.blockCacheSize = bytes;
        return this;
    }

    /** Target size of a table's data block before compression; default 4 KiB. */
    public StrataOptions blockSize(int bytes) {
        this.blockSize = bytes;
        return this;
    }

    /** Bloom filter bits per key in every table (about 1% false positives at 10); 0 for none. */
    public StrataOptions bloomBitsPerKey(int bits) {
        this.bloomBitsPerKey = bits;
        return this;
    }

    /** Compress tables from L2 down with zstd (L0 and L1 are never compressed); default true. */
    public StrataOptions compression(boolean zstdBelowL1) {
        this.compression = zstdBelowL1;
        return this;
    }

    /**
     * When the WAL on disk grows past this (because a column family's memtable still holds old
     * commits that keep its segments from being deleted), that family is flushed; default 512 MiB.
     */
    public StrataOptions maxWalSize(long bytes) {
        this.maxWalSize = bytes;
        return this;
    }

    /** Writers stall while this many full memtables wait for flush; default 2. */
    public StrataOptions maxImmutableMemtables(int n) {
        this.maxImmutableMemtables = n;
        return this;
    }

    /** L0 tables that start a compaction into L1; default 4. */
    public StrataOptions l0CompactionTrigger(int n) {
        this.l0CompactionTrigger = n;
        return this;
    }

    /** L0 tables at which writers stall until compaction catches up; default 20. */
    public StrataOptions l0StopWritesTrigger(int n) {
        this.l0StopWritesTrigger = n;
        return this;
    }

    /** Target size of L1; each deeper level is {@code levelMultiplier} times larger; default 256 MiB. */
    public StrataOptions levelBaseSize(long bytes) {
        this.levelBaseSize = bytes;
        return this;
    }

    public StrataOptions levelMultiplier(int m) {
        this.levelMultiplier = m;
        return this;
    }

    /**
     * Train a zstd dictionary of this many bytes per compressed table (from the table's first
     * blocks) and compress its blocks with it; helps small values that share structure. 0 (the
     * default) for none.
     */
    public StrataOptions zstdDictionarySize(int bytes) {
        this.zstdDictionarySize = bytes;
        return this;
    }

    /**
     * One memory budget for memtables and the block cache: when set (default 0 = unset), the
     * block cache gets what the memtables cannot use, {@code budget - (maxImmutableMemtables + 1)
     * x memtableSize}, overriding {@link #blockCacheSize}. Memtables never exceed their share:
     * writers stall (counted) while {@code maxImmutableMemtables} full memtables wait for flush.
     */
    public StrataOptions memoryBudget(long bytes) {
        this.memoryBudget = bytes;
        return this;
    }

    public int zstdDictionarySize() {
        return zstdDictionarySize;
    }

    public long memoryBudget() {
        return memoryBudget;
    }

    /** Bytes of memory the memtables may hold at most: the active one and those waiting for flush. */
    public long memtableMemory() {
        return (maxImmutableMemtables + 1L) * memtableSize;
    }

    /** The block cache size in effect: from the memory budget when one is set. */
    public long effectiveBlockCacheSize() {
        return memoryBudget > 0 ? memoryBudget - memtableMemory() : blockCacheSize;
    }

    /** Size at which compaction cuts an output table; default 64 MiB. */
    public StrataOptions targetFileSize(long bytes) {
        this.targetFileSize = bytes;
        return this;
    }

    /** Largest key accepted, in bytes; default 64 KiB. */
    public StrataOptions maxKeySize(int bytes) {
        this.maxKeySize = bytes;
        return this;
    }

    /** Largest value accepted, in bytes; default 64 MiB. */
    public StrataOptions maxValueSize(int bytes) {
        this.maxValueSize = bytes;
        return this;
    }

    /** Largest encoded write batch accepted, in bytes; default 256 MiB. */
    public StrataOptions maxBatchSize(int bytes) {
        this.maxBatchSize = bytes;
        return this;
    }

    /** How long {@code close()} waits for running operations before invalidating handles; default 5 s. */
    public StrataOptions closeTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
        return this;
    }

    /**
     * Record where each iterator and snapshot was opened, so handles left open at close are
     * reported with their origin. Costs a stack trace per handle; for debugging.
     */
    public StrataOptions trackHandleOrigins(boolean track) {
        this.trackHandleOrigins = track;
        return this;
    }

    /** The file system implementation; tests inject faults through it. Default: the local disk. */
    public StrataOptions storage(Storage storage) {
        this.storage = storage;
        return this;
    }

    /** The wall clock (ms since the epoch) for commit timestamps; tests use a fake one. */
    public StrataOptions clock(LongSupplier clock) {
        this.clock = clock;
        return this;
    }

    /**
     * Open without taking the write lock, beside a process that writes the directory: the
     * database shows the point in time at which it was opened, and every write, flush and
     * compaction throws {@link ReadOnlyException}. Nothing in the directory is changed.
     */
    public StrataOptions readOnly(boolean readOnly) {
        this.readOnly = readOnly;
        return this;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Threads that run the {@code *Async} variants of blocking calls; default 2. */
    public StrataOptions asyncThreads(int threads) {
        this.asyncThreads = threads;
        return this;
    }

    public Durability durability() {
        return durability;
    }

    public Duration syncInterval() {
        return syncInterval;
    }

    /**
     * Continuous WAL archiving into a backup directory (null, the default, for none): each
     * sealed WAL segment is copied to {@code <backupDir>/archive/} before it may be deleted, so
     * {@link dev.strata.engine.backup.Backups#restore} can replay to any commit after a backup.
     */
    public StrataOptions walArchive(java.nio.file.Path backupDir) {
        this.walArchive = backupDir;
        return this;
    }

    public java.nio.file.Path walArchive() {
        return walArchive;
    }

    public long maxWalSize() {
        return maxWalSize;
    }

    public long walSegmentSize() {
        return walSegmentSize;
    }

    public long memtableSize() {
        return memtableSize;
    }

    public int maxKeySize() {
        return maxKeySize;
    }

    public int maxValueSize() {
        return maxValueSize;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    public boolean trackHandleOrigins() {
        return trackHandleOrigins;
    }

    public Storage storage() {
        return storage;
    }

    public LongSupplier clock() {
        return clock;
    }

    public int asyncThreads() {
        return asyncThreads;
    }

    public long blockCacheSize() {
        return blockCacheSize;
    }

    public int blockSize() {
        return blockSize;
    }

    public int bloomBitsPerKey() {
        return bloomBitsPerKey;
    }

    public boolean compression() {
        return compression;
    }

    public int maxImmutableMemtables() {
        return maxImmutableMemtables;
    }

    public int l0CompactionTrigger() {
        return l0CompactionTrigger;
    }

    public int l0StopWritesTrigger() {
        return l0StopWritesTrigger;
    }

    public long levelBaseSize() {
        return levelBaseSize;
    }

    public int levelMultiplier() {
        return levelMultiplier;
    }

    public long targetFileSize() {
        return targetFileSize;
    }

    /** The tree's options, as the LSM layer takes them. */
    dev.strata.engine.lsm.LsmOptions lsmOptions() {
        dev.strata.engine.sst.TableOptions upper = dev.strata.engine.sst.TableOptions.DEFAULTS
                .withBlockSize(blockSize).withBloomBitsPerKey(bloomBitsPerKey);
        dev.strata.engine.sst.TableOptions lower = compression
                ? upper.withCompression(dev.strata.engine.sst.TableOptions.Compression.ZSTD).withDictionary(zstdDictionarySize, 0)
                : upper;
        return new dev.strata.engine.lsm.LsmOptions(memtableSize, maxImmutableMemtables, l0CompactionTrigger,
                l0StopWritesTrigger, levelBaseSize, levelMultiplier, targetFileSize, upper, lower, 2);
    }

    /** Throws {@link InvalidArgumentException} naming the first bad option. */
    void validate() {
        require(durability != null, "durability must be set");
        require(syncInterval != null && !syncInterval.isNegative() && !syncInterval.isZero(),
                "syncInterval must be positive, was " + syncInterval);
        require(walSegmentSize >= 64 << 10, "walSegmentSize must be at least 64 KiB, was " + walSegmentSize);
        require(maxWalSize >= walSegmentSize, "maxWalSize must be at least walSegmentSize, was " + maxWalSize);
        require(memtableSize >= 4 << 10, "memtableSize must be at least 4 KiB, was " + memtableSize);
        require(maxKeySize >= 1 && maxKeySize <= 1 << 30, "maxKeySize must be in [1, 1 GiB], was " + maxKeySize);
        require(maxValueSize >= 0 && maxValueSize <= 1 << 30, "maxValueSize must be in [0, 1 GiB], was " + maxValueSize);
        require(maxBatchSize >= 1024 && maxBatchSize <= 1 << 30, "maxBatchSize must be in [1 KiB, 1 GiB], was " + maxBatchSize);
        require(closeTimeout != null && !closeTimeout.isNegative(), "closeTimeout must be >= 0");
        require(storage != null, "storage must be set");
        require(clock != null, "clock must be set");
        require(asyncThreads >= 1, "asyncThreads must be >= 1, was " + asyncThreads);
        require(blockCacheSize >= 0, "blockCacheSize must be >= 0, was " + blockCacheSize);
        require(blockSize >= 128 && blockSize <= 4 << 20, "blockSize must be in [128 B, 4 MiB], was " + blockSize);
        require(bloomBitsPerKey >= 0 && bloomBitsPerKey <= 64, "bloomBitsPerKey must be in [0, 64], was " + bloomBitsPerKey);
        require(maxImmutableMemtables >= 1, "maxImmutableMemtables must be >= 1, was " + maxImmutableMemtables);
        require(l0CompactionTrigger >= 2, "l0CompactionTrigger must be >= 2, was " + l0CompactionTrigger);
        require(l0StopWritesTrigger > l0CompactionTrigger,
                "l0StopWritesTrigger must be greater than l0CompactionTrigger, was " + l0StopWritesTrigger);
        require(levelBaseSize >= 4 << 10, "levelBaseSize must be at least 4 KiB, was " + levelBaseSize);
        require(levelMultiplier >= 2, "levelMultiplier must be >= 2, was " + levelMultiplier);
        require(targetFileSize >= 4 << 10, "targetFileSize must be at least 4 KiB, was " + targetFileSize);
        require(zstdDictionarySize >= 0 && zstdDictionarySize <= 1 << 20,
                "zstdDictionarySize must be in [0, 1 MiB], was " + zstdDictionarySize);
        require(memoryBudget == 0 || memoryBudget >= memtableMemory(),
                "memoryBudget " + memoryBudget + " is below what the memtables alone may hold, "
                        + "(maxImmutableMemtables + 1) x memtableSize = " + memtableMemory());
        validateTransactionOptions();
        validateLogOptions();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidArgumentException(message);
        }
    }

    // ---------------------------------------------------------------- transactions, locks, verification (issue 5)

    private TransactionMode transactionMode = TransactionMode.OPTIMISTIC;
    private Duration lockTimeout = Duration.ofSeconds(1);
    private boolean verificationTable;

    /**
     * How transactions handle conflicts (default {@link TransactionMode#OPTIMISTIC}). One mode per
     * open database: opening a directory in the other mode while it is open in this process
     * throws {@link InvalidArgumentException}.
     */
    public StrataOptions transactionMode(TransactionMode mode) {
        this.transactionMode = mode;
        return this;
    }

    public TransactionMode transactionMode() {
        return transactionMode;
    }

    /**
     * Pessimistic mode: how long a transaction's write (or {@code getForUpdate}) waits for a key
     * another transaction holds before {@link LockTimeoutException}; default 1 s, as RocksDB's.
     * Deadlocks between transactions end this way too. A transaction can override it.
     */
    public StrataOptions lockTimeout(Duration timeout) {
        this.lockTimeout = timeout;
        return this;
    }

    public Duration lockTimeout() {
        return lockTimeout;
    }

    /**
     * Take part in the process-wide verification table (default false): writes to the database
     * invalidate the table's slot of each key they write, and {@code get} with an expected version
     * can skip the read when the slot vouches for it. Enable it for data that readers cache.
     * Applies to the default column family.
     */
    public StrataOptions verificationTable(boolean enabled) {
        this.verificationTable = enabled;
        return this;
    }

    public boolean verificationTable() {
        return verificationTable;
    }

    private void validateTransactionOptions() {
        require(transactionMode != null, "transactionMode must be set");
        require(lockTimeout != null && !lockTimeout.isNegative(), "lockTimeout must be >= 0, was " + lockTimeout);
    }

    // ---------------------------------------------------------------- transaction log and WAL retention (issue 6)

    private Duration transactionLogRetention = Duration.ofDays(3);
    private double transactionLogMaxAgeThreshold = 0.75;
    private long walKeepSize = 256L << 20;
    private long maxFollowerRetainedBytes = 1L << 30;
    private Duration transactionLogRetentionCheckInterval = Duration.ofMinutes(1);
    private boolean follower;

    /**
     * How long transaction-log entries are kept (default 3 days, as rocksdb-js). Older WAL
     * segments whose data is in tables are rewritten to keep only entries inside it, then
     * deleted once none is left.
     */
    public StrataOptions transactionLogRetention(Duration retention) {
        this.transactionLogRetention = retention;
        return this;
    }

    public Duration transactionLogRetention() {
        return transactionLogRetention;
    }

    /**
     * A WAL segment is rolled once its first record is this fraction of the retention old
     * (default 0.75, as rocksdb-js's {@code transactionLogMaxAgeThreshold}; 0 = by size only),
     * so retention can drop old entries at that granularity. The size limit is
     * {@link #walSegmentSize} (default 16 MiB; a larger single record still fits an empty segment).
     */
    public StrataOptions transactionLogMaxAgeThreshold(double fraction) {
        this.transactionLogMaxAgeThreshold = fraction;
        return this;
    }

    public double transactionLogMaxAgeThreshold() {
        return transactionLogMaxAgeThreshold;
    }

    /**
     * Bytes of the newest sealed WAL segments kept whole after their data is in tables (default
     * 256 MiB), as PostgreSQL's {@code wal_keep_size}: a follower that was away briefly catches up
     * from them instead of copying the database.
     */
    public StrataOptions walKeepSize(long bytes) {
        this.walKeepSize = bytes;
        return this;
    }

    public long walKeepSize() {
        return walKeepSize;
    }

    /**
     * The most WAL bytes one follower's hold may keep (default 1 GiB); a follower further behind
     * is dropped to a full copy, with a {@code txnlog.holdDropped} event.
     */
    public StrataOptions maxFollowerRetainedBytes(long bytes) {
        this.maxFollowerRetainedBytes = bytes;
        return this;
    }

    public long maxFollowerRetainedBytes() {
        return maxFollowerRetainedBytes;
    }

    /** How often the engine runs transaction-log retention on its own (default 1 minute). */
    public StrataOptions transactionLogRetentionCheckInterval(Duration interval) {
        this.transactionLogRetentionCheckInterval = interval;
        return this;
    }

    public Duration transactionLogRetentionCheckInterval() {
        return transactionLogRetentionCheckInterval;
    }

    /**
     * Open as a replication follower (default false): readable, refusing its users' writes with
     * {@link ReadOnlyException}, taking commit records from its leader
     * ({@code db.applyReplicated}) until {@code db.promoteToLeader()}.
     */
    public StrataOptions follower(boolean follower) {
        this.follower = follower;
        return this;
    }

    public boolean follower() {
        return follower;
    }

    private void validateLogOptions() {
        require(transactionLogRetention != null && !transactionLogRetention.isNegative(),
                "transactionLogRetention must be >= 0, was " + transactionLogRetention);
        require(transactionLogMaxAgeThreshold >= 0 && transactionLogMaxAgeThreshold <= 1,
                "transactionLogMaxAgeThreshold must be in [0, 1], was " + transactionLogMaxAgeThreshold);
        require(walKeepSize >= 0, "walKeepSize must be >= 0, was " + walKeepSize);
        require(maxFollowerRetainedBytes >= 0, "maxFollowerRetainedBytes must be >= 0, was " + maxFollowerRetainedBytes);
        require(transactionLogRetentionCheckInterval != null && !transactionLogRetentionCheckInterval.isNegative()
                && !transactionLogRetentionCheckInterval.isZero(),
                "transactionLogRetentionCheckInterval must be > 0, was " + transactionLogRetentionCheckInterval);
        require(!(follower && readOnly), "a follower applies its leader's commits: it cannot be opened read-only");
    }
}
