package dev.strata.engine.txn;

import dev.strata.engine.BusyException;
import dev.strata.engine.ClosedException;
import dev.strata.engine.Durability;
import dev.strata.engine.ErrorCode;
import dev.strata.engine.LockTimeoutException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.util.CfKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static dev.strata.engine.TestUtil.b;
import static dev.strata.engine.TestUtil.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What counts as a conflict, and what does not. Optimistic: reads of absent keys, blind writes,
 * plain writes and delete-ranges, a transaction's own delete-range, a version already flushed to
 * a table, an unchanged key that shares a conflict-table slot (no conflict), and a refused commit
 * leaves no hole in the seqnos or the WAL. Pessimistic: lock timeouts, the check at the
 * operation, plain writes to a locked key, release at commit and abort, getForUpdate, deadlocks
 * ended by the timeout, and close with waiting transactions.
 */
class ConflictDetectionTest {
    @TempDir
    Path dir;
    private StrataDatabase db;

    private StrataDatabase open(TransactionMode mode, Durability durability) {
        db = StrataDatabase.open(dir.resolve("db"), StrataOptions.defaults().durability(durability).transactionMode(mode)
                .lockTimeout(Duration.ofMillis(100)));
        return db;
    }

    private StrataDatabase open(TransactionMode mode) {
        return open(mode, Durability.SYNC);
    }

    @AfterEach
    void closeDb() {
        if (db != null) {
            db.close();
        }
    }

    private static TransactionConflictException conflictOf(Runnable r) {
        TransactionConflictException e = catchThrowableOfType(r::run, TransactionConflictException.class);
        assertThat(e).as("a conflict").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BUSY);
        return e;
    }

    // ------------------------------------------------------------------ optimistic

    @Test
    void readingAnAbsentKeyConflictsWithItsInsertion() {
        open(TransactionMode.OPTIMISTIC);
        Transaction t = db.beginTransaction();
        assertThat(t.get(b("k"))).isNull();
        t.put(b("other"), b("1"));
        db.put(b("k"), b("inserted"));
        TransactionConflictException e = conflictOf(t::commit);
        assertThat(s(e.key())).isEqualTo("k");
        assertThat(db.get(b("other"))).isNull();
        assertThat(t.isActive()).isFalse();
    }

    @Test
    void blindWritesOfOneKeyConflict() {
        open(TransactionMode.OPTIMISTIC);
        Transaction t1 = db.beginTransaction();
        Transaction t2 = db.beginTransaction();
        t1.put(b("k"), b("1"));
        t2.put(b("k"), b("2"));
        t2.commit();
        conflictOf(t1::commit);
        assertThat(s(db.get(b("k")))).isEqualTo("2");
        Transaction t3 = db.beginTransaction();
        t3.put(b("k"), b("3"));
        db.put(b("unrelated"), b("x"));
        t3.commit(); // only its own key counts
        assertThat(s(db.get(b("k")))).isEqualTo("3");
    }

    @Test
    void aPlainDeleteRangeOverAReadKeyConflicts() {
        open(TransactionMode.OPTIMISTIC);
        db.put(b("m"), b("1"));
        Transaction t = db.beginTransaction();
        assertThat(s(t.get(b("m")))).isEqualTo("1");
        t.put(b("out"), b("x"));
        db.deleteRange(b("a"), b("z"));
        assertThat(conflictOf(t::commit).conflictSeqno()).isEqualTo(db.latestSeqno());
        // A delete-range that does not cover the key makes the exact check look, and pass.
        Transaction u = db.beginTransaction();
        assertThat(u.get(b("m"))).isNull();
        u.put(b("n"), b("2"));
        db.deleteRange(b("x"), b("y"));
        u.commit();
        assertThat(s(db.get(b("n")))).isEqualTo("2");
    }

    @Test
    void aTransactionsDeleteRangeConflictsWithAKeyCommittedInTheRange() {
        open(TransactionMode.OPTIMISTIC);
        db.put(b("b"), b("1"));
        Transaction t = db.beginTransaction();
        t.get(b("zz")); // the snapshot
        t.deleteRange(b("a"), b("c"));
        db.put(b("bb"), b("inserted"));
        conflictOf(t::commit);
        assertThat(s(db.get(b("bb")))).isEqualTo("inserted");
        Transaction u = db.beginTransaction();
        u.get(b("zz"));
        u.deleteRange(b("a"), b("c"));
        db.put(b("d"), b("outside"));
        u.commit();
        assertThat(db.get(b("b"))).isNull();
        assertThat(db.get(b("bb"))).isNull();
        assertThat(s(db.get(b("d")))).isEqualTo("outside");
        Transaction v = db.beginTransaction();
        v.get(b("zz"));
        v.deleteRange(b("p"), b("q"));
        db.deleteRange(b("x"), b("y")); // any delete-range after the snapshot counts (they are not indexed by key)
        conflictOf(v::commit);
    }

    @Test
    void aConflictingVersionAlreadyFlushedToATableIsFound() {
        open(TransactionMode.OPTIMISTIC);
        db.put(b("k"), b("1"));
        db.flush();
        Transaction t = db.beginTransaction();
        t.get(b("k"));
        t.put(b("j"), b("x"));
        db.put(b("k"), b("2"));
        db.flush(); // the newer version is now only in a table
        assertThat(db.memtableBytes()).isZero();
        assertThat(conflictOf(t::commit).conflictSeqno()).isEqualTo(db.latestSeqno());
        Transaction u = db.beginTransaction();
        u.get(b("k"));
        u.put(b("j"), b("y"));
        db.put(b("other"), b("z"));
        db.flush(); // a table newer than the snapshot, without k: the exact look passes
        u.commit();
    }

    @Test
    void anUnchangedKeySharingAConflictSlotWithAChangedOneStillCommits() {
        open(TransactionMode.OPTIMISTIC);
        byte[] key = b("mine");
        int slot = (int) CfKey.hash64(0, key, 0, key.length) & (ConflictTable.SLOTS - 1);
        byte[] twin = null;
        for (int i = 0; twin == null; i++) {
            byte[] k = b("twin" + i);
            if (((int) CfKey.hash64(0, k, 0, k.length) & (ConflictTable.SLOTS - 1)) == slot) {
                twin = k;
            }
        }
        Transaction t = db.beginTransaction();
        t.get(key);
        t.put(key, b("v"));
        db.put(twin, b("same slot"));
        t.commit();
        assertThat(s(db.get(key))).isEqualTo("v");
        assertThat(db.transactionStats().conflicts()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class)
    void aRefusedCommitLeavesNoHoleInTheSeqnosOrTheWal(Durability durability) {
        open(TransactionMode.OPTIMISTIC, durability);
        db.put(b("x"), b("0"));
        for (int i = 0; i < 5; i++) {
            Transaction t = db.beginTransaction();
            t.get(b("x"));
            t.put(b("y" + i), b("lost"));
            long s0 = db.put(b("x"), b(Integer.toString(i + 1))).seqno();
            conflictOf(t::commit);
            assertThat(db.put(b("z" + i), b("kept")).seqno()).isEqualTo(s0 + 1);
        }
        long last = db.latestSeqno();
        db.close();
        db = StrataDatabase.open(dir.resolve("db"), StrataOptions.defaults().durability(durability));
        assertThat(db.latestSeqno()).isEqualTo(last);
        assertThat(s(db.get(b("x")))).isEqualTo("5");
        assertThat(s(db.get(b("z4")))).isEqualTo("kept");
        assertThat(db.get(b("y4"))).isNull();
        assertThat(db.put(b("after"), b("1")).seqno()).isEqualTo(last + 1);
    }

    @Test
    void withoutASnapshotAKeyIsCheckedFromWhenItWasRead() {
        open(TransactionMode.OPTIMISTIC);
        db.put(b("x"), b("1"));
        Transaction t = db.beginTransaction(new TransactionOptions().disableSnapshot(true));
        db.put(b("x"), b("2"));
        assertThat(s(t.get(b("x")))).isEqualTo("2");
        t.put(b("y"), b("1"));
        t.commit(); // x changed before it was read: not a conflict
        Transaction u = db.beginTransaction(new TransactionOptions().disableSnapshot(true));
        u.get(b("x"));
        u.put(b("y"), b("2"));
        db.put(b("x"), b("3"));
        conflictOf(u::commit);
    }

    @Test
    void retriesEndInAbandonmentWithTheConflictAsCause() {
        open(TransactionMode.OPTIMISTIC);
        db.put(b("x"), b("0"));
        int[] attempts = new int[1];
        BusyException cause = null;
        try {
            db.transaction((txn, attempt) -> {
                attempts[0] = attempt;
                txn.get(b("x"));
                db.put(b("x"), b("changed " + attempt)); // always someone faster
                txn.put(b("y"), b("1"));
                return null;
            }, new TransactionOptions().maxRetries(2));
        } catch (dev.strata.engine.TransactionAbandonedException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.TRANSACTION_ABANDONED);
            cause = (BusyException) e.getCause();
        }
        assertThat(cause).isInstanceOf(TransactionConflictException.class);
        assertThat(attempts[0]).isEqualTo(3);
        TransactionStats st = db.transactionStats();
        assertThat(st.retries()).isEqualTo(2);
        assertThat(st.abandoned()).isEqualTo(1);
        assertThat(st.conflicts()).isEqualTo(3);
        assertThatThrownBy(() -> db.transaction((txn, attempt) -> {
            txn.get(b("x"));
            db.put(b("x"), b("again"));
            txn.put(b("y"), b("1"));
            return null;
        }, new TransactionOptions().retryOnBusy(false))).isInstanceOf(TransactionConflictException.class);
    }

    // ------------------------------------------------------------------ pessimistic

    @Test
    void aWriteWaitsForTheLockThenTimesOut() throws Exception {
        open(TransactionMode.PESSIMISTIC);
        Transaction t1 = db.beginTransaction();
        t1.put(b("k"), b("1"));
        long start = System.nanoTime();
        LockTimeoutException e = CompletableFuture.supplyAsync(() -> {
            Transaction t2 = db.beginTransaction(new TransactionOptions().lockTimeout(Duration.ofMillis(50)));
            try {
                return catchThrowableOfType(() -> t2.put(b("k"), b("2")), LockTimeoutException.class);
            } finally {
                t2.abort();
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.LOCK_TIMEOUT);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(db.transactionStats().lockTimeouts()).isEqualTo(1);
        t1.commit();
        Transaction t3 = db.beginTransaction(new TransactionOptions().lockTimeout(Duration.ZERO));
        t3.put(b("k"), b("3")); // free after the commit
        t3.abort();
        Transaction t4 = db.beginTransaction(new TransactionOptions().lockTimeout(Duration.ZERO));
        t4.put(b("k"), b("4")); // free after the abort
        t4.put(b("k"), b("5")); // its own lock: taken once
        t4.commit();
        assertThat(s(db.get(b("k")))).isEqualTo("5");
    }

    @Test
    void aKeyChangedAfterTheSnapshotFailsTheWriteAtOnce() {
        open(TransactionMode.PESSIMISTIC);
        Transaction t = db.beginTransaction();
        assertThat(t.snapshotSeqno()).as("pessimistic: the snapshot is taken at begin").isEqualTo(db.latestSeqno());
        db.put(b("k"), b("changed"));
        TransactionConflictException e = conflictOf(() -> t.put(b("k"), b("mine")));
        assertThat(e.conflictSeqno()).isEqualTo(db.latestSeqno());
        conflictOf(() -> t.getForUpdate(b("k"))); // still conflicting
        t.abort();
        assertThat(s(db.get(b("k")))).isEqualTo("changed");
    }

    @Test
    void aPlainWriteToALockedKeyFailsTheCommit() {
        open(TransactionMode.PESSIMISTIC);
        Transaction t = db.beginTransaction();
        t.put(b("k"), b("txn"));
        db.put(b("k"), b("plain")); // plain writes take no transaction locks
        conflictOf(t::commit);
        assertThat(s(db.get(b("k")))).isEqualTo("plain");
    }

    @Test
    void getForUpdateLocksInPessimisticModeOnly() throws Exception {
        open(TransactionMode.PESSIMISTIC);
        db.put(b("k"), b("0"));
        Transaction reader = db.beginTransaction();
        Transaction plainReader = db.beginTransaction();
        assertThat(s(reader.getForUpdate(b("k")))).isEqualTo("0");
        assertThat(s(plainReader.get(b("j")))).isNull();
        CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
            Transaction w = db.beginTransaction();
            try {
                return catchThrowableOfType(() -> w.put(b("k"), b("1")), LockTimeoutException.class);
            } finally {
                w.abort();
            }
        });
        assertThat(writer.get(10, TimeUnit.SECONDS)).isNotNull();
        reader.commit();
        // A plain get is neither locked nor checked: its key may change before the commit.
        db.put(b("j"), b("changed"));
        plainReader.put(b("elsewhere"), b("1"));
        plainReader.commit();
        db.close();
        open(TransactionMode.OPTIMISTIC);
        Transaction a = db.beginTransaction();
        Transaction c = db.beginTransaction();
        a.getForUpdate(b("k"));
        c.put(b("k"), b("no lock in optimistic mode"));
        c.commit();
        a.put(b("k"), b("late"));
        conflictOf(a::commit);
    }

    @Test
    void aDeadlockEndsByTimeoutAndRetriesFinishBoth() throws Exception {
        open(TransactionMode.PESSIMISTIC);
        db.put(b("a"), b("0"));
        db.put(b("b"), b("0"));
        CyclicBarrier bothLockedFirst = new CyclicBarrier(2);
        CompletableFuture<?>[] f = new CompletableFuture<?>[2];
        for (int i = 0; i < 2; i++) {
            String first = i == 0 ? "a" : "b";
            String second = i == 0 ? "b" : "a";
            f[i] = CompletableFuture.runAsync(() -> db.transaction((txn, attempt) -> {
                int x = Integer.parseInt(s(txn.getForUpdate(b(first))));
                if (attempt == 1) {
                    try {
                        bothLockedFirst.await(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
                int y = Integer.parseInt(s(txn.getForUpdate(b(second))));
                txn.put(b(first), b(Integer.toString(x + 1)));
                txn.put(b(second), b(Integer.toString(y + 1)));
                return null;
            }, new TransactionOptions().maxRetries(10)));
        }
        CompletableFuture.allOf(f).get(30, TimeUnit.SECONDS);
        assertThat(s(db.get(b("a")))).isEqualTo("2");
        assertThat(s(db.get(b("b")))).isEqualTo("2");
        assertThat(db.transactionStats().lockTimeouts()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void closingTheDatabaseReleasesTransactionLocksAndFailsWaiters() throws Exception {
        open(TransactionMode.PESSIMISTIC);
        Transaction holder = db.beginTransaction();
        holder.put(b("k"), b("1"));
        CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
            Transaction w = db.beginTransaction(new TransactionOptions().lockTimeout(Duration.ofSeconds(30)));
            return catchThrowableOfType(() -> w.put(b("k"), b("2")), ClosedException.class);
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (db.transactionStats().begun() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        db.close();
        assertThat(waiter.get(20, TimeUnit.SECONDS)).isNotNull();
        assertThatThrownBy(holder::commit).isInstanceOf(ClosedException.class);
    }
}
