package dev.strata.engine;

import dev.strata.engine.commit.CommitPipeline;
import dev.strata.engine.handle.HandleRegistry;
import dev.strata.engine.handle.HandleStatus;
import dev.strata.engine.iterator.DbIterator;
import dev.strata.engine.lsm.LsmStats;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.lsm.ReadView;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.DirectoryLock;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.CommitRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
    static final String WAL_DIR = "wal";

    private final Path dir;
    private final StrataOptions options;
    private final Storage storage;
    private final DirectoryLock lock;
    private final LsmTree tree;
    private final CommitPipeline pipeline;
    private final HandleRegistry handles;
    private final ExecutorService asyncExecutor;
    private final ScheduledExecutorService syncTimer;

    private final LongAdder inflight = new LongAdder();
    private volatile boolean closed;
    private final Object closeLock = new Object();
    private boolean closeDone;

    StrataDatabase(Path dir, StrataOptions options, DirectoryLock lock, LsmTree tree,
                           CommitPipeline pipeline, HandleRegistry handles) {
        this.dir = dir;
        this.options = options;
        this.storage = options.storage();
        this.lock = lock;
        this.tree = tree;
        this.pipeline = pipeline;
        this.handles = handles;
        this.asyncExecutor = newAsyncExecutor(options.asyncThreads(), dir);
        if (options.durability() == Durability.ASYNC) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemonFactory("strata-wal-sync"));
            long ms = Math.max(1, options.syncInterval().toMillis());
            t.scheduleWithFixedDelay(this::periodicSync, ms, ms, TimeUnit.MILLISECONDS);
            this.syncTimer = t;
        } else {
            this.syncTimer = null;
        }
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
        return options.readOnly() ? DatabaseOpener.openReadOnly(dir, options) : DatabaseOpener.openWritable(dir, options);
    }

    // ---------------------------------------------------------------- writes

    /** Sets {@code key} to {@code value}. */
    public CommitResult put(byte[] key, byte[] value) {
        checkKey(key);
        checkValue(value);
        enter();
        try {
            checkWritable();
            return pipeline.commitSingle(CommitRecord.PUT, key, value);
        } finally {
            exit();
        }
    }

    /**
     * Sets {@code key} to {@code value} for {@code ttl}: after that it reads as absent (to
     * {@code get}, iterators and snapshots alike) and compaction removes it. Expiry is judged
     * by the database's clock ({@link StrataOptions#clock}).
     */
    public CommitResult put(byte[] key, byte[] value, java.time.Duration ttl) {
        checkKey(key);
        checkValue(value);
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidArgumentException("ttl must be positive, was " + ttl);
        }
        long expiresAt;
        try {
            expiresAt = Math.addExact(options.clock().getAsLong(), ttl.toMillis());
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException("ttl " + ttl + " is too long");
        }
        enter();
        try {
            checkWritable();
            return pipeline.commitSingle(CommitRecord.PUT_TTL, key, value, expiresAt);
        } finally {
            exit();
        }
    }

    /** Removes {@code key} (a no-op for the data if it is absent; still a commit). */
    public CommitResult remove(byte[] key) {
        checkKey(key);
        enter();
        try {
            checkWritable();
            return pipeline.commitSingle(CommitRecord.DELETE, key, null);
        } finally {
            exit();
        }
    }

    /** Removes every key in [start, end). {@code start} must not be greater than {@code end}. */
    public CommitResult deleteRange(byte[] start, byte[] end) {
        checkKey(start);
        checkKey(end);
        if (Arrays.compareUnsigned(start, end) > 0) {
            throw new InvalidArgumentException("deleteRange start is greater than end");
        }
        enter();
        try {
            checkWritable();
            return pipeline.commitSingle(CommitRecord.DELETE_RANGE, start, end);
        } finally {
            exit();
        }
    }

    /** Applies a batch atomically under one seqno. The batch may be reused afterwards. */
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
        enter();
        try {
            checkWritable();
            return pipeline.commitBatch(batch.opsArray(), batch.byteSize(), batch.count());
        } finally {
            exit();
        }
    }

    public CompletableFuture<CommitResult> putAsync(byte[] key, byte[] value) {
        return async(() -> put(key, value));
    }

    public CompletableFuture<CommitResult> removeAsync(byte[] key) {
        return async(() -> remove(key));
    }

    public CompletableFuture<CommitResult> deleteRangeAsync(byte[] start, byte[] end) {
        return async(() -> deleteRange(start, end));
    }

    public CompletableFuture<CommitResult> writeAsync(WriteBatch batch) {
        return async(() -> write(batch));
    }

    // ---------------------------------------------------------------- reads

    /** The value of {@code key} in the latest committed state, or null if absent. */
    public byte[] get(byte[] key) {
        checkKey(key);
        enter();
        try {
            ReadView v = tree.acquire();
            try {
                // The seqno is read after the view is taken, so the view holds every version it needs.
                return tree.get(v, key, pipeline.visibleSeqno(), options.clock().getAsLong());
            } finally {
                tree.release(v);
            }
        } finally {
            exit();
        }
    }

    /** The value of {@code key} as of {@code snapshot}, or null if absent. */
    public byte[] get(byte[] key, Snapshot snapshot) {
        checkKey(key);
        enter();
        try {
            snapshot.checkOpen();
            ReadView v = tree.acquire();
            try {
                return tree.get(v, key, snapshot.seqno(), options.clock().getAsLong());
            } finally {
                tree.release(v);
            }
        } finally {
            exit();
        }
    }

    public CompletableFuture<byte[]> getAsync(byte[] key) {
        return async(() -> get(key));
    }

    /**
     * A snapshot of the latest committed state. Close it when done; the database invalidates it
     * at close.
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
        if (range == null) {
            throw new InvalidArgumentException("range options must not be null");
        }
        enter();
        try {
            Snapshot s = range.snapshot();
            if (s != null) {
                s.checkOpen();
            }
            ReadView v = tree.acquire();
            long seqno = s != null ? s.seqno() : pipeline.visibleSeqno();
            DbIterator it = new DbIterator(tree.newIterator(v), tree.tombstones(v),
                    seqno, range.start(), range.startInclusive(), range.end(), range.endInclusive(),
                    range.reverse(), range.keysOnly(), range.limit(), options.clock().getAsLong());
            return handles.register(new IteratorHandle(it, v), HandleStatus.ITERATOR);
        } finally {
            exit();
        }
    }

    /** {@link #iterator} as a {@link Stream}; close the stream (try-with-resources) to release it. */
    public Stream<KeyValue> stream(RangeOptions range) {
        return iterator(range).stream();
    }

    /** The exact number of keys in a range (the options' bounds, snapshot and limit apply). */
    public long count(RangeOptions range) {
        RangeOptions keysOnly = new RangeOptions().start(range.start(), range.startInclusive())
                .end(range.end(), range.endInclusive()).limit(range.limit()).snapshot(range.snapshot()).keysOnly(true);
        long n = 0;
        try (StrataIterator<KeyValue> it = iterator(keysOnly)) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /**
     * A fast estimate of the number of keys: entries in tables and memtables, which counts
     * overwritten versions and deletions not yet compacted away, so it is an upper bound of sorts.
     */
    public long estimatedCount() {
        enter();
        try {
            ReadView v = tree.acquire();
            try {
                long n = v.active().entryCount();
                for (var m : v.immutables()) {
                    n += m.entryCount();
                }
                for (var f : v.version().files()) {
                    n += f.entryCount();
                }
                return n;
            } finally {
                tree.release(v);
            }
        } finally {
            exit();
        }
    }

    /**
     * Removes every key and returns how many there were, in one commit (a delete-range over
     * them, which compaction later turns into reclaimed space). Keys written concurrently may or
     * may not be removed and counted.
     */
    public long clear() {
        checkWritable();
        byte[] lastKey;
        long n;
        try (Snapshot s = snapshot()) {
            n = count(new RangeOptions().snapshot(s));
            if (n == 0) {
                return 0;
            }
            try (StrataIterator<KeyValue> it = iterator(new RangeOptions().snapshot(s).reverse(true).limit(1).keysOnly(true))) {
                lastKey = it.next().key();
            }
        }
        write(new WriteBatch().deleteRange(Bytes.EMPTY, lastKey).remove(lastKey));
        return n;
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
        return tree.stats().memtableBytes();
    }

    /** Tables and bytes per level, flushes, compactions, stalls, block cache hits and misses. */
    public LsmStats lsmStats() {
        return tree.stats();
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
        return f != null ? f : tree.backgroundError();
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
            tree.flushAndWait(pipeline::switchMemtable);
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

    /**
     * Compacts every table overlapping [start, end] (either null for open) down the levels,
     * dropping overwritten and deleted data no snapshot needs. Blocks until done.
     */
    public void compact(byte[] start, byte[] end) {
        enter();
        try {
            checkWritable();
            tree.compactRange(start, end);
        } finally {
            exit();
        }
    }

    public CompletableFuture<Void> compactAsync(byte[] start, byte[] end) {
        return async(() -> {
            compact(start, end);
            return null;
        });
    }

    // ---------------------------------------------------------------- lifecycle

    private void enter() {
        inflight.increment();
        if (closed) {
            inflight.decrement();
            throw new ClosedException("database " + dir + " is closed");
        }
    }

    private void exit() {
        inflight.decrement();
    }

    private void checkWritable() {
        if (options.readOnly()) {
            throw new ReadOnlyException("database " + dir + " is open read-only");
        }
    }

    private void checkKey(byte[] key) {
        if (key == null) {
            throw new InvalidArgumentException("key must not be null");
        }
        if (key.length > options.maxKeySize()) {
            throw new InvalidArgumentException("key of " + key.length + " bytes exceeds maxKeySize " + options.maxKeySize());
        }
    }

    private void checkValue(byte[] value) {
        if (value == null) {
            throw new InvalidArgumentException("value must not be null");
        }
        if (value.length > options.maxValueSize()) {
            throw new InvalidArgumentException("value of " + value.length + " bytes exceeds maxValueSize "
                    + options.maxValueSize());
        }
    }

    private <T> CompletableFuture<T> async(Supplier<T> call) {
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
            handles.invalidateAll();
            if (syncTimer != null) {
                syncTimer.shutdown();
                awaitQuietly(syncTimer);
            }
            asyncExecutor.shutdown();
            awaitQuietly(asyncExecutor);
            StrataException failure = null;
            try {
                boolean none = options.durability() == Durability.NONE && !options.readOnly();
                if (options.readOnly()) {
                    tree.close(false, pipeline::lastSeqno);
                } else if (!none) {
                    try {
                        pipeline.close();
                        // Sealing rolled to an empty successor: segments the tables cover can go now.
                        pipeline.deleteObsoleteSegments(tree.flushedSeqno());
                    } finally {
                        // Even if sealing failed: the tree's jobs must stop before the lock goes.
                        tree.close(false, pipeline::lastSeqno);
                    }
                } else {
                    // NONE mode has no WAL: its clean close is a flush.
                    tree.close(true, pipeline::lastSeqno);
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

    /** An iterator registered with the handle registry; every step checks the database is open. */
    private final class IteratorHandle extends HandleRegistry.Handle implements StrataIterator<KeyValue> {
        private final DbIterator it;
        private final ReadView view;
        private boolean fetched;
        private boolean hasNext;
        private volatile boolean closedByUser;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        IteratorHandle(DbIterator it, ReadView view) {
            this.it = it;
            this.view = view;
        }

        /** Lets go of the tables this iterator held (once, by close or by the database's close). */
        private void releaseView() {
            if (released.compareAndSet(false, true)) {
                it.close();
                tree.release(view);
            }
        }

        private void checkOpen() {
            if (closedByUser) {
                throw new ClosedException("iterator is closed");
            }
            if (invalidated() || closed) {
                throw new ClosedException("database " + dir + " was closed while this iterator was open");
            }
        }

        @Override
        public boolean hasNext() {
            checkOpen();
            if (!fetched) {
                hasNext = it.advance();
                fetched = true;
            }
            return hasNext;
        }

        @Override
        public KeyValue next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            fetched = false;
            return new KeyValue(it.key(), it.value());
        }

        @Override
        protected void release() {
            releaseView();
        }

        @Override
        public void close() {
            if (!closedByUser) {
                closedByUser = true;
                handles.deregister(this);
                releaseView();
            }
        }
    }
}
