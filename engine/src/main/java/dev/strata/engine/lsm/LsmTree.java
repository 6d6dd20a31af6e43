package dev.strata.engine.lsm;

import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.CorruptionException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.iterator.InternalIterator;
import dev.strata.engine.iterator.MemtableIterator;
import dev.strata.engine.iterator.MergingIterator;
import dev.strata.engine.iterator.TombstoneCheck;
import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.manifest.ManifestState;
import dev.strata.engine.memtable.MemKey;
import dev.strata.engine.memtable.Memtable;
import dev.strata.engine.sst.BlockCache;
import dev.strata.engine.sst.TableReader;
import dev.strata.engine.vfs.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The log-structured merge tree: the active memtable, immutable memtables waiting for flush, and
 * the SSTables by level. It owns the manifest, flushes (one background thread) and compactions
 * (another), write stalls, and the background error.
 *
 * <p>Who calls it: the commit pipeline inserts into {@link #activeMemtable()} and calls
 * {@link #switchMemtable} (under its append lock) when the memtable is full; the database reads
 * through {@link #acquire()} / {@link #get} / {@link #newIterator} / {@link #release}.
 *
 * <p>Invariants. {@link #installLock} guards the manifest, {@link #nextFileNumber},
 * {@link #flushedSeqno}, {@link #immutables} and every change of {@link #view}. Immutable
 * memtables are flushed oldest first, so the flushed seqno only grows, and every seqno at or
 * below it is in a table. A table file is deleted only after the manifest stops naming it and no
 * version holds it. A failed flush or compaction deletes nothing it read; it latches the
 * background error, which makes the database refuse writes while reads go on.
 */
public final class LsmTree {
    private static final Logger LOG = LoggerFactory.getLogger(LsmTree.class);
    public static final String SST_DIR = "sst";
    static final String SST_SUFFIX = ".sst";

    private final Storage storage;
    private final Path dir;
    private final Path sstDir;
    private final LsmOptions options;
    private final BlockCache cache;
    private final SnapshotBoundaries snapshots;
    private final LongConsumer onFlushed;
    /** Wall clock (ms) for TTL expiry in compaction: the database's clock. */
    private final java.util.function.LongSupplier clock;

    private final Object installLock = new Object();
    private long nextFileNumber;
    private long flushedSeqno;
    /** The last seqno of the newest memtable frozen so far (or the flushed seqno at open). */
    private long frozenSeqno;
    private final ArrayDeque<Frozen> immutables = new ArrayDeque<>();
    private volatile ReadView view;
    private volatile Throwable backgroundError;
    private boolean compactionScheduled;
    private volatile boolean closing;
    /** Opened beside a writer: never writes, deletes or compacts anything. */
    private final boolean readOnly;
    final byte[][] compactPointers = new byte[Version.MAX_LEVELS][];

    private final ExecutorService flusher;
    private final ExecutorService compactor;

    private final ReentrantLock progressLock = new ReentrantLock();
    private final Condition progress = progressLock.newCondition();

    final LongAdder flushes = new LongAdder();
    final LongAdder compactions = new LongAdder();
    final LongAdder bytesFlushed = new LongAdder();
    final LongAdder compactionBytesRead = new LongAdder();
    final LongAdder compactionBytesWritten = new LongAdder();
    final LongAdder stalls = new LongAdder();
    final LongAdder stallNanos = new LongAdder();

    /** A memtable that no longer takes writes, and the last seqno it holds. */
    private record Frozen(Memtable memtable, long lastSeqno) {
    }

    /**
     * The seqnos that a compaction must keep a version for: every open snapshot, and the newest
     * visible seqno (readers without a snapshot read there). Sorted ascending; the last element is
     * the visible seqno at the moment of the call.
     */
    @FunctionalInterface
    public interface SnapshotBoundaries {
        long[] current();
    }

    private LsmTree(Storage storage, Path dir, LsmOptions options, BlockCache cache, SnapshotBoundaries snapshots,
                    LongConsumer onFlushed, ManifestState state, Version version, boolean readOnly,
                    java.util.function.LongSupplier clock) {
        this.readOnly = readOnly;
        this.clock = clock;
        this.storage = storage;
        this.dir = dir;
        this.sstDir = dir.resolve(SST_DIR);
        this.options = options;
        this.cache = cache;
        this.snapshots = snapshots;
        this.onFlushed = onFlushed;
        this.nextFileNumber = state.nextFileNumber();
        this.flushedSeqno = state.flushedSeqno();
        this.frozenSeqno = state.flushedSeqno();
        this.view = new ReadView(new Memtable(), List.of(), version);
        this.flusher = singleThread("strata-flush");
        this.compactor = singleThread("strata-compact");
    }

    private static ExecutorService singleThread(String name) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the tree in {@code dir}: reads the manifest, opens every table it names (a missing
     * or damaged table is corruption) and deletes table files it does not name (outputs of a
     * flush or compaction that crashed before its manifest was installed).
     */
    public static LsmTree open(Storage storage, Path dir, LsmOptions options, BlockCache cache,
                               SnapshotBoundaries snapshots, LongConsumer onFlushed) throws IOException {
        return open(storage, dir, options, cache, snapshots, onFlushed, false, System::currentTimeMillis);
    }

    /**
     * As {@link #open}; {@code readOnly} opens beside a running writer: nothing is created,
     * deleted, flushed or compacted, and table files the manifest does not name are left alone
     * (they may be the writer's flush in progress). {@code clock} is the wall clock (ms) by which
     * compaction judges TTL expiry: the database's, so tests can fake it.
     */
    public static LsmTree open(Storage storage, Path dir, LsmOptions options, BlockCache cache,
                               SnapshotBoundaries snapshots, LongConsumer onFlushed, boolean readOnly,
                               java.util.function.LongSupplier clock) throws IOException {
        Path sstDir = dir.resolve(SST_DIR);
        if (!readOnly) {
            storage.createDirectories(sstDir);
        }
        ManifestState state = Manifest.read(storage, dir);
        List<List<TableHandle>> levels = new ArrayList<>();
        for (int i = 0; i < Version.MAX_LEVELS; i++) {
            levels.add(new ArrayList<>());
        }
        Set<String> live = new HashSet<>();
        List<TableHandle> opened = new ArrayList<>();
        try {
            for (FileMeta m : state.files()) {
                Path p = sstDir.resolve(tableName(m.fileNumber()));
                if (!storage.exists(p)) {
                    throw new CorruptionException(dir.resolve(Manifest.FILE), 0,
                            "the manifest names table " + p.getFileName() + ", which does not exist");
                }
                if (m.level() < 0 || m.level() >= Version.MAX_LEVELS) {
                    throw new CorruptionException(dir.resolve(Manifest.FILE), 0, "table " + m.fileNumber() + " on level " + m.level());
                }
                TableHandle t = new TableHandle(m, TableReader.open(storage, p, m.fileNumber(), cache), storage, p);
                opened.add(t);
                levels.get(m.level()).add(t);
                live.add(p.getFileName().toString());
            }
        } catch (RuntimeException e) {
            for (TableHandle t : opened) {
                t.closeReader();
            }
            throw e;
        }
        boolean deleted = false;
        for (String name : readOnly ? List.<String>of() : storage.list(sstDir)) {
            if (!live.contains(name)) {
                LOG.info("Deleting {}: not named by the manifest (left by an interrupted flush or compaction)", name);
                storage.delete(sstDir.resolve(name));
                deleted = true;
            }
        }
        if (deleted) {
            dev.strata.engine.util.CrashPoints.hit("recovery.orphans.deleted");
            storage.forceDirectory(sstDir);
        }
        Version v = new Version(levels);
        v.refTables();
        LsmTree tree = new LsmTree(storage, dir, options, cache, snapshots, onFlushed, state, v, readOnly, clock);
        tree.maybeScheduleCompaction(); // the tree may have been left with work to do
        return tree;
    }

    static String tableName(long fileNumber) {
        return String.format("%020d%s", fileNumber, SST_SUFFIX);
    }

    Path tablePath(long fileNumber) {
        return sstDir.resolve(tableName(fileNumber));
    }

    // ------------------------------------------------------------------ writes

    /** The memtable commits insert into (read under the commit pipeline's append lock). */
    public Memtable activeMemtable() {
        return view.active();
    }

    /** The seqno up to which every commit is in a table. */
    public long flushedSeqno() {
        synchronized (installLock) {
            return flushedSeqno;
        }
    }

    public long memtableSize() {
        return options.memtableSize();
    }

    /**
     * Makes the active memtable immutable and schedules its flush. Called under the commit
     * pipeline's append lock, so the memtable holds exactly the seqnos up to {@code lastSeqno}.
     * Returns the new active memtable (the same one if it was empty).
     */
    public Memtable switchMemtable(long lastSeqno) {
        synchronized (installLock) {
            ReadView v = view;
            // An empty memtable is still frozen when seqnos went by (empty batches, empty
            // ranges): its flush records them as flushed, which NONE mode needs at close.
            if (v.active().isEmpty() && lastSeqno <= frozenSeqno) {
                return v.active();
            }
            frozenSeqno = lastSeqno;
            immutables.addLast(new Frozen(v.active(), lastSeqno));
            List<Memtable> imm = new ArrayList<>(v.immutables().size() + 1);
            imm.add(v.active());
            imm.addAll(v.immutables());
            Memtable fresh = new Memtable();
            view = new ReadView(fresh, List.copyOf(imm), v.version());
            if (!closing) {
                flusher.execute(this::flushOne);
            }
            return fresh;
        }
    }

    /**
     * Blocks the calling writer while too many memtables wait for flush or too many L0 tables
     * wait for compaction (a counted write stall), instead of letting memory or read cost grow
     * without bound. Throws the background error if one is latched.
     */
    public void awaitWriteAllowed() {
        checkBackgroundError();
        if (!mustStall()) {
            return;
        }
        long start = System.nanoTime();
        stalls.increment();
        progressLock.lock();
        try {
            while (mustStall()) {
                checkBackgroundError();
                progress.awaitUninterruptibly();
            }
        } finally {
            progressLock.unlock();
            stallNanos.add(System.nanoTime() - start);
        }
        checkBackgroundError();
    }

    private boolean mustStall() {
        ReadView v = view;
        return !closing && backgroundError == null
                && (v.immutables().size() >= options.maxImmutableMemtables()
                || v.version().fileCount(0) >= options.l0StopWritesTrigger());
    }

    private void signalProgress() {
        progressLock.lock();
        try {
            progress.signalAll();
        } finally {
            progressLock.unlock();
        }
    }

    public Throwable backgroundError() {
        return backgroundError;
    }

    public void checkBackgroundError() {
        Throwable e = backgroundError;
        if (e != null) {
            throw e instanceof CorruptionException c ? c
                    : new BackgroundErrorException("a background flush or compaction failed; writes are refused until the database is reopened", e);
        }
    }

    void setBackgroundError(Throwable e) {
        if (backgroundError == null) {
            backgroundError = e;
            LOG.error("Background job of {} failed; the database now refuses writes (reads go on)", dir, e);
        }
        signalProgress();
    }

    // ------------------------------------------------------------------ flush

    /** Flushes the oldest immutable memtable to an L0 table and installs it. */
    private void flushOne() {
        if (backgroundError != null) {
            return;
        }
        Frozen f;
        long number;
        synchronized (installLock) {
            f = immutables.peekFirst();
            if (f == null) {
                return;
            }
            number = nextFileNumber++;
        }
        try {
            TableHandle t = null;
            if (!f.memtable().isEmpty()) {
                t = TableBuilder.writeMemtable(storage, tablePath(number), number, f.memtable(),
                        options.tablesFor(0), cache);
                bytesFlushed.add(t.meta().fileSize());
            }
            dev.strata.engine.util.CrashPoints.hit("flush.table.written");
            synchronized (installLock) {
                Version cur = view.version();
                List<List<TableHandle>> levels = cur.copyLevels();
                if (t != null) {
                    levels.get(0).add(t);
                }
                Version next = new Version(levels);
                Manifest.write(storage, dir, new ManifestState(nextFileNumber, f.lastSeqno(), next.files()));
                next.refTables();
                immutables.removeFirst();
                flushedSeqno = f.lastSeqno();
                ReadView v = view;
                List<Memtable> imm = new ArrayList<>(v.immutables());
                imm.remove(f.memtable());
                view = new ReadView(v.active(), List.copyOf(imm), next);
                cur.unref();
            }
            dev.strata.engine.util.CrashPoints.hit("flush.installed");
            flushes.increment();
            onFlushed.accept(f.lastSeqno());
            signalProgress();
            maybeScheduleCompaction();
        } catch (IOException e) {
            setBackgroundError(new StrataIOException("flush of the memtable to table " + number + " failed", e));
        } catch (RuntimeException | Error e) {
            setBackgroundError(e);
        }
    }

    /**
     * Flushes the active memtable and waits until every memtable is in a table. {@code switcher}
     * switches the memtable under the commit lock and returns once it is queued.
     */
    public void flushAndWait(Runnable switcher) {
        checkBackgroundError();
        switcher.run();
        progressLock.lock();
        try {
            while (true) {
                checkBackgroundError();
                synchronized (installLock) {
                    if (immutables.isEmpty()) {
                        return;
                    }
                }
                progress.awaitUninterruptibly();
            }
        } finally {
            progressLock.unlock();
        }
    }

    /**
     * Flushes during recovery, on the recovering thread: the WAL being replayed can be larger than
     * memory, so the memtable is written out each time it fills.
     */
    public void flushDuringRecovery(long lastSeqno) {
        switchMemtable(lastSeqno);
        flushAndWait(() -> { });
    }

    // ------------------------------------------------------------------ compaction

    void maybeScheduleCompaction() {
        synchronized (installLock) {
            if (compactionScheduled || closing || backgroundError != null || readOnly) {
                return;
            }
            if (CompactionPicker.pick(view.version(), options, compactPointers) == null) {
                return;
            }
            compactionScheduled = true;
            compactor.execute(this::compactLoop);
        }
    }

    private void compactLoop() {
        try {
            while (!closing && backgroundError == null) {
                Compaction c;
                Version base;
                synchronized (installLock) {
                    base = view.version();
                    c = CompactionPicker.pick(base, options, compactPointers);
                    if (c == null) {
                        compactionScheduled = false;
                        return;
                    }
                    if (!base.tryRef()) {
                        continue;
                    }
                }
                try {
                    runCompaction(c, base);
                } finally {
                    base.unref();
                }
            }
        } catch (IOException e) {
            setBackgroundError(new StrataIOException("compaction failed", e));
        } catch (RuntimeException | Error e) {
            setBackgroundError(e);
        } finally {
            synchronized (installLock) {
                compactionScheduled = false;
            }
        }
    }

    /** Runs one compaction and installs its outputs. */
    void runCompaction(Compaction c, Version base) throws IOException {
        List<TableHandle> outputs;
        if (c.isTrivialMove()) {
            outputs = c.inputs();
        } else {
            CompactionJob job = new CompactionJob(c, base, options, snapshots.current(), this::allocateFileNumber,
                    this::tablePath, storage, cache, clock.getAsLong());
            outputs = job.run();
            compactionBytesRead.add(job.bytesRead());
            compactionBytesWritten.add(job.bytesWritten());
        }
        dev.strata.engine.util.CrashPoints.hit("compaction.outputs.written");
        synchronized (installLock) {
            Version cur = view.version();
            List<List<TableHandle>> levels = cur.copyLevels();
            for (TableHandle in : c.inputs()) {
                for (List<TableHandle> l : levels) {
                    l.remove(in);
                }
            }
            levels.get(c.outputLevel()).addAll(outputs);
            Version next = new Version(levels);
            Manifest.write(storage, dir, new ManifestState(nextFileNumber, flushedSeqno, next.files()));
            dev.strata.engine.util.CrashPoints.hit("compaction.installed");
            next.refTables();
            ReadView v = view;
            view = new ReadView(v.active(), v.immutables(), next);
            cur.unref();
        }
        compactions.increment();
        signalProgress();
    }

    private long allocateFileNumber() {
        synchronized (installLock) {
            return nextFileNumber++;
        }
    }

    /**
     * Compacts every table overlapping [start, end] (null for open) down to the deepest level
     * holding data, level by level, on the compaction thread (so background compactions wait),
     * and returns when done.
     */
    public void compactRange(byte[] start, byte[] end) {
        checkBackgroundError();
        try {
            compactor.submit(() -> {
                // Down to the deepest level that holds data (at least L1), as RocksDB's CompactRange:
                // pushing everything to L6 would only make later compactions rewrite more.
                int target;
                synchronized (installLock) {
                    target = Math.max(1, view.version().bottomLevel());
                }
                for (int level = 0; level < target; level++) {
                    while (true) {
                        Compaction c;
                        Version base;
                        synchronized (installLock) {
                            base = view.version();
                            c = CompactionPicker.forRange(base, level, start, end);
                            if (c == null || !base.tryRef()) {
                                break;
                            }
                        }
                        try {
                            runCompaction(c, base);
                        } finally {
                            base.unref();
                        }
                        if (c.isTrivialMove() || c.outputLevel() != level) {
                            break;
                        }
                    }
                }
                // Then rewrite what the range holds at the bottom itself.
                Compaction last;
                Version base;
                synchronized (installLock) {
                    base = view.version();
                    last = CompactionPicker.inPlace(base, target, start, end);
                    if (last == null || !base.tryRef()) {
                        return null;
                    }
                }
                try {
                    runCompaction(last, base);
                } finally {
                    base.unref();
                }
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.strata.engine.StrataInterruptedException("interrupted while compacting; the compaction goes on", e);
        } catch (java.util.concurrent.ExecutionException e) {
            // A failed compaction latches like a background one (DESIGN.md: writes refused until
            // reopen), whatever it failed with; the caller gets the latched error.
            setBackgroundError(e.getCause());
            checkBackgroundError();
            throw new IllegalStateException(e.getCause());
        }
    }

    // ------------------------------------------------------------------ reads

    /** Takes the current view, with its version held until {@link #release}. */
    public ReadView acquire() {
        while (true) {
            ReadView v = view;
            if (v.version().tryRef()) {
                return v;
            }
        }
    }

    public void release(ReadView v) {
        v.version().unref();
    }

    /** The value of {@code key} at {@code snapshot} in {@code v} as of wall time {@code now}, or null. */
    public byte[] get(ReadView v, byte[] key, long snapshot, long now) {
        LookupResult st = new LookupResult();
        st.now = now;
        if (probe(v.active(), key, snapshot, st)) {
            return st.value;
        }
        for (Memtable m : v.immutables()) {
            if (probe(m, key, snapshot, st)) {
                return st.value;
            }
        }
        v.version().get(key, snapshot, st);
        return st.value;
    }

    private static boolean probe(Memtable m, byte[] key, long snapshot, LookupResult st) {
        st.coverTombstone(m.rangeTombstones().maxCoveringSeqno(key, snapshot));
        Map.Entry<MemKey, Object> e = m.find(key, snapshot);
        if (e == null) {
            return false;
        }
        Object value = e.getValue();
        st.found(e.getKey().seqno(), value == Memtable.TOMBSTONE ? null : Memtable.valueOf(value).clone(),
                Memtable.expiresAtOf(value));
        return true;
    }

    /** A merged iterator over every source of {@code v}. */
    public InternalIterator newIterator(ReadView v) {
        List<InternalIterator> children = new ArrayList<>();
        children.add(new MemtableIterator(v.active()));
        for (Memtable m : v.immutables()) {
            children.add(new MemtableIterator(m));
        }
        v.version().addIterators(children);
        return children.size() == 1 ? children.get(0) : new MergingIterator(children);
    }

    /** The range-tombstone check over every source of {@code v}. */
    public TombstoneCheck tombstones(ReadView v) {
        List<TombstoneCheck> checks = new ArrayList<>();
        checks.add(v.active().rangeTombstones()::maxCoveringSeqno);
        for (Memtable m : v.immutables()) {
            if (!m.rangeTombstones().isEmpty()) {
                checks.add(m.rangeTombstones()::maxCoveringSeqno);
            }
        }
        v.version().addTombstoneChecks(checks);
        if (checks.size() == 1) {
            return checks.get(0);
        }
        TombstoneCheck[] all = checks.toArray(new TombstoneCheck[0]);
        return (key, snapshot) -> {
            long max = 0;
            for (TombstoneCheck c : all) {
                max = Math.max(max, c.maxCoveringSeqno(key, snapshot));
            }
            return max;
        };
    }

    // ------------------------------------------------------------------ status and close

    /** A snapshot of the tree's shape and counters. */
    public LsmStats stats() {
        ReadView v = view;
        long[] levelBytes = new long[Version.MAX_LEVELS];
        int[] levelFiles = new int[Version.MAX_LEVELS];
        for (int i = 0; i < Version.MAX_LEVELS; i++) {
            levelBytes[i] = v.version().levelBytes(i);
            levelFiles[i] = v.version().fileCount(i);
        }
        long memBytes = v.active().approximateBytes();
        for (Memtable m : v.immutables()) {
            memBytes += m.approximateBytes();
        }
        return new LsmStats(levelFiles, levelBytes, memBytes, v.immutables().size(), flushes.sum(), compactions.sum(),
                bytesFlushed.sum(), compactionBytesRead.sum(), compactionBytesWritten.sum(), stalls.sum(),
                stallNanos.sum() / 1_000_000, cache == null ? 0 : cache.hits(), cache == null ? 0 : cache.misses());
    }

    /**
     * Stops background work (waiting for a running flush or compaction to finish) and closes the
     * tables. When {@code flushFirst}, the memtables are flushed before (NONE mode's clean close).
     */
    public void close(boolean flushFirst, Supplier<Long> lastSeqno) {
        RuntimeException flushFailure = null;
        if (flushFirst && backgroundError == null) {
            try {
                flushAndWait(() -> switchMemtable(lastSeqno.get()));
            } catch (RuntimeException e) {
                flushFailure = e; // the threads stop and the tables close all the same
            }
        }
        synchronized (installLock) {
            closing = true;
        }
        signalProgress();
        flusher.shutdown();
        compactor.shutdown();
        try {
            if (!flusher.awaitTermination(60, TimeUnit.SECONDS) || !compactor.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("Background jobs of {} did not finish within 60 s of close", dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        view.version().closeReaders();
        if (flushFailure != null) {
            throw flushFailure;
        }
    }
}
