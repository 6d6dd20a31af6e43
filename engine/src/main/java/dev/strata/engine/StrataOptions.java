package dev.strata.engine;

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
    private long memtableSize = 64L << 20;
    private int maxKeySize = 64 << 10;
    private int maxValueSize = 64 << 20;
    private int maxBatchSize = 256 << 20;
    private Duration closeTimeout = Duration.ofSeconds(5);
    private boolean trackHandleOrigins;
    private Storage storage = LocalStorage.INSTANCE;
    private LongSupplier clock = System::currentTimeMillis;
    private int asyncThreads = 2;

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

    /**
     * The memtable's byte budget; default 64 MiB. With the LSM storage issue a full memtable is
     * flushed to an SSTable; until then the budget is only reported.
     */
    public StrataOptions memtableSize(long bytes) {
        this.memtableSize = bytes;
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

    /** Throws {@link InvalidArgumentException} naming the first bad option. */
    void validate() {
        require(durability != null, "durability must be set");
        require(syncInterval != null && !syncInterval.isNegative() && !syncInterval.isZero(),
                "syncInterval must be positive, was " + syncInterval);
        require(walSegmentSize >= 64 << 10, "walSegmentSize must be at least 64 KiB, was " + walSegmentSize);
        require(memtableSize >= 4 << 10, "memtableSize must be at least 4 KiB, was " + memtableSize);
        require(maxKeySize >= 1 && maxKeySize <= 1 << 30, "maxKeySize must be in [1, 1 GiB], was " + maxKeySize);
        require(maxValueSize >= 0 && maxValueSize <= 1 << 30, "maxValueSize must be in [0, 1 GiB], was " + maxValueSize);
        require(maxBatchSize >= 1024 && maxBatchSize <= 1 << 30, "maxBatchSize must be in [1 KiB, 1 GiB], was " + maxBatchSize);
        require(closeTimeout != null && !closeTimeout.isNegative(), "closeTimeout must be >= 0");
        require(storage != null, "storage must be set");
        require(clock != null, "clock must be set");
        require(asyncThreads >= 1, "asyncThreads must be >= 1, was " + asyncThreads);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidArgumentException(message);
        }
    }
}
