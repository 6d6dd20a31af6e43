package dev.strata.engine.lock;

import dev.strata.engine.util.CfKey;

import java.util.Date;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link Condition} of a key's user lock ({@link KeyLockView#newCondition()}): {@code await}
 * releases the key's lock, waits for a signal, and takes the lock again before returning, as
 * {@code Object.wait} does with a monitor. Every method needs the lock held by the calling
 * thread (taken through the view or {@code db.tryLock} on that thread), else it throws
 * {@link IllegalMonitorStateException}.
 *
 * <p>A signal goes to the longest waiting thread. A waiter that times out or is interrupted at
 * the moment it is signalled keeps the signal (returns as signalled, with its interrupt status
 * set again), so a signal is never lost to a thread that stopped waiting.
 */
final class KeyCondition implements Condition {
    private final LockTable<CfKey> table;
    private final CfKey key;
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean signalled;
    }

    KeyCondition(LockTable<CfKey> table, CfKey key) {
        this.table = table;
        this.key = key;
    }

    private void checkHeld() {
        if (table.owner(key) != Thread.currentThread()) {
            throw new IllegalMonitorStateException("the lock on " + key + " is not held by this thread");
        }
    }

    /** What {@link #awaitCore} returns when an interruptible wait was interrupted. */
    private static final long INTERRUPTED = Long.MIN_VALUE;

    /**
     * Waits until signalled or {@code nanos} passed (forever if negative). Returns the nanoseconds
     * left (at most 0 on timeout; at least 1 when signalled), or {@link #INTERRUPTED}.
     */
    private long awaitCore(long nanos, boolean interruptible) {
        checkHeld();
        Waiter w = new Waiter();
        waiters.add(w);
        table.unlock(key);
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        long left = 1;
        while (!w.signalled) {
            if (nanos >= 0) {
                left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
            if (Thread.interrupted()) {
                interrupted = true;
                if (interruptible) {
                    break;
                }
            }
        }
        boolean signalled = !waiters.remove(w); // someone took us off the queue: we were signalled
        table.acquireUninterruptibly(key, Thread.currentThread());
        if (interrupted && interruptible && !signalled) {
            return INTERRUPTED;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return signalled ? Math.max(left, 1) : left;
    }

    private long awaitInterruptibly(long nanos) throws InterruptedException {
        long left = awaitCore(nanos, true);
        if (left == INTERRUPTED) {
            throw new InterruptedException("interrupted while waiting on a condition of the lock on " + key);
        }
        return left;
    }

    @Override
    public void await() throws InterruptedException {
        awaitInterruptibly(-1);
    }

    @Override
    public void awaitUninterruptibly() {
        awaitCore(-1, false);
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        return awaitInterruptibly(Math.max(0, nanosTimeout));
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitNanos(unit.toNanos(time)) > 0;
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        long ms = deadline.getTime() - System.currentTimeMillis();
        return awaitNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(0, ms))) > 0;
    }

    @Override
    public void signal() {
        checkHeld();
        Waiter w = waiters.poll();
        if (w != null) {
            w.signalled = true;
            LockSupport.unpark(w.thread);
        }
    }

    @Override
    public void signalAll() {
        checkHeld();
        Waiter w;
        while ((w = waiters.poll()) != null) {
            w.signalled = true;
            LockSupport.unpark(w.thread);
        }
    }
}
