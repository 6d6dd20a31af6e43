package dev.strata.autoconfigure;

import dev.strata.engine.Durability;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code strata.*} properties: where the database lives and every tuning option of
 * {@link dev.strata.engine.StrataOptions}. Each option property has the option's name in
 * kebab-case ({@code memtableSize} is {@code strata.memtable-size}) and the engine's default;
 * {@link StrataOptionProperty} copies them into the options, and the engine validates them when
 * the database opens (an out-of-range value fails start-up with the property named).
 *
 * <p>Bound by {@link StrataAutoConfiguration}; field javadoc becomes the IDE's description
 * through the configuration processor.
 */
@ConfigurationProperties("strata")
public class StrataProperties {

    /** Whether to open a Strata database at start-up (and the health, metrics and endpoint that go with it). */
    private boolean enabled = true;

    /** Directory of the database; created if missing. Relative paths resolve against the working directory. */
    private String path = "./data";

    /**
     * When a write is acknowledged: SYNC after its WAL record is forced to disk, ASYNC after it is
     * written to the OS (forced every sync-interval), NONE without a WAL (survives only a clean
     * shutdown or a flush).
     */
    private Durability durability = Durability.SYNC;

    /** In ASYNC mode, how often written WAL records are forced to disk. */
    private Duration syncInterval = Duration.ofMillis(100);

    /** Size at which a WAL segment file is sealed and a new one started (at least 64KB). */
    private DataSize walSegmentSize = DataSize.ofMegabytes(16);

    /**
     * When the WAL on disk grows past this (a column family's memtable still holds old commits),
     * that family is flushed (at least wal-segment-size).
     */
    private DataSize maxWalSize = DataSize.ofMegabytes(512);

    /**
     * Continuous WAL archiving into this backup directory (each sealed WAL segment is copied
     * there before it may be deleted), for point-in-time restore; unset for none.
     */
    private Path walArchive;

    /** Memory of one memtable; a full memtable is flushed to a level-0 table (at least 4KB). */
    private DataSize memtableSize = DataSize.ofMegabytes(64);

    /** Full memtables that may wait for flush before writers stall. */
    private int maxImmutableMemtables = 2;

    /** Decompressed table blocks kept in memory, shared by all tables; 0 disables the cache. */
    private DataSize blockCacheSize = DataSize.ofMegabytes(64);

    /**
     * One memory budget for memtables and the block cache: when above 0 the cache gets what the
     * memtables cannot use, (max-immutable-memtables + 1) x memtable-size less than the budget,
     * and block-cache-size is ignored. 0 leaves it unset.
     */
    private DataSize memoryBudget = DataSize.ofBytes(0);

    /** Target size of a table's data block before compression (128B to 4MB). */
    private DataSize blockSize = DataSize.ofKilobytes(4);

    /** Bloom filter bits per key in every table (about 1% false positives at 10); 0 for none. */
    private int bloomBitsPerKey = 10;

    /** Whether tables from level 2 down are compressed with zstd (levels 0 and 1 never are). */
    private boolean compression = true;

    /** Size of a zstd dictionary trained per compressed table; helps small similar values. 0 for none. */
    private DataSize zstdDictionarySize = DataSize.ofBytes(0);

    /** Level-0 tables that start a compaction into level 1 (at least 2). */
    private int l0CompactionTrigger = 4;

    /** Level-0 tables at which writers stall until compaction catches up (above l0-compaction-trigger). */
    private int l0StopWritesTrigger = 20;

    /** Target size of level 1; each deeper level is level-multiplier times larger. */
    private DataSize levelBaseSize = DataSize.ofMegabytes(256);

    /** Growth factor between consecutive levels (at least 2). */
    private int levelMultiplier = 10;

    /** Size at which compaction cuts an output table. */
    private DataSize targetFileSize = DataSize.ofMegabytes(64);

    /** Largest key accepted (1B to 1GB). */
    private DataSize maxKeySize = DataSize.ofKilobytes(64);

    /** Largest value accepted (0B to 1GB). */
    private DataSize maxValueSize = DataSize.ofMegabytes(64);

    /** Largest encoded write batch accepted (1KB to 1GB). */
    private DataSize maxBatchSize = DataSize.ofMegabytes(256);

    /**
     * Open without the write lock, beside another process that writes the directory: the
     * database shows the point in time at which it was opened and refuses every write.
     */
    private boolean readOnly = false;

    /** How long closing waits for running calls before invalidating open iterators and snapshots. */
    private Duration closeTimeout = Duration.ofSeconds(5);

    /** Threads that run the database's *Async calls. */
    private int asyncThreads = 2;

    /** Record where each iterator and snapshot was opened, to report leaked ones with their origin (debugging; costs a stack trace per handle). */
    private boolean trackHandleOrigins = false;

    /**
     * How transactions detect conflicts: OPTIMISTIC (checked at commit) or PESSIMISTIC (keys
     * locked at the write).
     */
    private dev.strata.engine.txn.TransactionMode transactionMode = dev.strata.engine.txn.TransactionMode.OPTIMISTIC;

    /** Pessimistic transactions: how long a write waits for a key another transaction holds. */
    private Duration lockTimeout = Duration.ofSeconds(1);

    /** Whether the database joins the process-wide verification table (fresh reads without reading). */
    private boolean verificationTable = false;

    /** How long transaction-log entries are kept; older flushed WAL segments are rewritten log-only, then deleted. */
    private Duration transactionLogRetention = Duration.ofDays(3);

    /** A WAL segment is rolled once its first record is this fraction of the retention old (0 = by size only). */
    private double transactionLogMaxAgeThreshold = 0.75;

    /** Bytes of the newest sealed WAL segments kept whole after their data is in tables, for followers to catch up from. */
    private DataSize walKeepSize = DataSize.ofMegabytes(256);

    /** The most WAL bytes one follower (or durable change feed) may keep; one further behind is dropped to a full copy. */
    private DataSize maxFollowerRetainedBytes = DataSize.ofGigabytes(1);

    /** How often the engine runs transaction-log retention on its own. */
    private Duration transactionLogRetentionCheckInterval = Duration.ofMinutes(1);

    public Duration getTransactionLogRetention() {
        return transactionLogRetention;
    }

    public void setTransactionLogRetention(Duration transactionLogRetention) {
        this.transactionLogRetention = transactionLogRetention;
    }

    public double getTransactionLogMaxAgeThreshold() {
        return transactionLogMaxAgeThreshold;
    }

    public void setTransactionLogMaxAgeThreshold(double transactionLogMaxAgeThreshold) {
        this.transactionLogMaxAgeThreshold = transactionLogMaxAgeThreshold;
    }

    public DataSize getWalKeepSize() {
        return walKeepSize;
    }

    public void setWalKeepSize(DataSize walKeepSize) {
        this.walKeepSize = walKeepSize;
    }

    public DataSize getMaxFollowerRetainedBytes() {
        return maxFollowerRetainedBytes;
    }

    public void setMaxFollowerRetainedBytes(DataSize maxFollowerRetainedBytes) {
        this.maxFollowerRetainedBytes = maxFollowerRetainedBytes;
    }

    public Duration getTransactionLogRetentionCheckInterval() {
        return transactionLogRetentionCheckInterval;
    }

    public void setTransactionLogRetentionCheckInterval(Duration transactionLogRetentionCheckInterval) {
        this.transactionLogRetentionCheckInterval = transactionLogRetentionCheckInterval;
    }

    /**
     * Column families created at start-up when missing (the default family always exists).
     * Reach them through the StrataColumnFamilies bean.
     */
    private List<String> columnFamilies = new ArrayList<>();

    /** Backups of the database: where they go, when they are taken and how many are kept. */
    private final Backup backup = new Backup();

    /** The Spring side of transactions: StrataTemplate's retries and the transaction manager. */
    private final Transaction transaction = new Transaction();

    /** The StrataLockRegistry bean. */
    private final Locks locks = new Locks();

    /** The StrataViews bean (typed views with codecs). */
    private final Views views = new Views();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Durability getDurability() {
        return durability;
    }

    public void setDurability(Durability durability) {
        this.durability = durability;
    }

    public Duration getSyncInterval() {
        return syncInterval;
    }

    public void setSyncInterval(Duration syncInterval) {
        this.syncInterval = syncInterval;
    }

    public DataSize getMaxWalSize() {
        return maxWalSize;
    }

    public void setMaxWalSize(DataSize maxWalSize) {
        this.maxWalSize = maxWalSize;
    }

    public Path getWalArchive() {
        return walArchive;
    }

    public void setWalArchive(Path walArchive) {
        this.walArchive = walArchive;
    }

    public DataSize getWalSegmentSize() {
        return walSegmentSize;
    }

    public void setWalSegmentSize(DataSize walSegmentSize) {
        this.walSegmentSize = walSegmentSize;
    }

    public DataSize getMemtableSize() {
        return memtableSize;
    }

    public void setMemtableSize(DataSize memtableSize) {
        this.memtableSize = memtableSize;
    }

    public int getMaxImmutableMemtables() {
        return maxImmutableMemtables;
    }

    public void setMaxImmutableMemtables(int maxImmutableMemtables) {
        this.maxImmutableMemtables = maxImmutableMemtables;
    }

    public DataSize getBlockCacheSize() {
        return blockCacheSize;
    }

    public void setBlockCacheSize(DataSize blockCacheSize) {
        this.blockCacheSize = blockCacheSize;
    }

    public DataSize getMemoryBudget() {
        return memoryBudget;
    }

    public void setMemoryBudget(DataSize memoryBudget) {
        this.memoryBudget = memoryBudget;
    }

    public DataSize getBlockSize() {
        return blockSize;
    }

    public void setBlockSize(DataSize blockSize) {
        this.blockSize = blockSize;
    }

    public int getBloomBitsPerKey() {
        return bloomBitsPerKey;
    }

    public void setBloomBitsPerKey(int bloomBitsPerKey) {
        this.bloomBitsPerKey = bloomBitsPerKey;
    }

    public boolean isCompression() {
        return compression;
    }

    public void setCompression(boolean compression) {
        this.compression = compression;
    }

    public DataSize getZstdDictionarySize() {
        return zstdDictionarySize;
    }

    public void setZstdDictionarySize(DataSize zstdDictionarySize) {
        this.zstdDictionarySize = zstdDictionarySize;
    }

    public int getL0CompactionTrigger() {
        return l0CompactionTrigger;
    }

    public void setL0CompactionTrigger(int l0CompactionTrigger) {
        this.l0CompactionTrigger = l0CompactionTrigger;
    }

    public int getL0StopWritesTrigger() {
        return l0StopWritesTrigger;
    }

    public void setL0StopWritesTrigger(int l0StopWritesTrigger) {
        this.l0StopWritesTrigger = l0StopWritesTrigger;
    }

    public DataSize getLevelBaseSize() {
        return levelBaseSize;
    }

    public void setLevelBaseSize(DataSize levelBaseSize) {
        this.levelBaseSize = levelBaseSize;
    }

    public int getLevelMultiplier() {
        return levelMultiplier;
    }

    public void setLevelMultiplier(int levelMultiplier) {
        this.levelMultiplier = levelMultiplier;
    }

    public DataSize getTargetFileSize() {
        return targetFileSize;
    }

    public void setTargetFileSize(DataSize targetFileSize) {
        this.targetFileSize = targetFileSize;
    }

    public DataSize getMaxKeySize() {
        return maxKeySize;
    }

    public void setMaxKeySize(DataSize maxKeySize) {
        this.maxKeySize = maxKeySize;
    }

    public DataSize getMaxValueSize() {
        return maxValueSize;
    }

    public void setMaxValueSize(DataSize maxValueSize) {
        this.maxValueSize = maxValueSize;
    }

    public DataSize getMaxBatchSize() {
        return maxBatchSize;
    }

    public void setMaxBatchSize(DataSize maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    public int getAsyncThreads() {
        return asyncThreads;
    }

    public void setAsyncThreads(int asyncThreads) {
        this.asyncThreads = asyncThreads;
    }

    public boolean isTrackHandleOrigins() {
        return trackHandleOrigins;
    }

    public void setTrackHandleOrigins(boolean trackHandleOrigins) {
        this.trackHandleOrigins = trackHandleOrigins;
    }

    public dev.strata.engine.txn.TransactionMode getTransactionMode() {
        return transactionMode;
    }

    public void setTransactionMode(dev.strata.engine.txn.TransactionMode transactionMode) {
        this.transactionMode = transactionMode;
    }

    public Duration getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    public boolean isVerificationTable() {
        return verificationTable;
    }

    public void setVerificationTable(boolean verificationTable) {
        this.verificationTable = verificationTable;
    }

    public List<String> getColumnFamilies() {
        return columnFamilies;
    }

    public void setColumnFamilies(List<String> columnFamilies) {
        this.columnFamilies = columnFamilies;
    }

    public Backup getBackup() {
        return backup;
    }

    public Transaction getTransaction() {
        return transaction;
    }

    public Locks getLocks() {
        return locks;
    }

    public Views getViews() {
        return views;
    }

    /**
     * The {@code strata.transaction.*} properties, read by
     * {@link dev.strata.autoconfigure.transaction.StrataTransactionAutoConfiguration}. The mode and
     * the lock timeout are database options: {@code strata.transaction-mode}, {@code strata.lock-timeout}.
     */
    public static class Transaction {

        /** Whether to create the StrataTemplate and (with spring-tx) the strataTransactionManager beans. */
        private boolean enabled = true;

        /**
         * How many times StrataTemplate re-runs a callback whose commit conflicted (or, pessimistic,
         * whose lock wait timed out) before it gives up: at most max-retries + 1 attempts.
         */
        private int maxRetries = 3;

        /**
         * Whether a retry first waits until the conflicting commit is visible and then re-runs at
         * once, instead of waiting a random, growing back-off.
         */
        private boolean coordinatedRetry = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getMaxRetries() {
            return maxRetries;
        }

        public void setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
        }

        public boolean isCoordinatedRetry() {
            return coordinatedRetry;
        }

        public void setCoordinatedRetry(boolean coordinatedRetry) {
            this.coordinatedRetry = coordinatedRetry;
        }
    }

    /** The {@code strata.locks.*} properties, read by {@link dev.strata.autoconfigure.lock.StrataLockAutoConfiguration}. */
    public static class Locks {

        /** Whether to create the StrataLockRegistry bean (per-key Lock objects over the database's user locks). */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The {@code strata.views.*} properties, read by {@link dev.strata.autoconfigure.view.StrataViewAutoConfiguration}. */
    public static class Views {

        /** Whether to create the StrataViews bean and its value codecs (JSON through the application's JsonMapper). */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The {@code strata.backup.*} properties, read by {@link dev.strata.autoconfigure.backup.StrataBackupAutoConfiguration}. */
    public static class Backup {

        /**
         * Directory the backups go into (created if missing); incremental, so a table is copied
         * once for all the backups that hold it. Unset: no StrataBackups bean and no schedule.
         */
        private Path directory;

        /**
         * When to take a backup, as a Spring cron expression (six fields, seconds first: "0 0 3 * * *"
         * is 03:00 every day). Unset: backups are taken only on demand (StrataBackups.backupNow or
         * the strata endpoint).
         */
        private String schedule;

        /** Time zone the schedule is read in; the JVM's default when unset. */
        private ZoneId zone;

        /** Good backups kept after each backup (older ones are purged); 0 keeps them all. */
        private int keepCount = 0;

        /** Whether the memtables are flushed before a backup (otherwise the WAL tail carries them). */
        private boolean flushBeforeBackup = true;

        public Path getDirectory() {
            return directory;
        }

        public void setDirectory(Path directory) {
            this.directory = directory;
        }

        public String getSchedule() {
            return schedule;
        }

        public void setSchedule(String schedule) {
            this.schedule = schedule;
        }

        public ZoneId getZone() {
            return zone;
        }

        public void setZone(ZoneId zone) {
            this.zone = zone;
        }

        public int getKeepCount() {
            return keepCount;
        }

        public void setKeepCount(int keepCount) {
            this.keepCount = keepCount;
        }

        public boolean isFlushBeforeBackup() {
            return flushBeforeBackup;
        }

        public void setFlushBeforeBackup(boolean flushBeforeBackup) {
            this.flushBeforeBackup = flushBeforeBackup;
        }
    }
}
