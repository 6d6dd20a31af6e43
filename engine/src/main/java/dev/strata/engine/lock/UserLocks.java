package dev.strata.engine.lock;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataInterruptedException;
import dev.strata.engine.util.AsyncRunner;
import dev.strata.engine.util.CfKey;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * A database's process-local user locks, with rocksdb-js's semantics: {@link #tryLock} never
 * waits and, when the key is taken, queues its callback until the lock is released;
 * {@link #unlock} releases whoever holds it and runs the queued callbacks; {@link #withLock}
 * runs a body holding the lock; closing releases every lock and runs every callback. The
 * database's lock methods delegate here; {@link #lock(byte[])} adds a
 * {@link java.util.concurrent.locks.Lock} view. Thread-safe.
 *
 * <p>Callbacks run on the thread that releases the lock (or closes the database), after the
 * release, in the order they were queued: keep them short, or hand work to another thread as
 * {@link #withLockAsync} does. A callback usually calls {@code tryLock} again; it may lose the
 * race to another thread, in which case it is queued again.
 */
public final class UserLocks {
    private final LockTable<CfKey> table = new LockTable<>("lock");
    private final AsyncRunner async;

    public UserLocks(AsyncRunner async) {
        this.async = async;
    }

    private static CfKey key(byte[] key) {
        if (key == null) {
            throw new InvalidArgumentException("lock key must not be null");
        }
        return new CfKey(0, key.clone());
    }

    /**
     * Takes the lock of {@code key} if it is free (true). Otherwise returns false and, if
     * {@code onUnlocked} is not null, runs it once when the lock is next released.
     */
    public boolean tryLock(byte[] key, Runnable onUnlocked) {
        return table.tryLock(key(key), Thread.currentThread(), onUnlocked);
    }

    /** Releases the lock of {@code key}, whoever holds it; false if it was not held. */
    public boolean unlock(byte[] key) {
        return table.unlock(key(key));
    }

    public boolean hasLock(byte[] key) {
        return table.isLocked(key(key));
    }

    /**
     * Waits for the lock of {@code key}, runs {@code body} holding it and releases it, returning
     * what the body returned (or throwing what it threw).
     *
     * @throws StrataInterruptedException if interrupted while waiting (the body did not run)
     */
    public <T> T withLock(byte[] key, Supplier<T> body) {
        CfKey k = key(key);
        Thread self = Thread.currentThread();
        try {
            table.acquire(k, self, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataInterruptedException("interrupted while waiting for the lock on " + k, e);
        }
        try {
            return body.get();
        } finally {
            table.unlockIfOwner(k, self);
        }
    }

    /**
     * {@link #withLock} without blocking a thread while waiting: the body runs on the database's
     * async threads once the lock is free; the future completes with its result.
     */
    public <T> CompletableFuture<T> withLockAsync(byte[] key, Supplier<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        new AsyncAttempt<>(key(key), body, result).run();
        return result;
    }

    /** One try of {@link #withLockAsync}; queued as the unlock callback when the key is taken. */
    private final class AsyncAttempt<T> implements Runnable {
        private final CfKey key;
        private final Supplier<T> body;
        private final CompletableFuture<T> result;

        AsyncAttempt(CfKey key, Supplier<T> body, CompletableFuture<T> result) {
            this.key = key;
            this.body = body;
            this.result = result;
        }

        @Override
        public void run() {
            try {
                if (!table.tryLock(key, this, this)) {
                    return; // run() again at the release
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            async.submit(body).whenComplete((value, failure) -> {
                table.unlockIfOwner(key, this);
                if (failure != null) {
                    result.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                } else {
                    result.complete(value);
                }
            });
        }
    }

    /** A {@link Lock} view of the lock of {@code key}. */
    public Lock lock(byte[] key) {
        return new KeyLockView(table, key(key));
    }

    /** Keys with a lock entry (held or waited for). */
    public int size() {
        return table.size();
    }

    /** Releases every lock and runs every queued callback; later calls throw {@code ClosedException}. */
    public void close() {
        table.close();
    }
}
