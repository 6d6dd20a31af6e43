package dev.strata.engine.txn;

import dev.strata.engine.BusyException;
import dev.strata.engine.Durability;
import dev.strata.engine.ErrorCode;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.strata.engine.TestUtil.b;
import static dev.strata.engine.TestUtil.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The anomalies snapshot isolation rules out, each forced deterministically, in both modes:
 * dirty read (an uncommitted or aborted write is never seen), lost update (of two concurrent
 * read-modify-writes of one key exactly one commits; with retries both apply), non-repeatable
 * read (a transaction reads the same value however often, whatever commits meanwhile).
 */
class SnapshotIsolationAnomaliesTest {
    @TempDir
    Path dir;
    private StrataDatabase db;

    private void open(TransactionMode mode) {
        db = StrataDatabase.open(dir.resolve("db"), StrataOptions.defaults().durability(Durability.SYNC)
                .transactionMode(mode).lockTimeout(Duration.ofSeconds(10)));
    }

    @AfterEach
    void closeDb() {
        if (db != null) {
            db.close();
        }
    }

    private static int readInt(Transaction t, String key) {
        return Integer.parseInt(s(t.get(b(key))));
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    void noDirtyRead(TransactionMode mode) {
        open(mode);
        db.put(b("x"), b("committed"));
        Transaction writer = db.beginTransaction();
        writer.put(b("x"), b("dirty"));
        writer.put(b("new"), b("dirty"));
        Transaction reader = db.beginTransaction();
        assertThat(s(reader.get(b("x")))).isEqualTo("committed");
        assertThat(reader.get(b("new"))).isNull();
        try (StrataIterator<KeyValue> it = reader.iterator(RangeOptions.all())) {
            assertThat(s(it.next().value())).isEqualTo("committed");
            assertThat(it.hasNext()).isFalse();
        }
        assertThat(s(db.get(b("x")))).as("plain reads").isEqualTo("committed");
        writer.abort();
        reader.commit();
        Transaction after = db.beginTransaction();
        assertThat(s(after.get(b("x")))).as("an aborted write is never seen").isEqualTo("committed");
        assertThat(after.get(b("new"))).isNull();
        after.abort();
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    void noLostUpdate(TransactionMode mode) throws Exception {
        open(mode);
        db.put(b("x"), b("10"));
        Transaction t1 = db.beginTransaction();
        Transaction t2 = db.beginTransaction();
        int seen1 = readInt(t1, "x");
        int seen2 = readInt(t2, "x");
        assertThat(seen1).isEqualTo(10).isEqualTo(seen2);
        t1.put(b("x"), b(Integer.toString(seen1 + 1)));
        if (mode == TransactionMode.OPTIMISTIC) {
            t2.put(b("x"), b(Integer.toString(seen2 + 1)));
            t1.commit();
            BusyException e = catchThrowableOfType(t2::commit, BusyException.class);
            assertThat(e).as("the second commit of the same read-modify-write fails").isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.BUSY);
            assertThat(e).isInstanceOf(TransactionConflictException.class);
            assertThat(((TransactionConflictException) e).conflictSeqno()).isEqualTo(db.latestSeqno());
            assertThat(s(((TransactionConflictException) e).key())).isEqualTo("x");
        } else {
            // t1 holds x's lock: t2's write waits for it, then finds x changed after its snapshot.
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Throwable> second = CompletableFuture.supplyAsync(() -> {
                started.countDown();
                return catchThrowableOfType(() -> t2.put(b("x"), b(Integer.toString(seen2 + 1))), BusyException.class);
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            awaitWaiting(t2);
            t1.commit();
            Throwable e = second.get(10, TimeUnit.SECONDS);
            assertThat(e).as("the blocked write fails at the operation once the lock is free").isNotNull();
            t2.abort();
        }
        assertThat(s(db.get(b("x")))).isEqualTo("11");
        assertThat(db.transactionStats().conflicts()).isEqualTo(1);
        // With the callback form both increments apply: the loser waits for the winner's commit and retries.
        CountDownLatch bothRead = new CountDownLatch(2);
        CompletableFuture<?>[] incs = new CompletableFuture<?>[2];
        for (int i = 0; i < 2; i++) {
            incs[i] = CompletableFuture.runAsync(() -> db.transaction((txn, attempt) -> {
                int v = Integer.parseInt(s(txn.getForUpdate(b("x"))));
                if (attempt == 1) {
                    bothRead.countDown();
                    awaitQuietly(bothRead, mode);
                }
                txn.put(b("x"), b(Integer.toString(v + 1)));
                return null;
            }, new TransactionOptions().maxRetries(5).coordinatedRetry(true)));
        }
        CompletableFuture.allOf(incs).get(30, TimeUnit.SECONDS);
        assertThat(s(db.get(b("x")))).isEqualTo("13");
    }

    /** Optimistic: both read before either writes. Pessimistic: the second waits for the lock, so do not wait for it. */
    private static void awaitQuietly(CountDownLatch latch, TransactionMode mode) {
        if (mode == TransactionMode.OPTIMISTIC) {
            try {
                assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until some thread is blocked on a transaction key lock (the other transaction's write). */
    private void awaitWaiting(Transaction blocked) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getState() == Thread.State.TIMED_WAITING && java.util.Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getClassName().endsWith("LockTable") && f.getMethodName().equals("acquire"))) {
                    return;
                }
            }
            Thread.sleep(1); // polling for a condition, with a deadline
        }
        throw new AssertionError("transaction " + blocked.id() + " never blocked on the lock");
    }

    @ParameterizedTest
    @EnumSource(TransactionMode.class)
    void noNonRepeatableRead(TransactionMode mode) {
        open(mode);
        db.put(b("x"), b("a"));
        db.put(b("y"), b("a"));
        Transaction t = db.beginTransaction();
        assertThat(s(t.get(b("x")))).isEqualTo("a");
        db.put(b("x"), b("b"));
        db.remove(b("y"));
        db.transaction((other, attempt) -> {
            other.put(b("x"), b("c"));
            other.put(b("z"), b("c"));
            return null;
        });
        assertThat(s(t.get(b("x")))).as("the same value on a second read").isEqualTo("a");
        assertThat(s(t.get(b("y")))).as("a key removed meanwhile").isEqualTo("a");
        assertThat(t.get(b("z"))).as("a key inserted meanwhile").isNull();
        try (StrataIterator<KeyValue> it = t.iterator(RangeOptions.all())) {
            assertThat(s(it.next().value())).isEqualTo("a");
            assertThat(s(it.next().value())).isEqualTo("a");
            assertThat(it.hasNext()).isFalse();
        }
        t.commit(); // read-only: nothing to conflict
        assertThat(s(db.get(b("x")))).isEqualTo("c");
    }
}
