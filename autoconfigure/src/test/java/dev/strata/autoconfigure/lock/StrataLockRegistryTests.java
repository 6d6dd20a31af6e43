package dev.strata.autoconfigure.lock;

import dev.strata.autoconfigure.Eventually;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link StrataLockRegistry} and {@link StrataLock}: exclusion, reentrancy, ownership, conditions, keys. */
class StrataLockRegistryTests {

    @TempDir
    Path dir;

    private StrataDatabase db;
    private StrataLockRegistry registry;
    private ExecutorService other;

    @BeforeEach
    void open() {
        db = StrataDatabase.open(dir, StrataOptions.defaults());
        registry = new StrataLockRegistry(db);
        other = Executors.newCachedThreadPool();
    }

    @AfterEach
    void close() {
        other.shutdown();
        db.close();
    }

    private <T> T elsewhere(java.util.concurrent.Callable<T> task) throws Exception {
        return other.submit(task).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aLockExcludesOtherThreadsAndIsTheEnginesLockOfTheKey() throws Exception {
        Lock lock = registry.obtain("reorder/lamp");
        lock.lock();
        try {
            assertThat(db.hasLock("reorder/lamp".getBytes(StandardCharsets.UTF_8))).isTrue();
            assertThat(registry.isLocked("reorder/lamp")).isTrue();
            assertThat(elsewhere(() -> registry.obtain("reorder/lamp").tryLock())).isFalse();
            assertThat(elsewhere(() -> registry.obtain("reorder/lamp").tryLock(20, TimeUnit.MILLISECONDS))).isFalse();
            assertThat(elsewhere(() -> db.tryLock("reorder/lamp".getBytes(StandardCharsets.UTF_8)))).isFalse();
            assertThat(elsewhere(() -> {
                Lock another = registry.obtain("another");
                boolean got = another.tryLock();
                another.unlock();
                return got;
            })).as("other keys are free").isTrue();
        } finally {
            lock.unlock();
        }
        assertThat(registry.isLocked("reorder/lamp")).isFalse();
        assertThat(registry.heldCount()).isZero();
        assertThat(elsewhere(() -> {
            Lock l = registry.obtain("reorder/lamp".getBytes(StandardCharsets.UTF_8));
            boolean got = l.tryLock();
            l.unlock();
            return got;
        })).isTrue();
    }

    @Test
    void aWaiterGetsTheLockWhenItIsReleased() throws Exception {
        StrataLock lock = registry.obtain("k");
        lock.lock();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            StrataLock mine = registry.obtain("k");
            mine.lock();
            boolean held = mine.isHeldByCurrentThread();
            mine.unlock();
            return held;
        }, other);
        Eventually.await("the waiter to be waiting", () -> !waiter.isDone());
        lock.unlock();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theHolderTakesItAgainAndReleasesItAfterAsManyUnlocks() throws Exception {
        StrataLock first = registry.obtain("k");
        StrataLock second = registry.obtain("k");
        first.lock();
        assertThat(second.tryLock()).isTrue();
        second.lockInterruptibly();
        assertThat(first.tryLock(1, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(first.getHoldCount()).isEqualTo(4);
        first.unlock();
        first.unlock();
        second.unlock();
        assertThat(elsewhere(() -> registry.obtain("k").tryLock())).as("still held once").isFalse();
        second.unlock();
        assertThat(first.isHeldByCurrentThread()).isFalse();
        assertThat(registry.isLocked("k")).isFalse();
        assertThatThrownBy(first::unlock).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void onlyTheHolderUnlocks() throws Exception {
        StrataLock lock = registry.obtain("k");
        lock.lock();
        Future<?> foreign = other.submit(() -> registry.obtain("k").unlock());
        assertThatThrownBy(() -> foreign.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        assertThat(lock.toString()).contains("k", "held");
        lock.unlock();
        assertThat(lock.toString()).contains("free");
    }

    @Test
    void aConditionReleasesEveryHoldWhileWaitingAndRestoresThem() throws Exception {
        StrataLock lock = registry.obtain("queue");
        Condition ready = lock.newCondition();
        AtomicBoolean signalled = new AtomicBoolean();
        AtomicInteger holdsAfterWait = new AtomicInteger(-1);
        lock.lock();
        lock.lock();
        Future<?> signaller = other.submit(() -> {
            StrataLock theirs = registry.obtain("queue");
            theirs.lock(); // possible only because await released both holds
            try {
                signalled.set(true);
                ready.signal();
            } finally {
                theirs.unlock();
            }
            return null;
        });
        while (!signalled.get()) {
            ready.await(30, TimeUnit.SECONDS);
        }
        holdsAfterWait.set(lock.getHoldCount());
        signaller.get(30, TimeUnit.SECONDS);
        assertThat(holdsAfterWait.get()).isEqualTo(2);
        lock.unlock();
        lock.unlock();
        assertThat(registry.isLocked("queue")).isFalse();
        assertThatThrownBy(ready::signal).as("signal needs the lock").isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(ready::awaitUninterruptibly).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void aTimedConditionWaitTimesOutHoldingTheLockAgain() throws Exception {
        StrataLock lock = registry.obtain("k");
        Condition never = lock.newCondition();
        lock.lock();
        try {
            assertThat(never.await(10, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(never.awaitNanos(1_000_000)).isLessThanOrEqualTo(0);
            assertThat(never.awaitUntil(new java.util.Date(System.currentTimeMillis() + 5))).isFalse();
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            never.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void keysAreStringsOrBytesAndNeverEmpty() {
        assertThatThrownBy(() -> registry.obtain(42)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("java.lang.Integer");
        assertThatThrownBy(() -> registry.obtain(null)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> registry.obtain("")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> registry.obtain(new byte[0])).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new StrataLockRegistry(null)).isInstanceOf(InvalidArgumentException.class);
        assertThat(registry.database()).isSameAs(db);
    }
}
