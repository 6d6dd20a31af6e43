package dev.strata.engine.lock;

import dev.strata.engine.ClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * Exclusive per-key locks, created on demand and dropped when nobody holds or wants them. One
 * table holds a database's user locks ({@link UserLocks}); another its pessimistic transactions'
 * key locks. A lock belongs to the key, not to a thread: whoever calls {@link #unlock} releases
 * it (rocksdb-js semantics); the owner object is recorded so that transactions release only
 * their own locks and a {@link java.util.concurrent.locks.Condition} can check its caller.
 *
 * <p>Invariants. An entry is in the map while its reference count is above zero; the count is
 * the holder, each thread blocked acquiring it and each queued unlock callback. The count changes
 * only inside the map's {@code compute} (the bin lock), so an entry is never dropped while
 * someone is about to use it and a key never has two entries. Held or free is the entry's AQS
 * state; the entry's monitor guards its callback queue, and both a release and a failed try
 * that queues a callback run under it, so a callback is never queued after the release that
 * should have run it.
 */
public final class LockTable<K> {
    private static final Logger LOG = LoggerFactory.getLogger(LockTable.class);

    private final ConcurrentHashMap<K, KeyLock> locks = new ConcurrentHashMap<>();
    private final String what;
    private volatile boolean closed;

    /** One key's lock: AQS state 0 free, 1 held. */
    private static final class KeyLock extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;

        /** Guarded by the map bin of its key (changed only in compute). */
        int refs;
        volatile Object owner;
        /** Callbacks waiting for the release; guarded by this. */
        ArrayDeque<Runnable> callbacks;

        @Override
        protected boolean tryAcquire(int ignored) {
            return compareAndSetState(0, 1);
        }

        @Override
        protected boolean tryRelease(int ignored) {
            setState(0);
            return true;
        }

        boolean held() {
            return getState() != 0;
        }
    }

    /** @param what what the locks are, for messages ("lock", "transaction lock") */
    public LockTable(String what) {
        this.what = what;
    }

    /**
     * Takes the lock of {@code key} for {@code owner} if it is free. If it is held and
     * {@code onUnlocked} is not null, queues it to run (on the releasing thread) when the lock is
     * released, or when the table closes.
     */
    public boolean tryLock(K key, Object owner, Runnable onUnlocked) {
        checkOpen(key);
        KeyLock l = retain(key);
        synchronized (l) {
            if (l.tryAcquire(1)) {
                l.owner = owner;
                if (closed) {
                    l.owner = null;
                    l.release(1);
                } else {
                    return true;
                }
            } else if (onUnlocked != null && !closed) {
                if (l.callbacks == null) {
                    l.callbacks = new ArrayDeque<>(2);
                }
                l.callbacks.add(onUnlocked); // keeps its reference until it runs
                return false;
            }
        }
        unretain(key, l);
        checkOpen(key);
        return false;
    }

    /**
     * Waits for the lock of {@code key} for {@code owner}, at most {@code timeoutNanos} (forever
     * if negative). Returns false on timeout.
     *
     * @throws InterruptedException if interrupted while waiting (the lock is not taken)
     * @throws ClosedException      if the table closed before or while waiting
     */
    public boolean acquire(K key, Object owner, long timeoutNanos) throws InterruptedException {
        checkOpen(key);
        KeyLock l = retain(key);
        boolean got = false;
        try {
            if (timeoutNanos < 0) {
                l.acquireInterruptibly(1);
                got = true;
            } else {
                got = l.tryAcquireNanos(1, timeoutNanos);
            }
        } finally {
            if (!got) {
                unretain(key, l);
            }
        }
        return got && granted(key, l, owner);
    }

    /** As {@link #acquire} with no timeout, ignoring interrupts (for {@link java.util.concurrent.locks.Lock#lock()}). */
    public void acquireUninterruptibly(K key, Object owner) {
        checkOpen(key);
        KeyLock l = retain(key);
        l.acquire(1);
        granted(key, l, owner);
    }

    /** Records the owner of a lock just acquired, or gives it back if the table closed meanwhile. */
    private boolean granted(K key, KeyLock l, Object owner) {
        l.owner = owner;
        if (closed) {
            unlock(key);
            throw new ClosedException(what + " table is closed (its database closed)");
        }
        return true;
    }

    /** Releases the lock of {@code key}, whoever holds it, and runs its queued callbacks. False if it was not held. */
    public boolean unlock(K key) {
        return release(key, null);
    }

    /** Releases the lock of {@code key} only if {@code owner} holds it. */
    public boolean unlockIfOwner(K key, Object owner) {
        return release(key, owner);
    }

    private boolean release(K key, Object requiredOwner) {
        while (true) {
            KeyLock l = locks.get(key);
            if (l == null) {
                return false;
            }
            List<Runnable> callbacks;
            synchronized (l) {
                if (!l.held() || (requiredOwner != null && l.owner != requiredOwner)) {
                    if (l.held() || locks.get(key) == l) {
                        return false;
                    }
                    continue; // a dropped entry: look again
                }
                l.owner = null;
                l.release(1);
                callbacks = l.callbacks == null ? List.of() : List.copyOf(l.callbacks);
                l.callbacks = null;
            }
            unretain(key, l); // the holder's reference
            for (Runnable r : callbacks) {
                unretain(key, l);
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("An unlock callback of {} {} failed", what, key, e);
                }
            }
            return true;
        }
    }

    /** Whether the lock of {@code key} is held. */
    public boolean isLocked(K key) {
        KeyLock l = locks.get(key);
        return l != null && l.held();
    }

    /** The owner of the lock of {@code key}, or null when it is free. */
    public Object owner(K key) {
        KeyLock l = locks.get(key);
        return l == null || !l.held() ? null : l.owner;
    }

    /** Keys with an entry (held, waited for or with callbacks), for tests and statistics. */
    public int size() {
        return locks.size();
    }

    /**
     * Releases every lock and runs every queued callback; later calls throw
     * {@link ClosedException}, and threads waiting for a lock get it too.
     */
    public void close() {
        closed = true;
        for (K key : locks.keySet()) {
            unlock(key);
        }
    }

    private void checkOpen(K key) {
        if (closed) {
            throw new ClosedException("cannot lock " + key + ": the " + what + " table is closed (its database closed)");
        }
    }

    private KeyLock retain(K key) {
        return locks.compute(key, (k, l) -> {
            KeyLock e = l == null ? new KeyLock() : l;
            e.refs++;
            return e;
        });
    }

    private void unretain(K key, KeyLock l) {
        locks.computeIfPresent(key, (k, e) -> e != l || --e.refs > 0 ? e : null);
    }
}
