package dev.strata.engine.lock;

import dev.strata.engine.util.CfKey;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A {@link Lock} over one key's user lock, so code written against {@code java.util.concurrent}
 * (Spring's lock registries, {@code try { lock.lock(); ... } finally { lock.unlock(); }}) can use
 * a database lock. It is the same lock {@code db.tryLock(key)} and {@code db.withLock(key, ...)}
 * take: not reentrant (a second {@code lock()} by the holder waits forever), and
 * {@link #unlock()} releases it whoever holds it, throwing {@link IllegalMonitorStateException}
 * only when it is not held at all. Views are cheap and stateless; any number may exist per key.
 */
final class KeyLockView implements Lock {
    private final LockTable<CfKey> table;
    private final CfKey key;

    KeyLockView(LockTable<CfKey> table, CfKey key) {
        this.table = table;
        this.key = key;
    }

    @Override
    public void lock() {
        table.acquireUninterruptibly(key, Thread.currentThread());
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        table.acquire(key, Thread.currentThread(), -1);
    }

    @Override
    public boolean tryLock() {
        return table.tryLock(key, Thread.currentThread(), null);
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return table.acquire(key, Thread.currentThread(), Math.max(0, unit.toNanos(time)));
    }

    @Override
    public void unlock() {
        if (!table.unlock(key)) {
            throw new IllegalMonitorStateException("the lock on " + key + " is not held");
        }
    }

    /** A condition of this key's lock; its await and signal need the lock held by the calling thread. */
    @Override
    public Condition newCondition() {
        return new KeyCondition(table, key);
    }

    @Override
    public String toString() {
        return "Lock[" + key + (table.isLocked(key) ? ", held]" : ", free]");
    }
}
