package dev.strata.engine.txn;

import dev.strata.engine.ClosedException;
import dev.strata.engine.ColumnFamily;
import dev.strata.engine.ColumnFamilyNotFoundException;
import dev.strata.engine.CommitResult;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.KeyValue;
import dev.strata.engine.LockTimeoutException;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.Snapshot;
import dev.strata.engine.StrataInterruptedException;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.lsm.ReadView;
import dev.strata.engine.util.CfKey;
import dev.strata.engine.wal.CommitRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A transaction: reads at one snapshot and writes that commit atomically, under one seqno,
 * through the same group commit and WAL record as plain writes, or not at all. Get one from
 * {@code db.transaction(callback)} (committed when the callback returns, retried on conflict) or
 * {@code db.beginTransaction()} (then {@link #commit()} or {@link #abort()} it; try-with-resources
 * aborts what was not committed).
 *
 * <p>Reads see the transaction's own writes over its snapshot: taken at the first read
 * (optimistic mode) or when it begins (pessimistic), or the latest state at each read with
 * {@code disableSnapshot}. What is checked for conflicts:
 * <ul>
 *   <li>optimistic: every key read with {@link #get} (found or absent) and every key written;
 *       at commit, if any was committed by someone else after the transaction read it (its
 *       snapshot) or wrote it, the commit fails with {@link TransactionConflictException}
 *       (code {@code BUSY}). Keys returned by a range iterator are not checked (as in RocksDB);
 *       use {@link #get} for keys your writes depend on. Phantoms (keys inserted into a range
 *       read) are not detected: this is snapshot isolation, not serializability;</li>
 *   <li>pessimistic: writes and {@link #getForUpdate} lock their key at once (waiting up to the
 *       lock timeout, else {@link LockTimeoutException}) and fail with
 *       {@link TransactionConflictException} right there if the key changed after the snapshot;
 *       locks are held until commit or abort. Plain writes ({@code db.put}) take no locks: one
 *       that changes a locked key fails this transaction at commit.</li>
 * </ul>
 * A {@link #deleteRange} in a transaction fails its commit if any key in the range, or any
 * delete-range anywhere, was committed after the snapshot (ranges take no locks).
 *
 * <p>After {@link #commit()} or {@link #abort()}, every operation throws {@link ClosedException};
 * {@link #abort()} itself is idempotent (a no-op once finished). Not thread-safe: use a
 * transaction from one thread at a time ({@link #abort()} may come from any thread).
 */
public final class Transaction implements AutoCloseable {
    private enum State { ACTIVE, COMMITTING, COMMITTED, ABORTED }

    /** A range the transaction removed, and the seqno its conflict check starts after. */
    private record RemovedRange(int cf, byte[] start, byte[] end, long bound) {
    }

    private final TransactionManager manager;
    private final EngineAccess access;
    private final long id;
    private final int attempt;
    private final boolean pessimistic;
    private final boolean snapshotDisabled;
    private final long lockTimeoutNanos;
    private volatile State state = State.ACTIVE;
    private final long beganAt;
    /** Null until read or set: most transactions never ask. */
    private Instant timestamp;

    private Snapshot snapshot;
    private volatile long snapshotTakenAt;
    private final WriteOverlay overlay = new WriteOverlay();
    /**
     * Keys whose change after their bound (a seqno) fails the commit: optimistic, the keys read;
     * pessimistic, the keys locked (every key written among them). Null until the first.
     */
    private Map<CfKey, Long> tracked;
    /**
     * Optimistic: the bound of every key written (they are checked at commit from the earliest
     * write's seqno, or the snapshot if one was taken before: an earlier bound only adds
     * conflicts, never misses one, and keeps a written key to one map entry, the overlay's).
     */
    private long writeBound = Long.MAX_VALUE;
    private List<RemovedRange> removedRanges;
    private Set<CfKey> locked;
    private List<TransactionIterator> iterators;
    /** Transaction-log entries, encoded as the commit record's log section; null until the first. */
    private byte[] logEntries;
    private int logBytes;
    private int logCount;

    Transaction(TransactionManager manager, EngineAccess access, long id, TransactionOptions options, int attempt) {
        this.manager = manager;
        this.access = access;
        this.id = id;
        this.attempt = attempt;
        this.pessimistic = manager.mode() == TransactionMode.PESSIMISTIC;
        this.snapshotDisabled = options.disableSnapshot();
        Duration timeout = options.lockTimeout() != null ? options.lockTimeout() : access.options().lockTimeout();
        this.lockTimeoutNanos = timeout.toNanos();
        this.beganAt = now();
        if (pessimistic) {
            ensureSnapshot();
        }
    }

    // ------------------------------------------------------------------ identity

    /** Unique among the transactions of this database since it opened (increasing). */
    public long id() {
        return id;
    }

    /** Which attempt of {@code db.transaction} this is (1 for the first, or for a begun transaction). */
    public int attempt() {
        return attempt;
    }

    /**
     * The transaction's timestamp: when it began, unless set (rocksdb-js's seconds-with-fraction
     * {@code getTimestamp()}, as an {@link Instant}).
     */
    public Instant timestamp() {
        if (timestamp == null) {
            timestamp = Instant.ofEpochMilli(beganAt);
        }
        return timestamp;
    }

    /** Overrides the timestamp; null sets it to now. */
    public void timestamp(Instant at) {
        this.timestamp = at != null ? at : Instant.ofEpochMilli(now());
    }

    /** The seqno the transaction reads at, or -1 before its first read (optimistic) or with {@code disableSnapshot}. */
    public long snapshotSeqno() {
        Snapshot s = snapshot;
        return s == null ? -1 : s.seqno();
    }

    /** When the snapshot was taken (ms since the epoch), 0 if none. */
    long snapshotTakenAt() {
        return snapshotTakenAt;
    }

    /** Whether it can still be used (neither committed nor aborted). */
    public boolean isActive() {
        return state == State.ACTIVE;
    }

    // ------------------------------------------------------------------ reads

    /** The value of {@code key} as this transaction sees it, or null. */
    public byte[] get(byte[] key) {
        return get(0, key, false);
    }

    /**
     * As {@link #get}, and in pessimistic mode locks the key first (as a write does), so no other
     * transaction can change it before this one ends. In optimistic mode the same as {@link #get}.
     */
    public byte[] getForUpdate(byte[] key) {
        return get(0, key, true);
    }

    /** The value of {@code key} in {@code family} as this transaction sees it, or null. */
    public byte[] get(ColumnFamily family, byte[] key) {
        return get(familyId(family), key, false);
    }

    /** {@link #getForUpdate(byte[])} in {@code family}. */
    public byte[] getForUpdate(ColumnFamily family, byte[] key) {
        return get(familyId(family), key, true);
    }

    /** The family's id, after checking it is a live family of this transaction's database. */
    private int familyId(ColumnFamily family) {
        if (family == null) {
            throw new InvalidArgumentException("column family must not be null");
        }
        if (!family.database().path().equals(access.dir())) {
            throw new InvalidArgumentException("column family '" + family.name() + "' belongs to another database");
        }
        if (access.trees().apply(family.id()) == null) {
            throw new ColumnFamilyNotFoundException("column family '" + family.name() + "' was dropped");
        }
        return family.id();
    }

    byte[] get(int cf, byte[] key, boolean forUpdate) {
        checkKey(key, "key");
        checkActive();
        CfKey locking = pessimistic && forUpdate ? lock(new CfKey(cf, key.clone())) : null;
        access.enter().run();
        try {
            checkActive();
            if (locking != null) {
                checkUnchanged(locking);
            }
            Object own = overlay.lookup(cf, key, now());
            if (own != null) {
                return own == WriteOverlay.REMOVED ? null : ((byte[]) own).clone();
            }
            ensureSnapshot();
            LsmTree tree = access.trees().apply(cf);
            ReadView v = tree.acquire();
            try {
                // Without a snapshot, the seqno is read after the view is taken (the view holds every version it needs).
                long seqno = snapshot != null ? snapshot.seqno() : access.pipeline().visibleSeqno();
                if (!pessimistic) {
                    track(new CfKey(cf, key.clone()), seqno);
                }
                return tree.get(v, key, seqno, now());
            } finally {
                tree.release(v);
            }
        } finally {
            access.exit().run();
        }
    }

    /**
     * A range iterator at the transaction's snapshot merged with its own writes (see
     * {@link TransactionIterator}). Close it; the transaction closes it when it ends. The range
     * options must not name a snapshot. Keys it returns are not conflict-checked.
     */
    public StrataIterator<KeyValue> iterator(RangeOptions range) {
        return iterator(0, range);
    }

    /** {@link #iterator} as a stream; close the stream. */
    public Stream<KeyValue> stream(RangeOptions range) {
        return iterator(range).stream();
    }

    /** {@link #iterator(RangeOptions)} over {@code family}. */
    public StrataIterator<KeyValue> iterator(ColumnFamily family, RangeOptions range) {
        return iterator(familyId(family), range);
    }

    StrataIterator<KeyValue> iterator(int cf, RangeOptions range) {
        if (range == null) {
            throw new InvalidArgumentException("range options must not be null");
        }
        if (range.snapshot() != null) {
            throw new InvalidArgumentException("a transaction reads at its own snapshot; the range options must not name one");
        }
        access.enter().run();
        try {
            checkActive();
            ensureSnapshot();
            RangeOptions base = new RangeOptions().start(range.start(), range.startInclusive())
                    .end(range.end(), range.endInclusive()).reverse(range.reverse()).keysOnly(range.keysOnly())
                    .snapshot(snapshot);
            TransactionIterator it = new TransactionIterator(this, access.ranges().iterator(cf, base),
                    overlay.existing(cf), range, now());
            if (iterators == null) {
                iterators = new ArrayList<>(2);
            }
            iterators.add(it);
            return it;
        } finally {
            access.exit().run();
        }
    }

    // ------------------------------------------------------------------ writes

    public void put(byte[] key, byte[] value) {
        checkValue(value);
        write(0, key, value, 0L);
    }

    /** A put that reads as absent after {@code ttl} (judged by the database's clock). */
    public void put(byte[] key, byte[] value, Duration ttl) {
        checkValue(value);
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidArgumentException("ttl must be positive, was " + ttl);
        }
        long expiresAt;
        try {
            expiresAt = Math.addExact(now(), ttl.toMillis());
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException("ttl " + ttl + " is too long");
        }
        write(0, key, value, expiresAt);
    }

    public void remove(byte[] key) {
        write(0, key, null, 0L);
    }

    /**
     * Removes every key in [start, end) when the transaction commits. Its conflict check reads
     * every version in the range under the commit lock: for large ranges, prefer the plain
     * {@code db.deleteRange}, which needs no check.
     */
    public void deleteRange(byte[] start, byte[] end) {
        deleteRange(0, start, end);
    }

    /** {@link #put(byte[], byte[])} in {@code family}. */
    public void put(ColumnFamily family, byte[] key, byte[] value) {
        checkValue(value);
        write(familyId(family), key, value, 0L);
    }

    /** {@link #remove(byte[])} in {@code family}. */
    public void remove(ColumnFamily family, byte[] key) {
        write(familyId(family), key, null, 0L);
    }

    /** {@link #deleteRange(byte[], byte[])} in {@code family}. */
    public void deleteRange(ColumnFamily family, byte[] start, byte[] end) {
        deleteRange(familyId(family), start, end);
    }

    /** A put ({@code value} not null, {@code expiresAt} 0 for never) or a remove (value null). */
    void write(int cf, byte[] key, byte[] value, long expiresAt) {
        checkKey(key, "key");
        checkActive();
        checkWritable();
        checkSize(CommitRecord.opSize(cf, key.length, value == null ? -1 : value.length, expiresAt != 0));
        byte[] own = key.clone();
        CfKey k = pessimistic ? lock(new CfKey(cf, own)) : null;
        access.enter().run();
        try {
            checkActive();
            if (pessimistic) {
                checkUnchanged(k);
            } else {
                writeBound = Math.min(writeBound, snapshot != null ? snapshot.seqno() : access.pipeline().visibleSeqno());
            }
            if (value == null) {
                overlay.remove(cf, own);
            } else {
                overlay.put(cf, own, value.clone(), expiresAt);
            }
        } finally {
            access.exit().run();
        }
    }

    void deleteRange(int cf, byte[] start, byte[] end) {
        checkKey(start, "start");
        checkKey(end, "end");
        if (java.util.Arrays.compareUnsigned(start, end) > 0) {
            throw new InvalidArgumentException("deleteRange start is greater than end");
        }
        access.enter().run();
        try {
            checkActive();
            checkWritable();
            checkSize(CommitRecord.opSize(cf, start.length, end.length, false));
            long bound = snapshot != null ? snapshot.seqno() : access.pipeline().visibleSeqno();
            if (removedRanges == null) {
                removedRanges = new ArrayList<>(1);
            }
            removedRanges.add(new RemovedRange(cf, start.clone(), end.clone(), bound));
            overlay.deleteRange(cf, start.clone(), end.clone());
        } finally {
            access.exit().run();
        }
    }

    // ------------------------------------------------------------------ commit and abort

    /**
     * Commits every write under one seqno and ends the transaction. A transaction that wrote
     * nothing commits nothing (the result carries its snapshot seqno, or the latest visible one).
     *
     * @throws TransactionConflictException (code BUSY) if a checked key changed after it was read
     *                                      or written; the transaction is then aborted
     * @throws ClosedException              if the transaction already ended
     */
    public CommitResult commit() {
        synchronized (this) {
            if (state != State.ACTIVE) {
                throw finished();
            }
            state = State.COMMITTING;
        }
        manager.emit(TransactionEvents.BEFORE_COMMIT, id);
        CommitResult result;
        try {
            access.enter().run();
            try {
                if (overlay.isEmpty() && logCount == 0) {
                    long seqno = snapshot != null ? snapshot.seqno() : access.pipeline().visibleSeqno();
                    result = new CommitResult(seqno, now());
                } else {
                    checkWritable();
                    dev.strata.engine.util.CrashPoints.hit("txn.commit.locked");
                    int len = Math.toIntExact(overlay.encodedBytes());
                    byte[] ops = OpsScratch.take(len);
                    overlay.encode(ops);
                    try {
                        result = access.pipeline().commitBatch(ops, len, overlay.opCount(), logEntries, logBytes, logCount,
                                writtenFamilies(), this::validate);
                    } finally {
                        OpsScratch.give(ops);
                    }
                }
            } finally {
                access.exit().run();
            }
        } catch (RuntimeException | Error e) {
            state = State.ABORTED;
            manager.ended(this, false);
            throw e;
        }
        state = State.COMMITTED;
        manager.emit(TransactionEvents.COMMITTED, id, result.seqno());
        manager.ended(this, true);
        manager.emit(TransactionEvents.AFTER_COMMIT, id, result.seqno());
        return result;
    }

    /** {@link #commit()} on the database's async threads. */
    /**
     * The trees of the families written besides the default one (null if none), checked by the
     * commit under its lock so nothing lands in a family dropped meanwhile.
     */
    private LsmTree[] writtenFamilies() {
        int[] ids = overlay.familyIds();
        int n = 0;
        for (int id : ids) {
            if (id != 0) {
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        LsmTree[] trees = new LsmTree[n];
        int i = 0;
        for (int id : ids) {
            if (id != 0) {
                LsmTree t = access.trees().apply(id);
                if (t == null) {
                    throw new ColumnFamilyNotFoundException("column family " + id + " was dropped during the transaction");
                }
                trees[i++] = t;
            }
        }
        return trees;
    }

    public CompletableFuture<CommitResult> commitAsync() {
        return access.async().submit(this::commit);
    }

    // ------------------------------------------------------------------ transaction log (issue 6)

    /**
     * The transaction log {@code name} bound to this transaction: its {@code addEntry(data)}
     * adds to this transaction. As {@code db.useLog(name)}, numbers are names too
     * ({@code useLog(String.valueOf(7))}).
     */
    public dev.strata.engine.log.BoundTransactionLog useLog(String name) {
        return new dev.strata.engine.log.BoundTransactionLog(access.logs().apply(name), this);
    }

    /**
     * Adds an entry to transaction log {@code name} (UTF-8 bytes): written in this transaction's
     * commit record, so it is durable exactly when the transaction's data is, and never exists if
     * the transaction does not commit. The data is copied. Use
     * {@code log.addEntry(data, txn)} or {@link #useLog}; a retried {@code db.transaction}
     * callback runs in a new transaction, so entries of a failed attempt are never written (use
     * the attempt number to tell attempts apart, if the callback has other side effects).
     */
    public void addLogEntry(byte[] name, byte[] data) {
        if (data == null) {
            throw new InvalidArgumentException("log entry data must not be null");
        }
        if (access.options().durability() == dev.strata.engine.Durability.NONE) {
            throw new InvalidArgumentException("transaction-log entries need a WAL: durability NONE keeps none");
        }
        checkActive();
        checkWritable();
        int need = dev.strata.engine.wal.CommitRecord.logEntrySize(name.length, data.length);
        long total = (long) logBytes + need + overlay.encodedBytes();
        if (total > access.options().maxBatchSize()) {
            throw new InvalidArgumentException("transaction of " + total + " bytes with its log entries exceeds maxBatchSize "
                    + access.options().maxBatchSize());
        }
        if (logEntries == null || logEntries.length < logBytes + need) {
            logEntries = java.util.Arrays.copyOf(logEntries == null ? new byte[0] : logEntries,
                    Math.max(logBytes + need, logEntries == null ? 256 : logEntries.length * 2));
        }
        logBytes = dev.strata.engine.wal.CommitRecord.encodeLogEntry(logEntries, logBytes, name, data);
        logCount++;
    }

    /** Whether the transaction has anything to commit: a write or a transaction-log entry. */
    public boolean hasWrites() {
        return !overlay.isEmpty() || logCount > 0;
    }

    /** Log entries added so far. */
    public int logEntryCount() {
        return logCount;
    }

    /** Rolls back and ends the transaction; a no-op if it already ended. */
    public void abort() {
        synchronized (this) {
            if (state != State.ACTIVE) {
                return;
            }
            state = State.ABORTED;
        }
        manager.ended(this, false);
    }

    /** Aborts unless committed. */
    @Override
    public void close() {
        abort();
    }

    /** Releases what the transaction holds (its manager calls this once, when it ends). */
    void release() {
        if (iterators != null) {
            TransactionIterator.closeAll(iterators);
        }
        Snapshot s = snapshot;
        if (s != null) {
            s.close();
        }
        if (locked != null) {
            for (CfKey k : locked) {
                manager.keyLocks().unlockIfOwner(k, this);
            }
            locked.clear();
        }
    }

    /**
     * The commit check, under the commit lock (no other commit can come between it and this
     * one): every tracked key and removed range unchanged since its bound.
     */
    private void validate() {
        ConflictChecker checker = manager.checker();
        if (tracked != null) {
            for (Map.Entry<CfKey, Long> e : tracked.entrySet()) {
                CfKey k = e.getKey();
                long c = checker.changedAfter(k, e.getValue());
                if (c > 0) {
                    throw conflict(k, c, "was committed by another writer at seqno " + c
                            + " after this transaction read it (at " + e.getValue() + ")");
                }
            }
        }
        if (!pessimistic) {
            overlay.forEachKey((cf, key) -> {
                long c = checker.changedAfter(cf, key, writeBound);
                if (c > 0) {
                    throw conflict(new CfKey(cf, key), c, "was committed by another writer at seqno " + c
                            + " after this transaction wrote it (at " + writeBound + ")");
                }
            });
        }
        if (removedRanges != null) {
            for (RemovedRange r : removedRanges) {
                long c = checker.changedInRangeAfter(r.cf(), r.start(), r.end(), r.bound());
                if (c > 0) {
                    throw conflict(new CfKey(r.cf(), r.start()), c, "(the start of a range this transaction removes) or a key "
                            + "in that range was changed at seqno " + c + " after " + r.bound());
                }
            }
        }
        dev.strata.engine.util.CrashPoints.hit("txn.commit.validated");
    }

    private TransactionConflictException conflict(CfKey k, long seqno, String what) {
        manager.conflictFound();
        return new TransactionConflictException("transaction " + id + " conflicts: key " + k + " " + what, k, seqno);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Pessimistic: takes the key's lock (once per transaction), waiting up to the lock timeout.
     * Called outside the database's enter/exit: a close does not wait for lock waits, it fails
     * them (the lock table closes).
     */
    private CfKey lock(CfKey k) {
        if (locked != null && locked.contains(k)) {
            return k; // locked before: the lock is not reentrant, and need not be
        }
        boolean got;
        try {
            got = manager.keyLocks().acquire(k, this, lockTimeoutNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataInterruptedException("interrupted while transaction " + id + " waited for the lock on " + k, e);
        }
        if (!got) {
            manager.lockTimedOut();
            throw new LockTimeoutException("transaction " + id + " waited " + Duration.ofNanos(lockTimeoutNanos).toMillis()
                    + " ms for the lock on " + k + " (held by another transaction)");
        }
        if (locked == null) {
            locked = new HashSet<>(4);
            manager.holds(this);
        }
        locked.add(k);
        return k;
    }

    /** Pessimistic, once per locked key: fails at once if it changed after the snapshot. */
    private void checkUnchanged(CfKey k) {
        if (tracked != null && tracked.containsKey(k)) {
            return;
        }
        long bound = snapshot != null ? snapshot.seqno() : access.pipeline().visibleSeqno();
        long c = manager.checker().changedAfter(k, bound);
        if (c > 0) {
            throw conflict(k, c, "was committed by another writer at seqno " + c + " after this transaction's snapshot " + bound);
        }
        track(k, bound);
    }

    /** Tracks {@code k} for the commit check from {@code bound}, keeping the earliest bound. */
    private void track(CfKey k, long bound) {
        if (tracked == null) {
            tracked = new HashMap<>(4);
        }
        tracked.merge(k, bound, Math::min);
    }

    private void ensureSnapshot() {
        if (snapshot == null && !snapshotDisabled) {
            snapshot = access.snapshots().get();
            snapshotTakenAt = now();
            manager.holds(this);
        }
    }

    /** Throws {@link ClosedException} unless the transaction is active. */
    void checkActive() {
        if (state != State.ACTIVE) {
            throw finished();
        }
    }

    private ClosedException finished() {
        return new ClosedException("transaction " + id + " is " + state.name().toLowerCase(java.util.Locale.ROOT)
                + "; begin a new one");
    }

    private void checkWritable() {
        if (access.options().readOnly()) {
            throw new ReadOnlyException("database " + access.dir() + " is open read-only: transactions cannot write");
        }
    }

    private void checkKey(byte[] key, String what) {
        StrataOptions o = access.options();
        if (key == null) {
            throw new InvalidArgumentException(what + " must not be null");
        }
        if (key.length > o.maxKeySize()) {
            throw new InvalidArgumentException(what + " of " + key.length + " bytes exceeds maxKeySize " + o.maxKeySize());
        }
    }

    private void checkValue(byte[] value) {
        StrataOptions o = access.options();
        if (value == null) {
            throw new InvalidArgumentException("value must not be null");
        }
        if (value.length > o.maxValueSize()) {
            throw new InvalidArgumentException("value of " + value.length + " bytes exceeds maxValueSize " + o.maxValueSize());
        }
    }

    /** Refuses a write of {@code opBytes} more that could take the commit over maxBatchSize (before it is made). */
    private void checkSize(int opBytes) {
        long total = overlay.encodedBytes() + opBytes;
        if (total > access.options().maxBatchSize()) {
            throw new InvalidArgumentException("transaction " + id + " would write " + total
                    + " bytes, over maxBatchSize " + access.options().maxBatchSize());
        }
    }

    private long now() {
        return access.options().clock().getAsLong();
    }

    @Override
    public String toString() {
        return "Transaction " + id + " (" + state.name().toLowerCase(java.util.Locale.ROOT) + ", " + overlay.opCount()
                + " writes, snapshot " + snapshotSeqno() + ")";
    }
}
