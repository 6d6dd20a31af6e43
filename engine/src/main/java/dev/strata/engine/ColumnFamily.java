package dev.strata.engine;

import dev.strata.engine.handle.HandleStatus;
import dev.strata.engine.iterator.DbIterator;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.lsm.ReadView;
import dev.strata.engine.memtable.Memtable;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.wal.CommitRecord;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A column family: a named, separately stored key space of a {@link StrataDatabase}. Every
 * family is its own tree of memtables and tables, so dropping one costs its files, not a scan;
 * all of them share the database's WAL and seqnos, so a {@link WriteBatch} may write several
 * atomically and a {@link Snapshot} sees all of them at one point in time.
 *
 * <pre>{@code
 * ColumnFamily users = db.getOrCreateColumnFamily("users");
 * users.put(key, value);
 * db.write(new WriteBatch().put(users, k1, v1).put(db.defaultColumnFamily(), k2, v2));
 * }</pre>
 *
 * <p>The database's own read and write methods are those of its default family. A handle stays
 * valid until its family is dropped (afterwards every call throws
 * {@link ColumnFamilyNotFoundException}) or the database is closed. Thread-safe.
 */
public final class ColumnFamily {
    private final StrataDatabase db;
    final LsmTree tree;

    ColumnFamily(StrataDatabase db, LsmTree tree) {
        this.db = db;
        this.tree = tree;
    }

    public String name() {
        return tree.name();
    }

    /** The family's id: stable for its lifetime, never reused after a drop. */
    public int id() {
        return tree.id();
    }

    /** The database this family belongs to. */
    public StrataDatabase database() {
        return db;
    }

    // ---------------------------------------------------------------- writes

    /** Sets {@code key} to {@code value}. */
    public CommitResult put(byte[] key, byte[] value) {
        db.checkKey(key);
        db.checkValue(value);
        return commit(CommitRecord.PUT, key, value, 0L);
    }

    /**
     * Sets {@code key} to {@code value} for {@code ttl}: after that it reads as absent (to
     * {@code get}, iterators and snapshots alike) and compaction removes it. Expiry is judged
     * by the database's clock ({@link StrataOptions#clock}).
     */
    public CommitResult put(byte[] key, byte[] value, Duration ttl) {
        db.checkKey(key);
        db.checkValue(value);
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidArgumentException("ttl must be positive, was " + ttl);
        }
        long expiresAt;
        try {
            expiresAt = Math.addExact(db.options().clock().getAsLong(), ttl.toMillis());
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException("ttl " + ttl + " is too long");
        }
        return commit(CommitRecord.PUT_TTL, key, value, expiresAt);
    }

    /** Removes {@code key} (a no-op for the data if it is absent; still a commit). */
    public CommitResult remove(byte[] key) {
        db.checkKey(key);
        return commit(CommitRecord.DELETE, key, null, 0L);
    }

    /** Removes every key in [start, end). {@code start} must not be greater than {@code end}. */
    public CommitResult deleteRange(byte[] start, byte[] end) {
        db.checkKey(start);
        db.checkKey(end);
        if (Arrays.compareUnsigned(start, end) > 0) {
            throw new InvalidArgumentException("deleteRange start is greater than end");
        }
        return commit(CommitRecord.DELETE_RANGE, start, end, 0L);
    }

    private CommitResult commit(int type, byte[] a, byte[] b, long expiresAt) {
        db.enter();
        try {
            db.checkWritable();
            return db.pipeline().commitSingle(tree, type, a, b, expiresAt);
        } finally {
            db.exit();
        }
    }

    public CompletableFuture<CommitResult> putAsync(byte[] key, byte[] value) {
        return db.async(() -> put(key, value));
    }

    public CompletableFuture<CommitResult> removeAsync(byte[] key) {
        return db.async(() -> remove(key));
    }

    public CompletableFuture<CommitResult> deleteRangeAsync(byte[] start, byte[] end) {
        return db.async(() -> deleteRange(start, end));
    }

    // ---------------------------------------------------------------- reads

    /** The value of {@code key} in the latest committed state, or null if absent. */
    public byte[] get(byte[] key) {
        db.checkKey(key);
        db.enter();
        try {
            checkLive();
            ReadView v = tree.acquire();
            try {
                // The seqno is read after the view is taken, so the view holds every version it needs.
                return tree.get(v, key, db.pipeline().visibleSeqno(), db.options().clock().getAsLong());
            } finally {
                tree.release(v);
            }
        } finally {
            db.exit();
        }
    }

    /** The value of {@code key} as of {@code snapshot}, or null if absent. */
    public byte[] get(byte[] key, Snapshot snapshot) {
        db.checkKey(key);
        db.enter();
        try {
            checkLive();
            snapshot.checkOpen();
            ReadView v = tree.acquire();
            try {
                return tree.get(v, key, snapshot.seqno(), db.options().clock().getAsLong());
            } finally {
                tree.release(v);
            }
        } finally {
            db.exit();
        }
    }

    public CompletableFuture<byte[]> getAsync(byte[] key) {
        return db.async(() -> get(key));
    }

    /**
     * An iterator over a range at a consistent snapshot (the options' snapshot, or the latest
     * committed state when it is created). Close it (try-with-resources).
     */
    public StrataIterator<KeyValue> iterator(RangeOptions range) {
        if (range == null) {
            throw new InvalidArgumentException("range options must not be null");
        }
        db.enter();
        try {
            checkLive();
            Snapshot s = range.snapshot();
            if (s != null) {
                s.checkOpen();
            }
            ReadView v = tree.acquire();
            long seqno = s != null ? s.seqno() : db.pipeline().visibleSeqno();
            DbIterator it = new DbIterator(tree.newIterator(v), tree.tombstones(v),
                    seqno, range.start(), range.startInclusive(), range.end(), range.endInclusive(),
                    range.reverse(), range.keysOnly(), range.limit(), db.options().clock().getAsLong());
            return db.handles().register(new IteratorHandle(db, tree, it, v), HandleStatus.ITERATOR);
        } finally {
            db.exit();
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
        db.enter();
        try {
            checkLive();
            ReadView v = tree.acquire();
            try {
                long n = v.active().entryCount();
                for (Memtable m : v.immutables()) {
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
            db.exit();
        }
    }

    /**
     * Removes every key and returns how many there were, in one commit (a delete-range over
     * them, which compaction later turns into reclaimed space). Keys written concurrently may or
     * may not be removed and counted.
     */
    public long clear() {
        db.checkWritable();
        byte[] lastKey;
        long n;
        try (Snapshot s = db.snapshot()) {
            n = count(new RangeOptions().snapshot(s));
            if (n == 0) {
                return 0;
            }
            try (StrataIterator<KeyValue> it = iterator(new RangeOptions().snapshot(s).reverse(true).limit(1).keysOnly(true))) {
                lastKey = it.next().key();
            }
        }
        db.write(new WriteBatch().deleteRange(this, Bytes.EMPTY, lastKey).remove(this, lastKey));
        return n;
    }

    /**
     * Compacts every table of this family overlapping [start, end] (either null for open) down
     * the levels, dropping overwritten and deleted data no snapshot needs. Blocks until done.
     */
    public void compact(byte[] start, byte[] end) {
        db.enter();
        try {
            db.checkWritable();
            checkLive();
            tree.compactRange(start, end);
        } finally {
            db.exit();
        }
    }

    public CompletableFuture<Void> compactAsync(byte[] start, byte[] end) {
        return db.async(() -> {
            compact(start, end);
            return null;
        });
    }

    /** Tables and bytes per level and memtable bytes of this family (work counters are the database's). */
    public dev.strata.engine.lsm.LsmStats stats() {
        return tree.stats();
    }

    private void checkLive() {
        if (tree.isDropped()) {
            throw new ColumnFamilyNotFoundException("column family '" + tree.name() + "' was dropped");
        }
    }

    @Override
    public String toString() {
        return "ColumnFamily[" + tree.name() + "#" + tree.id() + (tree.isDropped() ? ", dropped]" : "]");
    }
}
