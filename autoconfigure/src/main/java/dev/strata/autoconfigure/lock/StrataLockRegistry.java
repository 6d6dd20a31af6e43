package dev.strata.autoconfigure.lock;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key {@link java.util.concurrent.locks.Lock}s over the database's user locks:
 * {@code registry.obtain("reorder/lamp-01")} is a {@link StrataLock} for the engine lock of that
 * key (UTF-8; a {@code byte[]} key is used as it is), the same lock {@code db.tryLock(key)} and
 * {@code db.withLock(key, ...)} take, so code using either excludes the other. Locks are
 * process-local, as the engine's are.
 *
 * <p>Unlike the engine's own {@code Lock} view, a registry lock is reentrant for the thread that
 * holds it, and only that thread may unlock it ({@code ReentrantLock}'s contract, which Spring
 * Integration's lock registries also follow). The hold counts live here, one entry per key
 * while it is held, so memory follows the keys in use.
 *
 * <p>Invariants: an entry of {@link #holds} exists exactly while its key's engine lock is held
 * through a registry lock, outside a condition wait; only the owning thread adds, changes or
 * removes it. Created by {@link StrataLockAutoConfiguration} as {@code strataLockRegistry}
 * ({@link StrataIntegrationLockRegistry} when Spring Integration is present).
 */
public class StrataLockRegistry {

    /** Who holds a key through the registry, and how many times over. */
    static final class Hold {
        final Thread owner = Thread.currentThread();
        int count = 1;
    }

    private final StrataDatabase db;
    final ConcurrentHashMap<ByteBuffer, Hold> holds = new ConcurrentHashMap<>();

    public StrataLockRegistry(StrataDatabase db) {
        if (db == null) {
            throw new InvalidArgumentException("a lock registry needs a database");
        }
        this.db = db;
    }

    /**
     * The lock of {@code lockKey}: a {@code String} (as UTF-8) or a {@code byte[]}. Cheap; any
     * number of lock objects for one key share one lock.
     */
    public StrataLock obtain(Object lockKey) {
        byte[] key = keyBytes(lockKey);
        return new StrataLock(this, db.lock(key), key);
    }

    /** Whether any thread holds the lock of {@code lockKey} (through the registry or the engine). */
    public boolean isLocked(Object lockKey) {
        return db.hasLock(keyBytes(lockKey));
    }

    /** Keys held through the registry right now. */
    public int heldCount() {
        return holds.size();
    }

    public StrataDatabase database() {
        return db;
    }

    static byte[] keyBytes(Object lockKey) {
        if (lockKey instanceof String s) {
            if (s.isEmpty()) {
                throw new InvalidArgumentException("a lock key must not be empty");
            }
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (lockKey instanceof byte[] b) {
            if (b.length == 0) {
                throw new InvalidArgumentException("a lock key must not be empty");
            }
            return b.clone();
        }
        throw new InvalidArgumentException("a lock key is a String or a byte[], was "
                + (lockKey == null ? "null" : lockKey.getClass().getName()));
    }

    static ByteBuffer mapKey(byte[] key) {
        return ByteBuffer.wrap(key).asReadOnlyBuffer();
    }
}
