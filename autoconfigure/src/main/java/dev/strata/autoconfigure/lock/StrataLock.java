package dev.strata.autoconfigure.lock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * One key's lock from {@link StrataLockRegistry}: the engine's user lock of the key, made
 * reentrant for its holder (a thread that holds it takes it again at once, and releases it after
 * as many unlocks) and owned by that thread ({@link #unlock()} by another thread throws
 * {@link IllegalMonitorStateException}). The engine lock is taken on the first acquisition and
 * released on the last unlock. {@link #newCondition()} gives real conditions: {@code await}
 * releases the lock whatever the hold count and restores it after.
 */
public final class StrataLock implements Lock {

    private final StrataLockRegistry registry;
    private final Lock engineLock;
    private final byte[] key;
    private final ByteBuffer mapKey;

    StrataLock(StrataLockRegistry registry, Lock engineLock, byte[] key) {
        this.registry = registry;
        this.engineLock = engineLock;
        this.key = key;
        this.mapKey = StrataLockRegistry.mapKey(key);
    }

    /** True (and one more hold) if the current thread already holds the lock. */
    private boolean reenter() {
        StrataLockRegistry.Hold hold = registry.holds.get(mapKey);
        if (hold != null && hold.owner == Thread.currentThread()) {
            hold.count++;
            return true;
        }
        return false;
    }

    private void acquired() {
        registry.holds.put(mapKey, new StrataLockRegistry.Hold());
    }

    @Override
    public void lock() {
        if (!reenter()) {
            engineLock.lock();
            acquired();
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (!reenter()) {
            engineLock.lockInterruptibly();
            acquired();
        }
    }

    @Override
    public boolean tryLock() {
        if (reenter()) {
            return true;
        }
        if (engineLock.tryLock()) {
            acquired();
            return true;
        }
        return false;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (reenter()) {
            return true;
        }
        if (engineLock.tryLock(time, unit)) {
            acquired();
            return true;
        }
        return false;
    }

    @Override
    public void unlock() {
        StrataLockRegistry.Hold hold = ownHold();
        if (--hold.count == 0) {
            registry.holds.remove(mapKey);
            engineLock.unlock();
        }
    }

    /** Whether the current thread holds this lock. */
    public boolean isHeldByCurrentThread() {
        StrataLockRegistry.Hold hold = registry.holds.get(mapKey);
        return hold != null && hold.owner == Thread.currentThread();
    }

    /** How many times the current thread holds this lock (0 if it does not). */
    public int getHoldCount() {
        StrataLockRegistry.Hold hold = registry.holds.get(mapKey);
        return hold != null && hold.owner == Thread.currentThread() ? hold.count : 0;
    }

    private StrataLockRegistry.Hold ownHold() {
        StrataLockRegistry.Hold hold = registry.holds.get(mapKey);
        if (hold == null || hold.owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("the lock on '" + this.keyText() + "' is not held by this thread");
        }
        return hold;
    }

    @Override
    public Condition newCondition() {
        return new HoldingCondition(engineLock.newCondition());
    }

    private String keyText() {
        return new String(key, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "StrataLock[" + keyText() + (registry.isLocked(key) ? ", held]" : ", free]");
    }

    /** An engine condition wait that may be interrupted. */
    @FunctionalInterface
    private interface InterruptibleWait<T> {
        T run() throws InterruptedException;
    }

    /**
     * The engine condition, with this lock's hold taken off the registry while the engine lock is
     * released for the wait (so the thread that takes it meanwhile records its own hold) and put
     * back once the wait has taken the engine lock again.
     */
    private final class HoldingCondition implements Condition {
        private final Condition engine;

        HoldingCondition(Condition engine) {
            this.engine = engine;
        }

        private StrataLockRegistry.Hold release() {
            StrataLockRegistry.Hold hold = ownHold();
            registry.holds.remove(mapKey);
            return hold;
        }

        private void restore(StrataLockRegistry.Hold hold) {
            registry.holds.put(mapKey, hold);
        }

        /** Runs an interruptible engine wait with this thread's hold taken off the registry meanwhile. */
        private <T> T released(InterruptibleWait<T> wait) throws InterruptedException {
            StrataLockRegistry.Hold hold = release();
            try {
                return wait.run();
            } finally {
                restore(hold);
            }
        }

        @Override
        public void await() throws InterruptedException {
            released(() -> {
                engine.await();
                return null;
            });
        }

        @Override
        public void awaitUninterruptibly() {
            StrataLockRegistry.Hold hold = release();
            try {
                engine.awaitUninterruptibly();
            } finally {
                restore(hold);
            }
        }

        @Override
        public long awaitNanos(long nanosTimeout) throws InterruptedException {
            return released(() -> engine.awaitNanos(nanosTimeout));
        }

        @Override
        public boolean await(long time, TimeUnit unit) throws InterruptedException {
            return awaitNanos(unit.toNanos(time)) > 0;
        }

        @Override
        public boolean awaitUntil(Date deadline) throws InterruptedException {
            return awaitNanos(TimeUnit.MILLISECONDS.toNanos(deadline.getTime() - System.currentTimeMillis())) > 0;
        }

        @Override
        public void signal() {
            ownHold();
            engine.signal();
        }

        @Override
        public void signalAll() {
            ownHold();
            engine.signalAll();
        }
    }
}
