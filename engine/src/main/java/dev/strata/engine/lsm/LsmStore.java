package dev.strata.engine.lsm;

import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.CorruptionException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.manifest.ManifestState;
import dev.strata.engine.manifest.ManifestState.FamilyState;
import dev.strata.engine.sst.BlockCache;
import dev.strata.engine.sst.TableReader;
import dev.strata.engine.vfs.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.function.BiFunction;

/**
 * The column families' trees ({@link LsmTree}, one per family) and what they share: the manifest,
 * file numbers, the flush thread and the compaction thread, write stalls, the block cache and the
 * background error.
 *
 * <p>Who calls it: the database opener opens it; the commit pipeline and the memtable applier
 * find a family's tree by id ({@link #family(int)}), register families created or dropped by a
 * commit record, and wait in {@link #awaitWriteAllowed()}; the database reads through the trees.
 *
 * <p>The manifest names every family with the seqno up to which its data is in tables (its
 * flushed seqno). Recovery replays the WAL from the smallest of them, applying each op only to a
 * family that has not flushed it yet, so WAL segments are deleted once every family has flushed
 * past them. A family with nothing in its memtables does not hold the WAL back: each manifest
 * write records it as flushed up to the last applied commit ({@link #recordApplied}). And when
 * the WAL grows past its cap because one family's memtable holds old data, that family is
 * flushed.
 *
 * <p>Every manifest write first makes sure the WAL is durable up to the highest flushed seqno it
 * records ({@link WalSync}): otherwise a crash could leave the WAL ending before a seqno some
 * family already counts as flushed, and the next commit would reuse seqnos or leave a hole.
 *
 * <p>Invariants. {@link #installLock} guards the manifest, {@link #nextFileNumber},
 * {@link #nextFamilyId}, the family map's changes, and each tree's immutables, flushed seqno and
 * view changes.
 */
public final class LsmStore {
    private static final Logger LOG = LoggerFactory.getLogger(LsmStore.class);
    public static final String SST_DIR = "sst";

    /** How far the WAL is durable, and a way to make it so. */
    public interface WalSync {
        /** The seqno up to which the WAL is forced ({@code Long.MAX_VALUE} with no WAL). */
        long durableSeqno();

        /** Forces the WAL up to {@code seqno}; throws the pipeline's failure if it cannot. */
        void syncTo(long seqno);
    }

    final Storage storage;
    final Path dir;
    final Path sstDir;
    final LsmOptions options;
    final BlockCache cache;
    final LsmTree.SnapshotBoundaries snapshots;
    /** Wall clock (ms) for TTL expiry in compaction: the database's clock. */
    final LongSupplier clock;
    final boolean readOnly;

    final Object installLock = new Object();
    private long nextFileNumber;
    private int nextFamilyId;
    /** The next family id the manifest named at open: lower ids not in it were dropped. */
    private final int familyIdsIssuedAtOpen;
    private final Map<Integer, LsmTree> families = new ConcurrentHashMap<>();
    private volatile long persistedMinFlushed;
    private volatile long appliedSeqno;
    volatile boolean closing;
    private volatile Throwable backgroundError;

    private final LongConsumer onFlushed;
    private volatile WalSync walSync = NO_WAL;
    private volatile BooleanSupplier walOverCap = () -> false;
    private volatile Consumer<LsmTree> memtableSwitcher;

    final ExecutorService flusher;
    final ExecutorService compactor;
    private final ReentrantLock progressLock = new ReentrantLock();
    private final Condition progress = progressLock.newCondition();

    final LongAdder flushes = new LongAdder();
    final LongAdder compactions = new LongAdder();
    final LongAdder bytesFlushed = new LongAdder();
    final LongAdder compactionBytesRead = new LongAdder();
    final LongAdder compactionBytesWritten = new LongAdder();
    final LongAdder stalls = new LongAdder();
    final LongAdder stallNanos = new LongAdder();
    final LongAdder walCapFlushes = new LongAdder();

    private static final WalSync NO_WAL = new WalSync() {
        @Override
        public long durableSeqno() {
            return Long.MAX_VALUE;
        }

        @Override
        public void syncTo(long seqno) {
        }
    };

    private LsmStore(Storage storage, Path dir, LsmOptions options, BlockCache cache,
                     LsmTree.SnapshotBoundaries snapshots, LongConsumer onFlushed, boolean readOnly,
                     LongSupplier clock, ManifestState state) {
        this.storage = storage;
        this.dir = dir;
        this.sstDir = dir.resolve(SST_DIR);
        this.options = options;
        this.cache = cache;
        this.snapshots = snapshots;
        this.onFlushed = onFlushed;
        this.readOnly = readOnly;
        this.clock = clock;
        this.nextFileNumber = state.nextFileNumber();
        this.nextFamilyId = state.nextFamilyId();
        this.familyIdsIssuedAtOpen = state.nextFamilyId();
        this.persistedMinFlushed = state.minFlushedSeqno();
        // Only what every family has flushed is known to be applied until replay applies more:
        // a manifest written during replay (a compaction at open) must not count an empty
        // memtable as flushed past records not replayed yet.
        this.appliedSeqno = state.minFlushedSeqno();
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
     * Opens the trees in {@code dir}: reads the manifest, opens every table it names (a missing
     * or damaged table is corruption) and deletes table files it does not name (outputs of a
     * flush or compaction that crashed before its manifest was installed). {@code readOnly} opens
     * beside a running writer: nothing is created, deleted, flushed or compacted, and unnamed
     * table files are left alone (they may be the writer's flush in progress). {@code clock} is
     * the wall clock (ms) by which compaction judges TTL expiry. {@code onFlushed} receives the
     * seqno up to which every family is in tables, after each manifest write.
     */
    public static LsmStore open(Storage storage, Path dir, LsmOptions options, BlockCache cache,
                                LsmTree.SnapshotBoundaries snapshots, LongConsumer onFlushed, boolean readOnly,
                                LongSupplier clock) throws IOException {
        Path sstDir = dir.resolve(SST_DIR);
        if (!readOnly) {
            storage.createDirectories(sstDir);
        }
        ManifestState state = Manifest.read(storage, dir);
        LsmStore store = new LsmStore(storage, dir, options, cache, snapshots, onFlushed, readOnly, clock, state);
        Set<String> live = new HashSet<>();
        List<TableHandle> opened = new ArrayList<>();
        try {
            for (FamilyState fam : state.families()) {
                List<List<TableHandle>> levels = Version.emptyLevels();
                for (FileMeta m : fam.files()) {
                    Path p = sstDir.resolve(LsmTree.tableName(m.fileNumber()));
                    if (!storage.exists(p)) {
                        throw new CorruptionException(dir.resolve(Manifest.FILE), 0,
                                "the manifest names table " + p.getFileName() + ", which does not exist");
                    }
                    if (m.level() < 0 || m.level() >= Version.MAX_LEVELS) {
                        throw new CorruptionException(dir.resolve(Manifest.FILE), 0, "table " + m.fileNumber() + " on level " + m.level());
                    }
                    if (!live.add(p.getFileName().toString())) {
                        throw new CorruptionException(dir.resolve(Manifest.FILE), 0, "table " + m.fileNumber() + " is named twice");
                    }
                    TableHandle t = new TableHandle(m, TableReader.open(storage, p, m.fileNumber(), cache), storage, p);
                    opened.add(t);
                    levels.get(m.level()).add(t);
                }
                Version v = new Version(levels);
                v.refTables();
                store.families.put(fam.id(), new LsmTree(store, fam.id(), fam.name(), fam.flushedSeqno(), v));
            }
        } catch (RuntimeException e) {
            for (TableHandle t : opened) {
                t.closeReader();
            }
            store.flusher.shutdown();
            store.compactor.shutdown();
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
        for (LsmTree t : store.families.values()) {
            t.maybeScheduleCompaction(); // the tree may have been left with work to do
        }
        return store;
    }

    /**
     * Connects the store to the commit pipeline once it exists: how to make the WAL durable, when
     * the WAL is over its cap, and how to switch one family's memtable under the commit lock.
     */
    public void connect(WalSync sync, BooleanSupplier overCap, Consumer<LsmTree> switcher) {
        this.walSync = sync;
        this.walOverCap = overCap;
        this.memtableSwitcher = switcher;
    }

    // ------------------------------------------------------------------ families

    /** The tree of family {@code id}, or null if there is none (never created, or dropped). */
    public LsmTree family(int id) {
        return families.get(id);
    }

    /** The tree of the family named {@code name}, or null. */
    public LsmTree family(String name) {
        for (LsmTree t : families.values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    public LsmTree defaultFamily() {
        return families.get(ManifestState.DEFAULT_FAMILY_ID);
    }

    /** Every live family, by id. */
    public List<LsmTree> families() {
        List<LsmTree> all = new ArrayList<>(families.values());
        all.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return all;
    }

    /** Hands out the id for a family about to be created (never reused, even if the create fails). */
    public int reserveFamilyId() {
        synchronized (installLock) {
            return nextFamilyId++;
        }
    }

    /**
     * Whether {@code id} had been handed out when the manifest read at open was written: a record
     * replayed at open that names such an id the manifest lacks belongs to a dropped family.
     */
    public boolean issuedBeforeOpen(int id) {
        return id >= 0 && id < familyIdsIssuedAtOpen;
    }

    /**
     * Registers family {@code id}, created by the commit record {@code seqno} (which holds none of
     * its data, so the family starts flushed up to it). In memory only: {@link #persist()} writes
     * it to the manifest. Called under the commit lock, or by recovery.
     */
    public LsmTree addFamily(int id, String name, long seqno) {
        synchronized (installLock) {
            LsmTree t = new LsmTree(this, id, name, seqno, Version.empty());
            families.put(id, t);
            nextFamilyId = Math.max(nextFamilyId, id + 1);
            return t;
        }
    }

    /**
     * Removes family {@code id} from the live set (in memory; {@link #persist()} writes it). Its
     * tables are deleted by {@link #release(LsmTree)} once the manifest no longer names them.
     */
    public LsmTree removeFamily(int id) {
        synchronized (installLock) {
            LsmTree t = families.remove(id);
            if (t != null) {
                t.markDropped();
            }
            return t;
        }
    }

    /**
     * Lets go of a dropped family's tables (files are deleted once no reader holds them; in a
     * read-only open they are only closed).
     */
    public void release(LsmTree dropped) {
        dropped.releaseTables(!readOnly);
    }

    // ------------------------------------------------------------------ manifest

    /** Notes that every commit up to {@code seqno} has been applied to the memtables. */
    public void recordApplied(long seqno) {
        appliedSeqno = seqno;
    }

    /** Writes the manifest as the trees stand now (after a family is created or dropped). */
    public void persist() {
        try {
            install(null, null, -1, (cur, next) -> null);
        } catch (IOException e) {
            throw new StrataIOException("cannot write the manifest of " + dir, e);
        }
        afterManifestWrite();
    }

    /**
     * Writes a manifest in which {@code changed} (if not null) has the version {@code edit} makes
     * of its current one and, if {@code changedFlushed >= 0}, that flushed seqno; then, still
     * under the install lock, records the flushed seqnos written and calls {@code afterWrite}
     * with the old and the new version (the caller's in-memory switch). Returns its result, or
     * null without writing anything if {@code changed} was dropped. The WAL is first made durable
     * up to every flushed seqno the manifest will record, outside the lock (a commit may need the
     * lock to switch memtables while the WAL is forced).
     */
    <T> T install(LsmTree changed, UnaryOperator<Version> edit, long changedFlushed,
                  BiFunction<Version, Version, T> afterWrite) throws IOException {
        long need = 0;
        while (true) {
            walSync.syncTo(need);
            synchronized (installLock) {
                if (changed != null && changed.isDropped()) {
                    return null;
                }
                // Read before the trees: every commit up to it is applied, so a family found empty
                // after this read has nothing unflushed at or below it. Without a WAL (NONE) an
                // empty family keeps its flushed seqno: the tables are all recovery has, the seqno
                // counter resumes above the largest flushed seqno, and an empty family recorded
                // past the others' tables would claim commits a crash loses.
                long applied = walSync.durableSeqno() == Long.MAX_VALUE ? 0 : appliedSeqno;
                List<LsmTree> trees = families();
                long[] flushed = new long[trees.size()];
                long max = 0;
                for (int i = 0; i < trees.size(); i++) {
                    LsmTree t = trees.get(i);
                    flushed[i] = t == changed && changedFlushed >= 0 ? changedFlushed : t.flushedSeqnoForManifest(applied);
                    max = Math.max(max, flushed[i]);
                }
                if (walSync.durableSeqno() < max) {
                    need = max;
                    continue;
                }
                Version cur = changed == null ? null : changed.currentVersion();
                Version next = changed == null ? null : edit.apply(cur);
                List<FamilyState> fams = new ArrayList<>(trees.size());
                for (int i = 0; i < trees.size(); i++) {
                    LsmTree t = trees.get(i);
                    fams.add(new FamilyState(t.id(), t.name(), flushed[i], (t == changed ? next : t.currentVersion()).files()));
                }
                ManifestState state = new ManifestState(nextFileNumber, nextFamilyId, fams);
                Manifest.write(storage, dir, state);
                for (int i = 0; i < trees.size(); i++) {
                    trees.get(i).setFlushedSeqno(flushed[i]);
                }
                persistedMinFlushed = state.minFlushedSeqno();
                return afterWrite.apply(cur, next);
            }
        }
    }

    /** Tells the WAL which segments the tables now cover, and flushes a family that holds the WAL back. */
    void afterManifestWrite() {
        onFlushed.accept(persistedMinFlushed);
        Consumer<LsmTree> switcher = memtableSwitcher;
        if (switcher == null || readOnly || closing || !walOverCap.getAsBoolean()) {
            return;
        }
        LsmTree oldest = null;
        for (LsmTree t : families.values()) {
            if (t.hasUnflushedData() && !t.hasImmutables()
                    && (oldest == null || t.flushedSeqno() < oldest.flushedSeqno())) {
                oldest = t;
            }
        }
        if (oldest != null) {
            walCapFlushes.increment();
            switcher.accept(oldest);
        }
    }

    /** The highest flushed seqno of any family: the seqno counter resumes above it. */
    public long maxFlushedSeqno() {
        long max = 0;
        for (LsmTree t : families.values()) {
            max = Math.max(max, t.flushedSeqno());
        }
        return max;
    }

    /**
     * The trees as they stand, with every family's version held until {@link PinnedState#release()}
     * so none of its tables is deleted meanwhile: what a checkpoint copies. Each family's flushed
     * seqno is at most the WAL's durable seqno (a manifest names none beyond it).
     */
    public PinnedState pin() {
        synchronized (installLock) {
            List<FamilyState> fams = new ArrayList<>();
            List<Version> held = new ArrayList<>();
            List<Path> tables = new ArrayList<>();
            for (LsmTree t : families()) {
                Version v = t.currentVersion();
                if (!v.tryRef()) {
                    throw new IllegalStateException("the current version of a live family is released");
                }
                held.add(v);
                fams.add(new FamilyState(t.id(), t.name(), t.flushedSeqno(), v.files()));
                for (FileMeta m : v.files()) {
                    tables.add(sstDir.resolve(LsmTree.tableName(m.fileNumber())));
                }
            }
            return new PinnedState(new ManifestState(nextFileNumber, nextFamilyId, fams), tables, held);
        }
    }

    /** A manifest state whose tables are held on disk until released. */
    public static final class PinnedState {
        private final ManifestState state;
        private final List<Path> tables;
        private final List<Version> held;
        private boolean released;

        PinnedState(ManifestState state, List<Path> tables, List<Version> held) {
            this.state = state;
            this.tables = tables;
            this.held = held;
        }

        public ManifestState state() {
            return state;
        }

        /** The table files the state names, in the store's directory. */
        public List<Path> tables() {
            return tables;
        }

        public void release() {
            if (!released) {
                released = true;
                held.forEach(Version::unref);
            }
        }
    }

    /** The seqno up to which every family's data is in tables, as the manifest on disk says. */
    public long minFlushedSeqno() {
        return persistedMinFlushed;
    }

    long allocateFileNumber() {
        synchronized (installLock) {
            return nextFileNumber++;
        }
    }

    // ------------------------------------------------------------------ writes and stalls

    /**
     * Blocks the calling writer while too many memtables wait for flush or too many L0 tables
     * wait for compaction in any family (a counted write stall), instead of letting memory or
     * read cost grow without bound. Throws the background error if one is latched.
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
        if (closing || backgroundError != null) {
            return false;
        }
        for (LsmTree t : families.values()) {
            if (t.mustStall()) {
                return true;
            }
        }
        return false;
    }

    void signalProgress() {
        progressLock.lock();
        try {
            progress.signalAll();
        } finally {
            progressLock.unlock();
        }
    }

    /** Waits (uninterruptibly) until {@code done} holds or a background error is latched. */
    void awaitProgress(BooleanSupplier done) {
        progressLock.lock();
        try {
            while (true) {
                checkBackgroundError();
                if (done.getAsBoolean()) {
                    return;
                }
                progress.awaitUninterruptibly();
            }
        } finally {
            progressLock.unlock();
        }
    }

    /** Switches every family's memtable (under the commit lock) so all of them are flushed. */
    public void switchAll(long lastSeqno) {
        for (LsmTree t : families()) {
            t.switchMemtable(lastSeqno);
        }
    }

    /**
     * Flushes every family and waits until every memtable is in a table. {@code switcher}
     * switches the memtables under the commit lock and returns once they are queued.
     */
    public void flushAndWait(Runnable switcher) {
        checkBackgroundError();
        switcher.run();
        awaitProgress(() -> {
            synchronized (installLock) {
                for (LsmTree t : families.values()) {
                    if (t.hasImmutables()) {
                        return false;
                    }
                }
                return true;
            }
        });
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

    // ------------------------------------------------------------------ status and close

    /** The shape and counters of every family together. */
    public LsmStats stats() {
        return LsmStats.sum(families(), this);
    }

    /** Flushes forced because the WAL grew past its cap while a family's memtable held old data. */
    public long walCapFlushes() {
        return walCapFlushes.sum();
    }

    /**
     * Stops background work (waiting for a running flush or compaction to finish) and closes the
     * tables. When {@code flushFirst}, the memtables are flushed before (NONE mode's clean close).
     */
    public void close(boolean flushFirst, LongSupplier lastSeqno) {
        RuntimeException flushFailure = null;
        if (flushFirst && backgroundError == null) {
            try {
                flushAndWait(() -> switchAll(lastSeqno.getAsLong()));
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
        for (LsmTree t : families.values()) {
            t.currentVersion().closeReaders();
        }
        if (flushFailure != null) {
            throw flushFailure;
        }
    }
}
