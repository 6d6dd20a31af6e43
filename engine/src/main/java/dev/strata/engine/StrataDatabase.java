package dev.strata.engine;

import dev.strata.engine.commit.CommitPipeline;
import dev.strata.engine.event.ChangeFeed;
import dev.strata.engine.event.ChangeListener;
import dev.strata.engine.event.EventBus;
import dev.strata.engine.event.Subscription;
import dev.strata.engine.handle.HandleRegistry;
import dev.strata.engine.handle.HandleStatus;
import dev.strata.engine.lsm.LsmStats;
import dev.strata.engine.lsm.LsmStore;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.log.CommitRecordCursor;
import dev.strata.engine.log.PurgeResult;
import dev.strata.engine.log.RetentionReport;
import dev.strata.engine.log.TransactionLog;
import dev.strata.engine.log.TransactionLogs;
import dev.strata.engine.log.WalHold;
import dev.strata.engine.txn.EngineAccess;
import dev.strata.engine.txn.Transaction;
import dev.strata.engine.txn.TransactionCallback;
import dev.strata.engine.txn.TransactionMode;
import dev.strata.engine.txn.TransactionModes;
import dev.strata.engine.txn.TransactionOptions;
import dev.strata.engine.txn.TransactionStats;
import dev.strata.engine.txn.TransactionSupport;
import dev.strata.engine.verify.GetOptions;
import dev.strata.engine.verify.VerificationTable;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.DirectoryLock;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.CommitRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A Strata database: an ordered map of byte-array keys to byte-array values in a directory,
 * durable through a write-ahead log, readable at consistent snapshots.
 *
 * <pre>{@code
 * try (StrataDatabase db = StrataDatabase.open(Path.of("data"))) {
 *     CommitResult r = db.put(key, value);      // acknowledged per the durability mode
 *     byte[] v = db.get(key);
 *     try (StrataIterator<KeyValue> it = db.iterator(RangeOptions.prefix(p))) { ... }
 * }
 * }</pre>
 *
 * <p>Column families: the read and write methods here are those of the default family;
 * {@link #createColumnFamily}, {@link #columnFamily} and {@link #dropColumnFamily} manage others,
 * each a separately stored key space ({@link ColumnFamily}) sharing the WAL and seqnos.
 *
 * <p>Thread-safe: every method may be called from any thread. Blocking calls have
 * {@code *Async} variants that run on the database's own threads. Keys are ordered by unsigned
 * lexicographic comparison. Every committed write gets the next seqno ({@link CommitResult}).
 *
 * <p>Lifecycle: one process writes a directory (a lock file; a second writer gets
 * {@link DatabaseLockedException}). {@link #close()} is idempotent; it waits up to
 * {@code closeTimeout} for running calls, then invalidates open iterators and snapshots, so any
 * later use throws {@link ClosedException}: never a crash, a hang or a wrong result.
 */
public final class StrataDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StrataDatabase.class);
    static final String LOCK_FILE = "LOCK";
    static final String WAL_DIR = dev.strata.engine.wal.WalFormat.DIRECTORY;

    private final Path dir;
    private final StrataOptions options;
    private final Storage storage;
    private final DirectoryLock lock;
    private final LsmStore store;
    private final CommitPipeline pipeline;
    private final Map<Integer, ColumnFamily> familyHandles = new ConcurrentHashMap<>();
    private final ColumnFamily defaultFamily;
    /** Continuous WAL archiving, when {@link StrataOptions#walArchive} is set; else null. */
    dev.strata.engine.backup.WalArchiver archiver;
    /** Serializes column-family creates and drops. */
    private final Object familyAdminLock = new Object();
    private final HandleRegistry handles;
    private final ExecutorService asyncExecutor;
    private final ScheduledExecutorService syncTimer;
    private final TransactionSupport txns;
    private final TransactionLogs logs;

    private final LongAdder inflight = new LongAdder();
    private volatile boolean closed;
    private final Object closeLock = new Object();
    private boolean closeDone;

    StrataDatabase(Path dir, StrataOptions options, DirectoryLock lock, LsmStore store,
                           CommitPipeline pipeline, HandleRegistry handles, TransactionLogs logs) {
        this.dir = dir;
        this.options = options;
        this.storage = options.storage();
        this.lock = lock;
        this.store = store;
        this.defaultFamily = handleFor(store.defaultFamily());
        this.pipeline = pipeline;
        this.handles = handles;
        this.logs = logs;
        this.asyncExecutor = newAsyncExecutor(options.asyncThreads(), dir);
        if (options.durability() == Durability.ASYNC) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemonFactory("strata-wal-sync"));
            long ms = Math.max(1, options.syncInterval().toMillis());
            t.scheduleWithFixedDelay(this::periodicSync, ms, ms, TimeUnit.MILLISECONDS);
            this.syncTimer = t;
        } else {
            this.syncTimer = null;
        }
        this.txns = new TransactionSupport(new EngineAccess(dir, options, pipeline, store::family, this::enter, this::exit,
                this::async, (cf, range) -> familyHandle(cf).iterator(range), this::snapshot, this::useLog));
        logs.events(txns.events());
    }

    /** Opens (creating if missing) the database in {@code dir} with default options. */
    public static StrataDatabase open(Path dir) {
        return open(dir, StrataOptions.defaults());
    }

    /**
     * Opens (creating if missing) the database in {@code dir}: takes the directory lock and
     * replays the WAL.
     *
     * @throws DatabaseLockedException if another process, or another open in this JVM, writes it
     * @throws CorruptionException     if a file is damaged beyond a torn WAL tail
     * @throws InvalidArgumentException if an option is out of range
     */
    public static StrataDatabase open(Path dir, StrataOptions options) {
        options.validate();
        TransactionModes.register(dir, options.transactionMode());
        try {
            return options.readOnly() ? DatabaseOpener.openReadOnly(dir, options) : DatabaseOpener.openWritable(dir, options);
        } catch (RuntimeException | Error e) {
            TransactionModes.release(dir);
            throw e;
        }
    }

    // ---------------------------------------------------------------- writes (default family)

    /** Sets {@code key} to {@code value}. */
    public CommitResult put(byte[] key, byte[] value) {
        return defaultFamily.put(key, value);
    }

    /**
     * Sets {@code key} to {@code value} for {@code ttl}: after that it reads as absent (to
     * {@code get}, iterators and snapshots alike) and compaction removes it. Expiry is judged
     * by the database's clock ({@link StrataOptions#clock}).
     */
    public CommitResult put(byte[] key, byte[] value, java.time.Duration ttl) {
        return defaultFamily.put(key, value, ttl);
    }

    /** Removes {@code key} (a no-op for the data if it is absent; still a commit). */
    public CommitResult remove(byte[] key) {
        return defaultFamily.remove(key);
    }

    /** Removes every key in [start, end). {@code start} must not be greater than {@code end}. */
    public CommitResult deleteRange(byte[] start, byte[] end) {
        return defaultFamily.deleteRange(start, end);
    }

    /**
     * Applies a batch atomically under one seqno; it may write several column families. The
     * batch may be reused afterwards.
     */
    public CommitResult write(WriteBatch batch) {
        if (batch == null) {
            throw new InvalidArgumentException("batch must not be null");
        }
        if (batch.maxKeyLength() > options.maxKeySize()) {
            throw new InvalidArgumentException("a key in the batch is longer than maxKeySize " + options.maxKeySize());
        }
        if (batch.maxValueLength() > options.maxValueSize()) {
            throw new InvalidArgumentException("a value in the batch is longer than maxValueSize " + options.maxValueSize());
        }
        if (batch.byteSize() > options.maxBatchSize()) {
            throw new InvalidArgumentException("batch of " + batch.byteSize() + " bytes exceeds maxBatchSize "
                    + options.maxBatchSize());
        }
        LsmTree[] families = null;
        List<ColumnFamily> named = batch.families();
        if (!named.isEmpty()) {
            families = new LsmTree[named.size()];
            for (int i = 0; i < families.length; i++) {
                ColumnFamily cf = named.get(i);
                if (cf.database() != this) {
                    throw new InvalidArgumentException("the batch writes column family '" + cf.name()
                            + "' of another database");
                }
                families[i] = cf.tree;
            }
        }
        enter();
        try {
            checkWritable();
            return pipeline.commitBatch(batch.opsArray(), batch.byteSize(), batch.count(), families);
        } finally {
            exit();
        }
    }

    public CompletableFuture<CommitResult> putAsync(byte[] key, byte[] value) {
        return defaultFamily.putAsync(key, value);
    }

    public CompletableFuture<CommitResult> removeAsync(byte[] key) {
        return defaultFamily.removeAsync(key);
    }

    public CompletableFuture<CommitResult> deleteRangeAsync(byte[] start, byte[] end) {
        return defaultFamily.deleteRangeAsync(start, end);
    }

    public CompletableFuture<CommitResult> writeAsync(WriteBatch batch) {
        return async(() -> write(batch));
    }

    // ---------------------------------------------------------------- reads (default family)

    /** The value of {@code key} in the latest committed state, or null if absent. */
    public byte[] get(byte[] key) {
        return defaultFamily.get(key);
    }

    /** The value of {@code key} as of {@code snapshot}, or null if absent. */
    public byte[] get(byte[] key, Snapshot snapshot) {
        return defaultFamily.get(key, snapshot);
    }

    public CompletableFuture<byte[]> getAsync(byte[] key) {
        return defaultFamily.getAsync(key);
    }

    /**
     * A snapshot of the latest committed state of every column family. Close it when done; the
     * database invalidates it at close.
     */
    public Snapshot snapshot() {
        enter();
        try {
            synchronized (handles) {
                return handles.register(new Snapshot(pipeline.visibleSeqno(), handles), HandleStatus.SNAPSHOT);
            }
        } finally {
            exit();
        }
    }

    /**
     * An iterator over a range at a consistent snapshot (the options' snapshot, or the latest
     * committed state when it is created). Close it (try-with-resources).
     */
    public StrataIterator<KeyValue> iterator(RangeOptions range) {
        return defaultFamily.iterator(range);
    }

    /** {@link #iterator} as a {@link Stream}; close the stream (try-with-resources) to release it. */
    public Stream<KeyValue> stream(RangeOptions range) {
        return defaultFamily.stream(range);
    }

    /** The exact number of keys in a range (the options' bounds, snapshot and limit apply). */
    public long count(RangeOptions range) {
        return defaultFamily.count(range);
    }

    /** {@link ColumnFamily#estimatedCount()} of the default family. */
    public long estimatedCount() {
        return defaultFamily.estimatedCount();
    }

    /** {@link ColumnFamily#clear()} of the default family. */
    public long clear() {
        return defaultFamily.clear();
    }

    // ---------------------------------------------------------------- column families

    // ---------------------------------------------------------------- checkpoints

    /**
     * Writes a checkpoint: an independent, openable copy of the whole database (every column
     * family) at one commit, into {@code target}, which must not exist (its parents are
     * created). The memtables are flushed first; tables and sealed WAL segments are hard-linked
     * when the target is on the same file system (copied otherwise), the WAL tail is copied. Open
     * the copy with {@link #open(Path)} like any database. Writers go on meanwhile; commits after
     * the checkpoint's seqno are not in it.
     */
    public dev.strata.engine.backup.Checkpointer.Result createCheckpoint(Path target) {
        if (target == null) {
            throw new InvalidArgumentException("checkpoint target must not be null");
        }
        enter();
        try {
            checkWritable();
            synchronized (familyAdminLock) {
                store.flushAndWait(pipeline::switchMemtable);
                return new dev.strata.engine.backup.Checkpointer(storage, dir, store, pipeline).create(target);
            }
        } finally {
            exit();
        }
    }

    /**
     * Backs the database up into {@code backupDir} (created if missing): incremental (a table a
     * backup there already holds is not copied again), consistent at one commit across every
     * column family, listed only once complete. List, verify, delete, purge and restore with
     * {@link dev.strata.engine.backup.Backups}. Writers go on meanwhile.
     */
    public dev.strata.engine.backup.BackupResult backup(Path backupDir, dev.strata.engine.backup.BackupOptions options) {
        if (backupDir == null || options == null) {
            throw new InvalidArgumentException("backup directory and options must not be null");
        }
        enter();
        try {
            checkWritable();
            synchronized (familyAdminLock) {
                return new dev.strata.engine.backup.BackupWriter(storage, dir, store, pipeline).write(backupDir, options);
            }
        } finally {
            exit();
        }
    }

    /** {@link #backup(Path, dev.strata.engine.backup.BackupOptions)} with default options. */
    public dev.strata.engine.backup.BackupResult backup(Path backupDir) {
        return backup(backupDir, dev.strata.engine.backup.BackupOptions.defaults());
    }

    /** The family the database's own read and write methods use; it always exists. */
    public ColumnFamily defaultColumnFamily() {
        return defaultFamily;
    }

    /** The names of every column family, the default one first. */
    public List<String> columnFamilies() {
        enter();
        try {
            List<String> names = new ArrayList<>();
            for (LsmTree t : store.families()) {
                names.add(t.name());
            }
            return names;
        } finally {
            exit();
        }
    }

    /** The family named {@code name}; throws {@link ColumnFamilyNotFoundException} if there is none. */
    public ColumnFamily columnFamily(String name) {
        enter();
        try {
            LsmTree t = store.family(name);
            if (t == null) {
                throw new ColumnFamilyNotFoundException("no column family named '" + name + "' in " + dir);
            }
            return handleFor(t);
        } finally {
            exit();
        }
    }

    /**
     * Creates a column family: one commit (so it is in the WAL, replicated and recovered like any
     * write) and a manifest write. Throws {@link InvalidArgumentException} if the name is taken
     * or not 1 to 255 UTF-8 bytes.
     */
    public ColumnFamily createColumnFamily(String name) {
        checkFamilyName(name);
        enter();
        try {
            checkWritable();
            synchronized (familyAdminLock) {
                if (store.family(name) != null) {
                    throw new InvalidArgumentException("column family '" + name + "' exists");
                }
                int id = store.reserveFamilyId();
                byte[] op = CommitRecord.encodeFamilyOp(CommitRecord.CF_CREATE, id, name);
                pipeline.commitBatch(op, op.length, 1, null);
                store.persist();
                return handleFor(store.family(id));
            }
        } finally {
            exit();
        }
    }

    /** The family named {@code name}, created if missing. */
    public ColumnFamily getOrCreateColumnFamily(String name) {
        checkFamilyName(name);
        synchronized (familyAdminLock) {
            LsmTree t = store.family(name);
            return t != null ? handleFor(t) : createColumnFamily(name);
        }
    }

    /**
     * Drops a column family: one commit and a manifest write; its tables are deleted once no
     * iterator still reads them (so the cost is its files, not its keys). Handles to it throw
     * {@link ColumnFamilyNotFoundException} afterwards. The default family cannot be dropped.
     */
    public void dropColumnFamily(String name) {
        checkFamilyName(name);
        if (name.equals(defaultFamily.name())) {
            throw new InvalidArgumentException("the default column family cannot be dropped");
        }
        enter();
        try {
            checkWritable();
            synchronized (familyAdminLock) {
                LsmTree t = store.family(name);
                if (t == null) {
                    throw new ColumnFamilyNotFoundException("no column family named '" + name + "' in " + dir);
                }
                byte[] op = CommitRecord.encodeFamilyOp(CommitRecord.CF_DROP, t.id(), null);
                pipeline.commitBatch(op, op.length, 1, new LsmTree[]{t});
                store.persist();
                familyHandles.remove(t.id());
                store.release(t);
            }
        } finally {
            exit();
        }
    }

    /** The handle of family {@code id}; throws {@link ColumnFamilyNotFoundException} if it was dropped. */
    private ColumnFamily familyHandle(int id) {
        LsmTree t = store.family(id);
        if (t == null) {
            throw new ColumnFamilyNotFoundException("column family " + id + " of " + dir + " was dropped");
        }
        return handleFor(t);
    }

    private ColumnFamily handleFor(LsmTree t) {
        return familyHandles.computeIfAbsent(t.id(), id -> new ColumnFamily(this, t));
    }

    private static void checkFamilyName(String name) {
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new InvalidArgumentException("a column family name is 1 to 255 UTF-8 bytes, was "
                    + (name == null ? "null" : "'" + name + "'"));
        }
    }

    /**
     * Deletes a closed database's files (WAL segments, tables, manifest, lock) and its directory
     * if nothing else is left in it. Throws {@link DatabaseLockedException} if it is open.
     */
    public static void destroy(Path dir) {
        DatabaseOpener.destroy(dir, LocalStorage.INSTANCE);
    }

    /** {@link #destroy(Path)} through the given storage. */
    public static void destroy(Path dir, Storage storage) {
        DatabaseOpener.destroy(dir, storage);
    }

    // ---------------------------------------------------------------- status

    /** The seqno of the newest commit readers can see. */
    public long latestSeqno() {
        return pipeline.visibleSeqno();
    }

    /** The seqno of the newest commit known to be forced to disk. */
    public long durableSeqno() {
        return pipeline.durableSeqno();
    }

    /** Open handles and handles found open at close. */
    public HandleStatus handleStatus() {
        return handles.status();
    }

    /** Bytes in memtables (active and waiting for flush). */
    public long memtableBytes() {
        return store.stats().memtableBytes();
    }

    /**
     * Tables and bytes per level (summed over the column families), flushes, compactions,
     * stalls, block cache hits and misses.
     */
    public LsmStats lsmStats() {
        return store.stats();
    }

    /** WAL segment files on disk. */
    public int walSegmentCount() {
        return pipeline.walSegmentCount();
    }

    /** Bytes written to the WAL since open, and forces issued. */
    public long walBytesWritten() {
        return pipeline.walBytesWritten();
    }

    public long walSyncCount() {
        return pipeline.walSyncs();
    }

    /** The failure that makes the database refuse writes, or null when it is writable. */
    public Throwable backgroundError() {
        Throwable f = pipeline.failure();
        return f != null ? f : store.backgroundError();
    }

    public Path path() {
        return dir;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Forces every commit so far to disk (a no-op in NONE mode, where close persists). */
    public void sync() {
        enter();
        try {
            checkWritable();
            pipeline.sync();
        } finally {
            exit();
        }
    }

    /**
     * Writes the memtable to a table and waits until every memtable is in a table: afterwards the
     * WAL is no longer needed to recover what was committed before the call (in NONE mode, it is
     * what makes those commits survive a crash).
     */
    public void flush() {
        enter();
        try {
            checkWritable();
            store.flushAndWait(pipeline::switchMemtable);
        } finally {
            exit();
        }
    }

    public CompletableFuture<Void> flushAsync() {
        return async(() -> {
            flush();
            return null;
        });
    }

    /** {@link ColumnFamily#compact} of the default family. */
    public void compact(byte[] start, byte[] end) {
        defaultFamily.compact(start, end);
    }

    public CompletableFuture<Void> compactAsync(byte[] start, byte[] end) {
        return defaultFamily.compactAsync(start, end);
    }

    // ---------------------------------------------------------------- lifecycle

    void enter() {
        inflight.increment();
        if (closed) {
            inflight.decrement();
            throw new ClosedException("database " + dir + " is closed");
        }
    }

    void exit() {
        inflight.decrement();
    }

    void checkWritable() {
        if (options.readOnly()) {
            throw new ReadOnlyException("database " + dir + " is open read-only");
        }
    }

    void checkKey(byte[] key) {
        if (key == null) {
            throw new InvalidArgumentException("key must not be null");
        }
        if (key.length > options.maxKeySize()) {
            throw new InvalidArgumentException("key of " + key.length + " bytes exceeds maxKeySize " + options.maxKeySize());
        }
    }

    void checkValue(byte[] value) {
        if (value == null) {
            throw new InvalidArgumentException("value must not be null");
        }
        if (value.length > options.maxValueSize()) {
            throw new InvalidArgumentException("value of " + value.length + " bytes exceeds maxValueSize "
                    + options.maxValueSize());
        }
    }

    CommitPipeline pipeline() {
        return pipeline;
    }

    StrataOptions options() {
        return options;
    }

    HandleRegistry handles() {
        return handles;
    }

    <T> CompletableFuture<T> async(Supplier<T> call) {
        if (closed) {
            return CompletableFuture.failedFuture(new ClosedException("database " + dir + " is closed"));
        }
        return CompletableFuture.supplyAsync(call, asyncExecutor);
    }

    private void periodicSync() {
        if (closed || pipeline.failure() != null) {
            return;
        }
        try {
            pipeline.sync();
        } catch (StrataException e) {
            LOG.error("Periodic WAL sync of {} failed; the database now refuses writes", dir, e);
        }
    }

    /**
     * Closes the database: waits up to {@code closeTimeout} for running calls, invalidates open
     * handles (reporting them), forces and seals the WAL (in NONE mode, writes the memtable to
     * it), and releases the lock. Idempotent; concurrent callers wait for the first.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closeDone) {
                return;
            }
            closed = true;
            long deadline = System.nanoTime() + options.closeTimeout().toNanos();
            while (inflight.sum() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                Thread.yield();
            }
            if (inflight.sum() > 0) {
                LOG.warn("Closing {} with {} call(s) still running after {}", dir, inflight.sum(), options.closeTimeout());
            }
            txns.close();
            handles.invalidateAll();
            if (syncTimer != null) {
                syncTimer.shutdown();
                awaitQuietly(syncTimer);
            }
            asyncExecutor.shutdown();
            awaitQuietly(asyncExecutor);
            logs.close();
            StrataException failure = null;
            try {
                boolean none = options.durability() == Durability.NONE && !options.readOnly();
                if (options.readOnly()) {
                    store.close(false, pipeline::lastSeqno);
                } else if (!none) {
                    try {
                        pipeline.close();
                        if (archiver != null) {
                            archiver.close(); // the close sealed the last segment: archive it
                        }
                        // Sealing rolled to an empty successor: segments the tables cover can go now.
                        logs.afterFlush();
                    } finally {
                        // Even if sealing failed: the tree's jobs must stop before the lock goes.
                        store.close(false, pipeline::lastSeqno);
                    }
                } else {
                    // NONE mode has no WAL: its clean close is a flush.
                    store.close(true, pipeline::lastSeqno);
                }
            } catch (IOException e) {
                failure = new StrataIOException("closing " + dir + " failed; committed data is recovered from the WAL at the next open", e);
            } catch (StrataException e) {
                failure = e;
            } finally {
                try {
                    if (lock != null) {
                        lock.close();
                    }
                } catch (IOException e) {
                    if (failure == null) {
                        failure = new StrataIOException("cannot release the lock of " + dir, e);
                    }
                }
                closeDone = true;
                TransactionModes.release(dir);
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Strata background threads did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ExecutorService newAsyncExecutor(int threads, Path dir) {
        // Bounded queue; when it is full the caller runs the call itself (back-pressure, no loss).
        ThreadPoolExecutor ex = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(4096), daemonFactory("strata-async-" + dir.getFileName()),
                new ThreadPoolExecutor.CallerRunsPolicy());
        ex.allowCoreThreadTimeOut(true);
        return ex;
    }

    private static java.util.concurrent.ThreadFactory daemonFactory(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- transactions, locks, verification, events (issue 5)

    /**
     * Runs {@code callback} in a transaction, commits it when the callback returns and returns
     * what it returned; rolls back and rethrows when it throws. A busy conflict (or, pessimistic,
     * a lock timeout) re-runs it in a new transaction up to 3 times, then throws
     * {@link TransactionAbandonedException}. See {@link Transaction} for what is checked.
     */
    public <T> T transaction(TransactionCallback<T> callback) {
        return txns.transactions().run(callback, TransactionOptions.defaults());
    }

    /** {@link #transaction(TransactionCallback)} with options (retries, snapshot, lock timeout). */
    public <T> T transaction(TransactionCallback<T> callback, TransactionOptions options) {
        return txns.transactions().run(callback, options);
    }

    public <T> CompletableFuture<T> transactionAsync(TransactionCallback<T> callback) {
        return txns.transactions().runAsync(callback, TransactionOptions.defaults());
    }

    public <T> CompletableFuture<T> transactionAsync(TransactionCallback<T> callback, TransactionOptions options) {
        return txns.transactions().runAsync(callback, options);
    }

    /** A transaction to {@link Transaction#commit() commit} or {@link Transaction#abort() abort} yourself. */
    public Transaction beginTransaction() {
        return txns.transactions().begin(TransactionOptions.defaults());
    }

    public Transaction beginTransaction(TransactionOptions options) {
        return txns.transactions().begin(options);
    }

    /** The transaction mode this database was opened in. */
    public TransactionMode transactionMode() {
        return txns.transactions().mode();
    }

    /** When the oldest snapshot held by a live transaction was taken; empty when none holds one. */
    public Optional<Instant> oldestSnapshotTimestamp() {
        return txns.transactions().oldestSnapshotTimestamp();
    }

    public TransactionStats transactionStats() {
        return txns.transactions().stats();
    }

    /** Takes the process-local lock of {@code key} if it is free; never waits. */
    public boolean tryLock(byte[] key) {
        return txns.locks().tryLock(key, null);
    }

    /**
     * Takes the lock of {@code key} if it is free (true); otherwise returns false and runs
     * {@code onUnlocked} once, on the releasing thread, when the lock is next released (or the
     * database closes). Locks belong to keys, not threads: any thread may {@link #unlock} it.
     */
    public boolean tryLock(byte[] key, Runnable onUnlocked) {
        return txns.locks().tryLock(key, onUnlocked);
    }

    /** Releases the lock of {@code key} and runs its queued callbacks; false if it was not held. */
    public boolean unlock(byte[] key) {
        return txns.locks().unlock(key);
    }

    public boolean hasLock(byte[] key) {
        return txns.locks().hasLock(key);
    }

    /** Waits for the lock of {@code key}, runs {@code body} holding it, releases it. */
    public <T> T withLock(byte[] key, Supplier<T> body) {
        return txns.locks().withLock(key, body);
    }

    /** {@link #withLock} without blocking: the body runs on the database's threads once the lock is free. */
    public <T> CompletableFuture<T> withLockAsync(byte[] key, Supplier<T> body) {
        return txns.locks().withLockAsync(key, body);
    }

    /** The lock of {@code key} as a {@link Lock} (not reentrant; unlock from any thread). */
    public Lock lock(byte[] key) {
        return txns.locks().lock(key);
    }

    /**
     * A read through the verification table: {@link VerificationTable#FRESH} (compare by
     * identity) when {@code options} expects a version the table vouches is current, without
     * reading; otherwise the value (or null), recording its version when asked.
     */
    public byte[] get(byte[] key, GetOptions options) {
        checkKey(key);
        if (options == null) {
            throw new InvalidArgumentException("get options must not be null");
        }
        return txns.versions().get(0, key, options, () -> get(key));
    }

    /** Whether the verification table vouches that {@code version} is {@code key}'s current version (no read). */
    public boolean verifyVersion(byte[] key, double version) {
        checkKey(key);
        enter();
        try {
            return txns.versions().verify(0, key, version);
        } finally {
            exit();
        }
    }

    /**
     * Records {@code version} as {@code key}'s current version in the verification table, after
     * checking with a read that it is (so a superseded version is never recorded). True if recorded.
     */
    public boolean populateVersion(byte[] key, double version) {
        checkKey(key);
        return txns.versions().populate(0, key, version, () -> get(key));
    }

    /** This database's events: its transaction events and whatever the application notifies. */
    public EventBus events() {
        return txns.events();
    }

    /**
     * Delivers every change committed from now on under {@code prefix} (empty for all keys) to
     * {@code listener}, in seqno order, once durable; see {@link ChangeListener}. A queue of
     * {@value ChangeFeed#DEFAULT_QUEUE_CAPACITY} changes absorbs a slow listener.
     */
    public Subscription subscribe(byte[] prefix, ChangeListener listener) {
        return subscribe(prefix, listener, ChangeFeed.DEFAULT_QUEUE_CAPACITY);
    }

    public Subscription subscribe(byte[] prefix, ChangeListener listener, int queueCapacity) {
        enter();
        try {
            return txns.feed().subscribe(0, prefix, listener, queueCapacity);
        } finally {
            exit();
        }
    }

    // ---------------------------------------------------------------- transaction logs (issue 6)

    /**
     * The transaction log named {@code name}: the same instance for the same name. Entries are
     * added in transactions ({@code log.addEntry(data, txn)} or {@code txn.useLog(name)}) and
     * queried by time or seqno; see {@link TransactionLog}.
     */
    public TransactionLog useLog(String name) {
        enter();
        try {
            return logs.use(name);
        } finally {
            exit();
        }
    }

    /** {@link #useLog(String)} of the number's decimal form, as rocksdb-js turns numeric names into strings. */
    public TransactionLog useLog(long name) {
        return useLog(Long.toString(name));
    }

    /** Every log used since open or with entries on disk, sorted by name. */
    public List<String> listLogs() {
        enter();
        try {
            return logs.list();
        } finally {
            exit();
        }
    }

    /** {@link #purgeLogs(Long, String, boolean, boolean)} of every log, past the retention. */
    public PurgeResult purgeLogs() {
        return purgeLogs(null, null, false, false);
    }

    /**
     * Removes transaction-log entries older than {@code before} (ms since the epoch; null: older
     * than {@code transactionLogRetention}) of log {@code name} (null: every log) from the WAL
     * segments that nothing else needs whole, rewriting or deleting them; {@code destroy} removes
     * every entry of the log and forgets its name. Segments still needed whole (data not flushed,
     * a follower, the archive, {@code walKeepSize}, a checkpoint) keep their entries until
     * retention may touch them; the purge is remembered until close. {@code includeEntryCounts}
     * fills in how many entries each file lost.
     */
    public PurgeResult purgeLogs(Long before, String name, boolean destroy, boolean includeEntryCounts) {
        enter();
        try {
            checkWritable();
            return logs.purge(before, name, destroy, includeEntryCounts);
        } finally {
            exit();
        }
    }

    /** Runs transaction-log retention now (the engine also runs it on its own timer) and reports why each segment stays. */
    public RetentionReport runLogRetention() {
        enter();
        try {
            checkWritable();
            return logs.runRetention();
        } finally {
            exit();
        }
    }

    /** The report of the last retention pass. */
    public RetentionReport logRetentionReport() {
        return logs.retentionReport();
    }

    /** The database-wide {@code txnlog.*} statistics (segments, bytes, entries, why segments are kept, holds). */
    public Map<String, Long> transactionLogStatistics() {
        enter();
        try {
            return logs.statistics();
        } finally {
            exit();
        }
    }

    /**
     * Delivers every change under {@code prefix} committed from {@code fromSeqno} on: first
     * replayed from the WAL, then live as commits become durable, in seqno order, at least once,
     * on the subscription's own thread. Store the seqno of the last change processed and
     * resubscribe from the next one after a restart. Throws {@link LogUnavailableException} if
     * the WAL no longer holds {@code fromSeqno} whole.
     */
    public Subscription subscribe(byte[] prefix, long fromSeqno, ChangeListener listener) {
        enter();
        try {
            return logs.subscribe(prefix, fromSeqno, listener, pipeline::awaitDurable);
        } finally {
            exit();
        }
    }

    java.util.Optional<Transaction> findTransaction(long id) {
        return txns.transactions().find(id);
    }

    // ---------------------------------------------------------------- replication hooks (issue 8)

    /**
     * Whole commit records from {@code fromSeqno} up to the durable seqno, read again each time
     * the cursor catches up: what a replication leader ships. Throws
     * {@link LogUnavailableException} if the WAL no longer holds {@code fromSeqno} whole.
     */
    public CommitRecordCursor readCommitRecords(long fromSeqno) {
        enter();
        try {
            return logs.records(fromSeqno);
        } finally {
            exit();
        }
    }

    /** Waits until {@code seqno} is durable; false if {@code timeout} passed first. */
    public boolean awaitDurable(long seqno, java.time.Duration timeout) throws InterruptedException {
        return pipeline.awaitDurable(seqno, timeout.toNanos());
    }

    /** Keeps whole WAL records from {@code fromSeqno} on disk for {@code holder} (a follower) until the hold advances or closes. */
    public WalHold holdWal(String holder, long fromSeqno) {
        enter();
        try {
            return logs.hold(holder, fromSeqno);
        } finally {
            exit();
        }
    }

    /**
     * On a follower ({@link StrataOptions#follower}): applies a commit record from the leader with
     * its seqno and timestamp; null for a duplicate. See {@link CommitPipeline#applyReplicated}.
     */
    public CommitResult applyReplicated(byte[] payload, int off, int len) {
        enter();
        try {
            if (!pipeline.isFollower()) {
                throw new InvalidArgumentException("only a follower applies replicated commits");
            }
            int opsOff = off + CommitRecord.PAYLOAD_HEADER_SIZE;
            boolean familyOp = len > CommitRecord.PAYLOAD_HEADER_SIZE && CommitRecord.opCount(payload, off) == 1
                    && (payload[opsOff] == CommitRecord.CF_CREATE || payload[opsOff] == CommitRecord.CF_DROP);
            LsmTree dropped = null;
            if (familyOp && payload[opsOff] == CommitRecord.CF_DROP) {
                dropped = store.family(readVarInt(payload, opsOff + 1));
            }
            CommitResult r = pipeline.applyReplicated(payload, off, len);
            if (r != null && familyOp) {
                synchronized (familyAdminLock) {
                    store.persist();
                    if (dropped != null) {
                        familyHandles.remove(dropped.id());
                        store.release(dropped);
                    }
                }
            }
            return r;
        } finally {
            exit();
        }
    }

    private static int readVarInt(byte[] b, int off) {
        int v = 0;
        for (int shift = 0; shift < 35 && off < b.length; shift += 7) {
            int x = b[off++] & 0xFF;
            v |= (x & 0x7F) << shift;
            if (x < 0x80) {
                break;
            }
        }
        return v;
    }

    /** Whether this database is a follower (its users' writes are refused). */
    public boolean isFollower() {
        return pipeline.isFollower();
    }

    /** Makes a follower writable in place (a promotion); a no-op on a leader. */
    public void promoteToLeader() {
        pipeline.follower(false);
    }

    /** Semi-synchronous replication: {@code gate} holds each commit's acknowledgement (null: none). */
    public void commitGate(CommitPipeline.CommitGate gate) {
        pipeline.commitGate(gate);
    }
}
