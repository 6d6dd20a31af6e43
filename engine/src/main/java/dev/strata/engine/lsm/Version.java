package dev.strata.engine.lsm;

import dev.strata.engine.iterator.InternalIterator;
import dev.strata.engine.iterator.TombstoneCheck;
import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.sst.TableEntry;
import dev.strata.engine.util.Bytes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An immutable set of live SSTables by level: L0 newest first (its tables may overlap), every
 * other level sorted by key with disjoint point keys. Every flush and compaction installs a new
 * version; readers and iterators hold the one they started with.
 *
 * <p>Reference-counted: the tree holds the current version (one reference) and each reader
 * holds one while it reads; {@link #tryRef()} fails on a version already released, so a reader
 * that raced with an install retries with the new current version. A version's release drops its
 * references on its tables.
 */
public final class Version {
    public static final int MAX_LEVELS = 7;

    private final List<List<TableHandle>> levels;
    private final AtomicInteger refs = new AtomicInteger(1);

    /** Builds a version over tables; takes one reference on each table for this version. */
    Version(List<List<TableHandle>> levels) {
        List<List<TableHandle>> copy = new ArrayList<>(MAX_LEVELS);
        for (int i = 0; i < MAX_LEVELS; i++) {
            List<TableHandle> l = new ArrayList<>(i < levels.size() ? levels.get(i) : List.of());
            if (i == 0) {
                l.sort(Comparator.comparingLong((TableHandle t) -> t.meta().largestSeqno()).reversed());
            } else {
                l.sort((a, b) -> Bytes.compare(a.meta().smallestKey(), b.meta().smallestKey()));
            }
            copy.add(List.copyOf(l));
        }
        this.levels = List.copyOf(copy);
    }

    static Version empty() {
        return new Version(List.of());
    }

    /** A fresh, mutable list of empty levels, to build a version from. */
    static List<List<TableHandle>> emptyLevels() {
        List<List<TableHandle>> levels = new ArrayList<>(MAX_LEVELS);
        for (int i = 0; i < MAX_LEVELS; i++) {
            levels.add(new ArrayList<>());
        }
        return levels;
    }

    /** Takes a reference on every table (called once by whoever builds and installs this version). */
    void refTables() {
        for (List<TableHandle> l : levels) {
            for (TableHandle t : l) {
                t.ref();
            }
        }
    }

    boolean tryRef() {
        int r;
        do {
            r = refs.get();
            if (r <= 0) {
                return false;
            }
        } while (!refs.compareAndSet(r, r + 1));
        return true;
    }

    void unref() {
        if (refs.decrementAndGet() == 0) {
            for (List<TableHandle> l : levels) {
                for (TableHandle t : l) {
                    t.unref();
                }
            }
        }
    }

    public List<TableHandle> level(int i) {
        return levels.get(i);
    }

    /** Every table's description, with the level this version puts it at. */
    public List<FileMeta> files() {
        List<FileMeta> all = new ArrayList<>();
        for (int i = 0; i < MAX_LEVELS; i++) {
            for (TableHandle t : levels.get(i)) {
                all.add(t.meta().withLevel(i));
            }
        }
        return all;
    }

    /** A mutable copy of the level lists, for building the next version. */
    List<List<TableHandle>> copyLevels() {
        List<List<TableHandle>> copy = new ArrayList<>(MAX_LEVELS);
        for (List<TableHandle> l : levels) {
            copy.add(new ArrayList<>(l));
        }
        return copy;
    }

    public int fileCount(int level) {
        return levels.get(level).size();
    }

    public long levelBytes(int i) {
        long n = 0;
        for (TableHandle t : levels.get(i)) {
            n += t.meta().fileSize();
        }
        return n;
    }

    /** The deepest level holding any table, or -1. */
    public int bottomLevel() {
        for (int i = MAX_LEVELS - 1; i >= 0; i--) {
            if (!levels.get(i).isEmpty()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Looks {@code key} up in the tables, newest first, continuing a lookup that found nothing
     * in the memtables. {@code state} carries the newest covering range tombstone seen so far.
     */
    LookupResult get(byte[] key, long snapshot, LookupResult state) {
        for (TableHandle t : levels.get(0)) {
            if (t.meta().mayContain(key) && probe(t, key, snapshot, state)) {
                return state;
            }
        }
        for (int i = 1; i < MAX_LEVELS; i++) {
            List<TableHandle> l = levels.get(i);
            if (l.isEmpty()) {
                continue;
            }
            // Tables of a level may touch at one boundary key (a clipped range tombstone's end),
            // so look at the first table whose range can hold the key and at the one after it.
            int lo = 0;
            int hi = l.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (Bytes.compare(l.get(mid).meta().largestKey(), key) < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            for (int j = lo; j < l.size() && j <= lo + 1; j++) {
                TableHandle t = l.get(j);
                if (t.meta().mayContain(key) && probe(t, key, snapshot, state)) {
                    return state;
                }
            }
        }
        return state;
    }

    /** Consults one table; true when it decided the lookup. */
    private static boolean probe(TableHandle t, byte[] key, long snapshot, LookupResult state) {
        if (t.hasRangeTombstones()) {
            state.coverTombstone(t.reader().maxCoveringRangeTombstone(key, snapshot));
        }
        TableEntry e = t.reader().get(key, snapshot);
        if (e == null) {
            return false;
        }
        state.found(e.seqno(), e.isTombstone() ? null : e.value(),
                e.kind() == dev.strata.engine.sst.TableFormat.KIND_PUT_TTL ? e.expiresAt() : 0L);
        return true;
    }

    /** Adds one iterator per L0 table and one per deeper level. */
    void addIterators(List<InternalIterator> out) {
        for (TableHandle t : levels.get(0)) {
            out.add(new TableInternalIterator(t));
        }
        for (int i = 1; i < MAX_LEVELS; i++) {
            if (!levels.get(i).isEmpty()) {
                out.add(new LevelIterator(levels.get(i)));
            }
        }
    }

    /** Adds a tombstone check for every table that has range tombstones. */
    void addTombstoneChecks(List<TombstoneCheck> out) {
        for (List<TableHandle> l : levels) {
            for (TableHandle t : l) {
                if (t.hasRangeTombstones()) {
                    out.add(t.reader()::maxCoveringRangeTombstone);
                }
            }
        }
    }

    /** Closes every reader without deleting files: the database is closing. */
    void closeReaders() {
        for (List<TableHandle> l : levels) {
            for (TableHandle t : l) {
                t.closeReader();
            }
        }
    }
}
