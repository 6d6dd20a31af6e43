package dev.strata.engine.txn;

import dev.strata.engine.BusyException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.LockTimeoutException;
import dev.strata.engine.TransactionAbandonedException;
import dev.strata.engine.commit.CommitPipeline;
import dev.strata.engine.event.EventBus;
import dev.strata.engine.lock.LockTable;
import dev.strata.engine.util.CfKey;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A database's transactions: begins them (ids, the mode), runs {@code db.transaction(callback)}
 * with its retries, keeps the pessimistic key locks, the live transactions that hold a snapshot or
 * locks (for {@link #oldestSnapshotTimestamp()} and to abort them at close) and the counters, and notifies
 * the transaction events. Created by {@link TransactionSupport}; thread-safe.
 */
public final class TransactionManager {
    /** How long a coordinated retry waits for the conflicting commit to become visible. */
    private static final long COORDINATED_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long BACKOFF_BASE_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final EngineAccess access;
    private final TransactionMode mode;
    private final ConflictChecker checker;
    private final LockTable<CfKey> keyLocks = new LockTable<>("transaction lock");
    private final EventBus events;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, Transaction> live = new ConcurrentHashMap<>();
    /** Every transaction not ended yet, by id: for {@code log.addEntry(data, transactionId)}. */
    private final ConcurrentHashMap<Long, Transaction> active = new ConcurrentHashMap<>();

    private final LongAdder begun = new LongAdder();
    private final LongAdder committed = new LongAdder();
    private final LongAdder aborted = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder lockTimeouts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder abandoned = new LongAdder();

    TransactionManager(EngineAccess access, ConflictChecker checker, EventBus events) {
        this.access = access;
        this.mode = access.options().transactionMode();
        this.checker = checker;
        this.events = events;
    }

    public TransactionMode mode() {
        return mode;
    }

    ConflictChecker checker() {
        return checker;
    }

    LockTable<CfKey> keyLocks() {
        return keyLocks;
    }

    /** Begins a transaction to commit or abort explicitly. */
    public Transaction begin(TransactionOptions options) {
        if (options == null) {
            throw new InvalidArgumentException("transaction options must not be null");
        }
        options.validate();
        return begin(options, 1);
    }

    private Transaction begin(TransactionOptions options, int attempt) {
        access.enter().run();
        try {
            Transaction t = new Transaction(this, access, ids.incrementAndGet(), options, attempt);
            active.put(t.id(), t);
            begun.increment();
            emit(TransactionEvents.BEGIN, t.id());
            return t;
        } finally {
            access.exit().run();
        }
    }

    /**
     * Runs {@code callback} in a transaction and commits it when the callback returns; aborts and
     * rethrows when it throws. On a busy conflict or a lock timeout (with {@code retryOnBusy}),
     * runs it again in a new transaction, up to {@code maxRetries} times, then throws
     * {@link TransactionAbandonedException} with the last conflict as its cause.
     */
    public <T> T run(TransactionCallback<T> callback, TransactionOptions options) {
        if (callback == null || options == null) {
            throw new InvalidArgumentException("callback and options must not be null");
        }
        options.validate();
        for (int attempt = 1; ; attempt++) {
            Transaction t = begin(options, attempt);
            try {
                T result = callback.run(t, attempt);
                if (t.isActive()) {
                    t.commit();
                }
                return result;
            } catch (BusyException | LockTimeoutException e) {
                t.abort();
                if (!options.retryOnBusy()) {
                    throw e;
                }
                if (attempt > options.maxRetries()) {
                    abandoned.increment();
                    throw new TransactionAbandonedException("transaction gave up after " + attempt + " attempts (maxRetries "
                            + options.maxRetries() + "); the last one failed with: " + e.getMessage(), e);
                }
                retries.increment();
                if (options.coordinatedRetry() && e instanceof TransactionConflictException c) {
                    awaitVisible(c.conflictSeqno());
                } else {
                    backOff(attempt);
                }
            } catch (RuntimeException | Error e) {
                t.abort();
                throw e;
            }
        }
    }

    /** {@link #run} on the database's async threads. */
    public <T> CompletableFuture<T> runAsync(TransactionCallback<T> callback, TransactionOptions options) {
        return access.async().submit(() -> run(callback, options));
    }

    /**
     * An uncoordinated retry waits a random time (full jitter) up to 0.5 ms x 2^(attempt - 1),
     * at most 32 ms: the conflicting commit may still be on its way to the disk, and re-running
     * at once would read the same snapshot and conflict again.
     */
    private static void backOff(int attempt) {
        long cap = BACKOFF_BASE_NANOS << Math.min(attempt - 1, 6);
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(cap));
    }

    /**
     * A coordinated retry: waits (bounded) until {@code seqno} is visible, so the next attempt's
     * snapshot includes the commit it conflicted with instead of conflicting with it again.
     */
    private void awaitVisible(long seqno) {
        CommitPipeline pipeline = access.pipeline();
        long deadline = System.nanoTime() + COORDINATED_WAIT_NANOS;
        while (pipeline.visibleSeqno() < seqno && pipeline.failure() == null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000);
        }
    }

    /**
     * A transaction took a snapshot or a lock: it is live until it ends, so the oldest snapshot
     * counts it and close aborts it (releasing both). A transaction holding neither is not
     * tracked: after close its next call fails anyway, and it has nothing to release.
     */
    void holds(Transaction t) {
        live.putIfAbsent(t.id(), t);
    }

    /** A transaction ended (committed or not): count it, release what it holds, forget it. */
    void ended(Transaction t, boolean wasCommitted) {
        (wasCommitted ? committed : aborted).increment();
        live.remove(t.id());
        active.remove(t.id());
        t.release();
    }

    /** The transaction with this id, if it has not ended. */
    public Optional<Transaction> find(long id) {
        return Optional.ofNullable(active.get(id));
    }

    void conflictFound() {
        conflicts.increment();
    }

    void lockTimedOut() {
        lockTimeouts.increment();
    }

    /** Notifies a transaction event, if anyone listens (one volatile read otherwise). */
    void emit(String event, Object... args) {
        if (events.hasListeners()) {
            events.notify(event, args);
        }
    }

    /** When the oldest snapshot still held by a live transaction was taken; empty if none. */
    public Optional<Instant> oldestSnapshotTimestamp() {
        long oldest = Long.MAX_VALUE;
        for (Transaction t : live.values()) {
            long at = t.snapshotTakenAt();
            if (at > 0 && at < oldest) {
                oldest = at;
            }
        }
        return oldest == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
    }

    /** Transactions holding a snapshot or a lock, not yet ended. */
    public int liveCount() {
        return live.size();
    }

    public TransactionStats stats() {
        return new TransactionStats(begun.sum(), committed.sum(), aborted.sum(), conflicts.sum(), lockTimeouts.sum(),
                retries.sum(), abandoned.sum());
    }

    /** The database closes: every live transaction is aborted and every key lock released. */
    void close() {
        for (Transaction t : live.values()) {
            t.abort();
        }
        keyLocks.close();
    }
}
