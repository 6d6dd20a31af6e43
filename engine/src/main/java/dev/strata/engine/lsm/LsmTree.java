package dev.strata.engine.lsm;

import dev.strata.engine.StrataIOException;
import dev.strata.engine.iterator.InternalIterator;
import dev.strata.engine.iterator.MemtableIterator;
import dev.strata.engine.iterator.MergingIterator;
import dev.strata.engine.iterator.TombstoneCheck;
import dev.strata.engine.memtable.MemKey;
import dev.strata.engine.memtable.Memtable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One column family's log-structured merge tree: the active memtable, immutable memtables
 * waiting for flush, and the SSTables by level. The family's flushes and compactions run on the
 * {@link LsmStore}'s shared threads and install through its manifest.
 *
 * <p>Who calls it: the commit pipeline inserts into {@link #activeMemtable()} and calls
 * {@link #switchMemtable} (under its append lock) when the memtable is full; the database reads
 * through {@link #acquire()} / {@link #get} / {@link #newIterator} / {@link #release}.
 *
 * <p>Invariants. The store's install lock guards {@link #flushedSeqno}, {@link #immutables},
 * {@link #dropped} and every change of {@link #view}. Immutable memtables are flushed oldest
 * first, so the flushed seqno only grows, and every seqno of this family at or below it is in a
 * table. A table file is deleted only after the manifest stops naming it and no version holds
 * it. A failed flush or compaction deletes nothing it read; it latches the store's background
 * error, which makes the database refuse writes while reads go on.
 */
public final class LsmTree {
    static final String SST_SUFFIX = ".sst";

    private final LsmStore store;
    private final int id;
    private final String name;
    private final LsmOptions options;

    private long flushedSeqno;
    /** The last seqno of the newest memtable frozen so far (or the flushed seqno at open). */
    private long frozenSeqno;
    private final ArrayDeque<Frozen> immutables = new ArrayDeque<>();
    private volatile ReadView view;
    private boolean compactionScheduled;
    private volatile boolean dropped;
    final byte[][] compactPointers = new byte[Version.MAX_LEVELS][];

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

    LsmTree(LsmStore store, int id, String name, long flushedSeqno, Version version) {
        this.store = store;
        this.id = id;
        this.name = name;
        this.options = store.options;
        this.flushedSeqno = flushedSeqno;
        this.frozenSeqno = flushedSeqno;
        this.view = new ReadView(new Memtable(), List.of(), version);
    }

    static String tableName(long fileNumber) {
        return String.format("%020d%s", fileNumber, SST_SUFFIX);
    }

    Path tablePath(long fileNumber) {
        return store.sstDir.resolve(tableName(fileNumber));
    }

    /** The column family's id, as commit records name it. */
    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** Whether the family was dropped: its tables go once no reader holds them. */
    public boolean isDropped() {
        return dropped;
    }

    // ------------------------------------------------------------------ writes

    /** The memtable commits insert into (read under the commit pipeline's append lock). */
    public Memtable activeMemtable() {
        return view.active();
    }

    /** The seqno up to which every commit of this family is in a table. */
    public long flushedSeqno() {
        synchronized (store.installLock) {
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
        synchronized (store.installLock) {
            ReadView v = view;
            // An empty memtable is still frozen when seqnos went by (empty batches, empty
            // ranges): its flush records them as flushed, which NONE mode needs at close.
            if (dropped || (v.active().isEmpty() && lastSeqno <= frozenSeqno)) {
                return v.active();
            }
            frozenSeqno = lastSeqno;
            immutables.addLast(new Frozen(v.active(), lastSeqno));
            List<Memtable> imm = new ArrayList<>(v.immutables().size() + 1);
            imm.add(v.active());
            imm.addAll(v.immutables());
            Memtable fresh = new Memtable();
            view = new ReadView(fresh, List.copyOf(imm), v.version());
            if (!store.closing) {
                store.flusher.execute(this::flushOne);
            }
            return fresh;
        }
    }

    boolean mustStall() {
        ReadView v = view;
        return v.immutables().size() >= options.maxImmutableMemtables()
                || v.version().fileCount(0) >= options.l0StopWritesTrigger();
    }

    /** Under the install lock. */
    boolean hasImmutables() {
        return !immutables.isEmpty();
    }

    /** Whether any memtable holds data not yet in a table. */
    boolean hasUnflushedData() {
        ReadView v = view;
        return !v.active().isEmpty() || !v.immutables().isEmpty();
    }

    /**
     * The flushed seqno to record in the manifest: with nothing in its memtables, the family has
     * nothing unflushed up to {@code applied} (every commit up to it is applied), so it does not
     * hold back the deletion of WAL segments. Under the install lock.
     */
    long flushedSeqnoForManifest(long applied) {
        return immutables.isEmpty() && view.active().isEmpty() ? Math.max(flushedSeqno, applied) : flushedSeqno;
    }

    /** Records the flushed seqno just written to the manifest. Under the install lock. */
    void setFlushedSeqno(long seqno) {
        flushedSeqno = Math.max(flushedSeqno, seqno);
        frozenSeqno = Math.max(frozenSeqno, flushedSeqno);
    }

    Version currentVersion() {
        return view.version();
    }

    /** Under the install lock: no flush or compaction installs anything for this family from now on. */
    void markDropped() {
        dropped = true;
        immutables.clear();
    }

    /** Drops the tree's own hold on its tables (deleting them when no reader holds them), or only closes them. */
    void releaseTables(boolean delete) {
        Version v;
        synchronized (store.installLock) {
            v = view.version();
            view = new ReadView(new Memtable(), List.of(), Version.empty());
        }
        if (delete) {
            v.unref();
        } else {
            v.closeReaders();
        }
    }

    // ------------------------------------------------------------------ flush

    /** Flushes the oldest immutable memtable to an L0 table and installs it. */
    private void flushOne() {
        if (store.backgroundError() != null) {
            return;
        }
        Frozen f;
        long number;
        synchronized (store.installLock) {
            f = immutables.peekFirst();
            if (f == null || dropped) {
                return;
            }
            number = store.allocateFileNumber();
        }
        try {
            TableHandle t = null;
            if (!f.memtable().isEmpty()) {
                t = TableBuilder.writeMemtable(store.storage, tablePath(number), number, f.memtable(),
                        options.tablesFor(0), store.cache);
                store.bytesFlushed.add(t.meta().fileSize());
            }
            dev.strata.engine.util.CrashPoints.hit("flush.table.written");
            TableHandle table = t;
            Boolean done = store.install(this, cur -> {
                List<List<TableHandle>> levels = cur.copyLevels();
                if (table != null) {
                    levels.get(0).add(table);
                }
                return new Version(levels);
            }, f.lastSeqno(), (cur, next) -> {
                next.refTables();
                immutables.removeFirst();
                ReadView v = view;
                List<Memtable> imm = new ArrayList<>(v.immutables());
                imm.remove(f.memtable());
                view = new ReadView(v.active(), List.copyOf(imm), next);
                cur.unref();
                return Boolean.TRUE;
            });
            boolean installed = done != null;
            if (!installed && table != null) {
                table.discard();
            }
            dev.strata.engine.util.CrashPoints.hit("flush.installed");
            store.flushes.increment();
            // WAL segments the table now covers go before waiters hear of the flush, so a flush()
            // returns with them deleted.
            store.afterManifestWrite();
            store.signalProgress();
            maybeScheduleCompaction();
        } catch (IOException e) {
            store.setBackgroundError(new StrataIOException("flush of the memtable of column family '" + name
                    + "' to table " + number + " failed", e));
        } catch (RuntimeException | Error e) {
            store.setBackgroundError(e);
        }
    }

    /**
     * Flushes during recovery, on the recovering thread: the WAL being replayed can be larger than
     * memory, so the memtable is written out each time it fills.
     */
    public void flushDuringRecovery(long lastSeqno) {
        switchMemtable(lastSeqno);
        store.awaitProgress(() -> {
            synchronized (store.installLock) {
                return immutables.isEmpty();
            }
        });
    }

    // ------------------------------------------------------------------ compaction

    void maybeScheduleCompaction() {
        synchronized (store.installLock) {
            if (compactionScheduled || store.closing || store.backgroundError() != null || store.readOnly || dropped) {
                return;
            }
            if (CompactionPicker.pick(view.version(), options, compactPointers) == null) {
                return;
            }
            compactionScheduled = true;
            store.compactor.execute(this::compactLoop);
        }
    }

    private void compactLoop() {
        try {
            while (!store.closing && store.backgroundError() == null && !dropped) {
                Compaction c;
                Version base;
                synchronized (store.installLock) {
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
            store.setBackgroundError(new StrataIOException("compaction of column family '" + name + "' failed", e));
        } catch (RuntimeException | Error e) {
            store.setBackgroundError(e);
        } finally {
            synchronized (store.installLock) {
                compactionScheduled = false;
            }
        }
    }

    /**
     * Runs one compaction and installs its outputs. Compactions of a family run one at a time
     * on the compaction thread, so only a flush (which adds to L0) can install meanwhile.
     */
    void runCompaction(Compaction c, Version base) throws IOException {
        List<TableHandle> outputs;
        if (c.isTrivialMove()) {
            outputs = c.inputs();
        } else {
            CompactionJob job = new CompactionJob(c, base, options, store.snapshots.current(), store::allocateFileNumber,
                    this::tablePath, store.storage, store.cache, store.clock.getAsLong());
            outputs = job.run();
            store.compactionBytesRead.add(job.bytesRead());
            store.compactionBytesWritten.add(job.bytesWritten());
        }
        dev.strata.engine.util.CrashPoints.hit("compaction.outputs.written");
        Boolean done = store.install(this, cur -> {
            List<List<TableHandle>> levels = cur.copyLevels();
            for (TableHandle in : c.inputs()) {
                for (List<TableHandle> l : levels) {
                    l.remove(in);
                }
            }
            levels.get(c.outputLevel()).addAll(outputs);
            return new Version(levels);
        }, -1, (cur, next) -> {
            dev.strata.engine.util.CrashPoints.hit("compaction.installed");
            next.refTables();
            ReadView v = view;
            view = new ReadView(v.active(), v.immutables(), next);
            cur.unref();
            return Boolean.TRUE;
        });
        boolean installed = done != null;
        if (!installed && !c.isTrivialMove()) {
            for (TableHandle t : outputs) {
                t.discard();
            }
        }
        store.compactions.increment();
        store.afterManifestWrite();
        store.signalProgress();
    }

    /**
     * Compacts every table overlapping [start, end] (null for open) down to the deepest level
     * holding data, level by level, on the compaction thread (so background compactions wait),
     * and returns when done.
     */
    public void compactRange(byte[] start, byte[] end) {
        store.checkBackgroundError();
        try {
            store.compactor.submit(() -> {
                // Down to the deepest level that holds data (at least L1), as RocksDB's CompactRange:
                // pushing everything to L6 would only make later compactions rewrite more.
                int target;
                synchronized (store.installLock) {
                    target = Math.max(1, view.version().bottomLevel());
                }
                for (int level = 0; level < target; level++) {
                    while (true) {
                        Compaction c;
                        Version base;
                        synchronized (store.installLock) {
                            base = view.version();
                            c = dropped ? null : CompactionPicker.forRange(base, level, start, end);
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
                synchronized (store.installLock) {
                    base = view.version();
                    last = dropped ? null : CompactionPicker.inPlace(base, target, start, end);
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
            store.setBackgroundError(e.getCause());
            store.checkBackgroundError();
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

    /** This family's shape; the work counters are the store's, shared by every family. */
    public LsmStats stats() {
        return LsmStats.sum(List.of(this), store);
    }

    ReadView currentView() {
        return view;
    }
}
