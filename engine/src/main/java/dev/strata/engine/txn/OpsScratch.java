package dev.strata.engine.txn;

/**
 * A per-thread buffer for the encoded ops of the transaction this thread commits: the pipeline
 * copies them into its WAL buffer and decodes them into the memtable (copying every key and
 * value) before the commit returns, and the change feed copies what it keeps, so nothing holds the
 * array afterwards and the next commit on the thread can reuse it. Saves an allocation the size
 * of the transaction on every commit. Buffers above 64 KiB are not kept.
 */
final class OpsScratch {
    private static final int KEEP_LIMIT = 64 << 10;
    private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

    private OpsScratch() {
    }

    /** A buffer of at least {@code len} bytes, this thread's own unless it is in use or too small. */
    static byte[] take(int len) {
        byte[] b = SCRATCH.get();
        if (b != null) {
            SCRATCH.set(null); // in use: a commit nested in a listener on this thread gets its own
        }
        return b != null && b.length >= len ? b : new byte[len];
    }

    /** Returns a buffer from {@link #take} once the commit no longer reads it. */
    static void give(byte[] b) {
        if (b.length <= KEEP_LIMIT && SCRATCH.get() == null) {
            SCRATCH.set(b);
        }
    }
}
