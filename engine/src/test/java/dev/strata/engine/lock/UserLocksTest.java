package dev.strata.engine.lock;

import dev.strata.engine.ClosedException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

import static dev.strata.engine.TestUtil.await;
import static dev.strata.engine.TestUtil.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * User locks with rocksdb-js's semantics: tryLock never waits and queues its callback, unlock
 * runs the queued callbacks in order, withLock (blocking and async) is mutually exclusive under
 * contention, close releases every lock and runs every callback, and the
 * {@link java.util.concurrent.locks.Lock} view (with conditions) is the same lock.
 */
class UserLocksTest {
    @TempDir
    Path dir;
    private StrataDatabase db;

    @BeforeEach
    void open() {
        db = StrataDatabase.open(dir.resolve("db"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void tryLockUnlockAndHasLock() {
        assertThat(db.hasLock(b("k"))).isFalse();
        assertThat(db.tryLock(b("k"))).isTrue();
        assertThat(db.hasLock(b("k"))).isTrue();
        assertThat(db.tryLock(b("k"))).as("not reentrant").isFalse();
        assertThat(db.hasLock(b("other"))).isFalse();
        assertThat(db.unlock(b("k"))).isTrue();
        assertThat(db.unlock(b("k"))).as("already released").isFalse();
        assertThat(db.hasLock(b("k"))).isFalse();
        assertThatThrownBy(() -> db.tryLock(null)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void aFailedTryLockQueuesItsCallbackUntilTheRelease() throws Exception {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        assertThat(db.tryLock(b("k"), () -> ran.add("never: it got the lock"))).isTrue();
        assertThat(db.tryLock(b("k"), () -> ran.add("first"))).isFalse();
        assertThat(db.tryLock(b("k"), () -> ran.add("second"))).isFalse();
        assertThat(ran).isEmpty();
        // Released from another thread: locks belong to keys, not threads.
        CompletableFuture.runAsync(() -> assertThat(db.unlock(b("k"))).isTrue()).get(10, TimeUnit.SECONDS);
        assertThat(ran).containsExactly("first", "second");
        assertThat(db.hasLock(b("k"))).isFalse();
        // The usual pattern: the callback retries the work.
        AtomicInteger done = new AtomicInteger();
        assertThat(db.tryLock(b("k"))).isTrue();
        Runnable[] work = new Runnable[1];
        work[0] = () -> {
            if (db.tryLock(b("k"), work[0])) {
                done.incrementAndGet();
                db.unlock(b("k"));
            }
        };
        work[0].run();
        assertThat(done.get()).isZero();
        db.unlock(b("k"));
        assertThat(done.get()).isEqualTo(1);
        assertThat(db.hasLock(b("k"))).isFalse();
    }

    @Test
    void withLockIsMutuallyExclusiveUnderContention() throws Exception {
        int threads = 4;
        int rounds = 2_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        long[] counter = new long[1];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        db.withLock(b("counter"), () -> {
                            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            counter[0]++; // unsynchronized on purpose: the lock must make it safe
                            inside.decrementAndGet();
                            return null;
                        });
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(maxInside.get()).isEqualTo(1);
        assertThat(counter[0]).isEqualTo((long) threads * rounds);
        assertThat(db.hasLock(b("counter"))).isFalse();
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> db.withLock(b("counter"), () -> {
            throw boom;
        })).isSameAs(boom);
        assertThat(db.hasLock(b("counter"))).as("released when the body throws").isFalse();
    }

    @Test
    void withLockAsyncWaitsWithoutBlockingAThread() throws Exception {
        assertThat(db.tryLock(b("k"))).isTrue();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            fs.add(db.withLockAsync(b("k"), () -> {
                order.add(n);
                assertThat(db.hasLock(b("k"))).isTrue();
                return n * 10;
            }));
        }
        assertThat(fs).noneMatch(CompletableFuture::isDone);
        db.unlock(b("k"));
        for (int i = 0; i < 3; i++) {
            assertThat(fs.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i * 10);
        }
        assertThat(order).hasSize(3);
        CompletableFuture<Object> failing = db.withLockAsync(b("k"), () -> {
            throw new IllegalStateException("async boom");
        });
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        await("release after the failed body", () -> !db.hasLock(b("k")));
    }

    @Test
    void closingReleasesEveryLockAndRunsEveryCallback() throws Exception {
        assertThat(db.tryLock(b("a"))).isTrue();
        assertThat(db.tryLock(b("b"))).isTrue();
        AtomicInteger callbacks = new AtomicInteger();
        assertThat(db.tryLock(b("a"), callbacks::incrementAndGet)).isFalse();
        assertThat(db.tryLock(b("b"), callbacks::incrementAndGet)).isFalse();
        CompletableFuture<Object> pending = db.withLockAsync(b("a"), () -> "never");
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                db.withLock(b("b"), () -> "never");
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        Lock view = db.lock(b("a"));
        db.close();
        assertThat(callbacks.get()).isEqualTo(2);
        assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ClosedException.class);
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isInstanceOf(ClosedException.class);
        assertThatThrownBy(() -> db.tryLock(b("a"))).isInstanceOf(ClosedException.class);
        assertThat(db.unlock(b("a"))).isFalse();
        assertThat(db.hasLock(b("a"))).isFalse();
        assertThatThrownBy(view::lock).isInstanceOf(ClosedException.class);
        db = StrataDatabase.open(dir.resolve("db"));
        assertThat(db.tryLock(b("a"))).as("a new open has its own locks").isTrue();
    }

    @Test
    void theLockViewIsTheSameLock() throws Exception {
        Lock lock = db.lock(b("k"));
        lock.lock();
        assertThat(db.hasLock(b("k"))).isTrue();
        assertThat(db.tryLock(b("k"))).isFalse();
        assertThat(lock.tryLock()).isFalse();
        long t0 = System.nanoTime();
        assertThat(CompletableFuture.supplyAsync(() -> {
            try {
                return db.lock(b("k")).tryLock(30, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(lock.toString()).contains("held");
        lock.unlock();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.tryLock(1, TimeUnit.SECONDS)).isTrue();
        db.unlock(b("k"));
        lock.lockInterruptibly();
        CompletableFuture<Throwable> interrupted = CompletableFuture.supplyAsync(() -> {
            Thread.currentThread().interrupt();
            try {
                db.lock(b("k")).lockInterruptibly();
                return null;
            } catch (InterruptedException e) {
                return e;
            }
        });
        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        CompletableFuture<Throwable> withLockInterrupted = CompletableFuture.supplyAsync(() -> {
            Thread.currentThread().interrupt();
            try {
                db.withLock(b("k"), () -> null);
                return null;
            } catch (StrataInterruptedException e) {
                return e;
            } finally {
                Thread.interrupted();
            }
        });
        assertThat(withLockInterrupted.get(10, TimeUnit.SECONDS)).isInstanceOf(StrataInterruptedException.class);
        lock.unlock();
        assertThat(db.hasLock(b("k"))).isFalse();
    }

    @Test
    void conditionsReleaseTheLockWhileWaiting() throws Exception {
        Lock lock = db.lock(b("queue"));
        Condition nonEmpty = lock.newCondition();
        List<String> queue = new ArrayList<>();
        CompletableFuture<String> consumer = CompletableFuture.supplyAsync(() -> {
            lock.lock();
            try {
                while (queue.isEmpty()) {
                    nonEmpty.awaitUninterruptibly();
                }
                return queue.remove(0);
            } finally {
                lock.unlock();
            }
        });
        // The consumer waits on the condition, which released the lock: the producer can take it.
        await("the consumer to wait", () -> !db.hasLock(b("queue")) && !consumer.isDone()
                && Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getState() == Thread.State.WAITING
                && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().endsWith("KeyCondition"))));
        lock.lock();
        try {
            queue.add("item");
            nonEmpty.signal();
        } finally {
            lock.unlock();
        }
        assertThat(consumer.get(10, TimeUnit.SECONDS)).isEqualTo("item");
        assertThatThrownBy(nonEmpty::signal).as("needs the lock").isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(nonEmpty::await).isInstanceOf(IllegalMonitorStateException.class);
        lock.lock();
        try {
            assertThat(nonEmpty.await(20, TimeUnit.MILLISECONDS)).as("timed out, not signalled").isFalse();
            assertThat(nonEmpty.awaitNanos(TimeUnit.MILLISECONDS.toNanos(5))).isLessThanOrEqualTo(0);
            assertThat(nonEmpty.awaitUntil(new java.util.Date(System.currentTimeMillis() + 5))).isFalse();
            assertThat(db.hasLock(b("queue"))).as("held again after a timed wait").isTrue();
            nonEmpty.signalAll(); // nobody waits: nothing happens
            Thread.currentThread().interrupt();
            assertThatThrownBy(nonEmpty::await).isInstanceOf(InterruptedException.class);
            assertThat(db.hasLock(b("queue"))).isTrue();
        } finally {
            lock.unlock();
        }
        // signalAll wakes every waiter.
        CountDownLatch waiting = new CountDownLatch(2);
        List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            waiters.add(CompletableFuture.supplyAsync(() -> {
                lock.lock();
                try {
                    waiting.countDown();
                    return nonEmpty.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    lock.unlock();
                }
            }));
        }
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        await("both waiters to release the lock", () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().endsWith("KeyCondition")))
                .count() == 2 && !db.hasLock(b("queue")));
        lock.lock();
        try {
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        for (CompletableFuture<Boolean> w : waiters) {
            assertThat(w.get(10, TimeUnit.SECONDS)).as("signalled before the timeout").isTrue();
        }
    }

    @Test
    void lockEntriesAreDroppedWhenNobodyWantsThem() {
        LockTable<String> table = new LockTable<>("test lock");
        for (int i = 0; i < 100; i++) {
            assertThat(table.tryLock("k" + i, "me", null)).isTrue();
        }
        assertThat(table.size()).isEqualTo(100);
        assertThat(table.tryLock("k0", "you", () -> { })).isFalse();
        for (int i = 0; i < 100; i++) {
            assertThat(table.unlockIfOwner("k" + i, "you")).isFalse();
            assertThat(table.owner("k" + i)).isEqualTo("me");
            assertThat(table.unlockIfOwner("k" + i, "me")).isTrue();
        }
        assertThat(table.size()).isZero();
        assertThat(table.owner("k0")).isNull();
        assertThat(table.isLocked("k0")).isFalse();
    }
}
