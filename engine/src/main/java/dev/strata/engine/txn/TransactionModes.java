package dev.strata.engine.txn;

import dev.strata.engine.InvalidArgumentException;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The transaction mode of every database open in this JVM, by directory: opening a directory in
 * the other mode while it is open (writable or read-only) is refused, as rocksdb-js refuses it.
 * Other processes are not consulted (a second writer is refused by the directory lock anyway).
 */
public final class TransactionModes {
    private static final Map<Path, Entry> OPEN = new HashMap<>();

    private static final class Entry {
        final TransactionMode mode;
        int opens;

        Entry(TransactionMode mode) {
            this.mode = mode;
        }
    }

    private TransactionModes() {
    }

    private static Path key(Path dir) {
        return dir.toAbsolutePath().normalize();
    }

    /**
     * Records an open of {@code dir} in {@code mode}; pair with {@link #release}.
     *
     * @throws InvalidArgumentException if it is open in the other mode
     */
    public static synchronized void register(Path dir, TransactionMode mode) {
        Entry e = OPEN.computeIfAbsent(key(dir), k -> new Entry(mode));
        if (e.mode != mode) {
            throw new InvalidArgumentException("cannot open " + dir + " in " + mode + " transaction mode: it is open in "
                    + e.mode + " mode in this process; close it first");
        }
        e.opens++;
    }

    /** The open recorded by {@link #register} ended. */
    public static synchronized void release(Path dir) {
        Path k = key(dir);
        Entry e = OPEN.get(k);
        if (e != null && --e.opens == 0) {
            OPEN.remove(k);
        }
    }
}
