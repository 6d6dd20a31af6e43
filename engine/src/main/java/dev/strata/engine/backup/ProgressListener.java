package dev.strata.engine.backup;

/**
 * Told how far a long operation (backup, restore) has come: bytes done out of the total it will
 * read or write. Called after each chunk (about 1 MiB), on the operation's thread or, for a
 * backup with {@code maxBackgroundOperations > 1}, on its copying threads (the totals stay
 * consistent); keep it quick and thread-safe.
 */
@FunctionalInterface
public interface ProgressListener {
    void progress(long bytesDone, long bytesTotal);

    ProgressListener NONE = (done, total) -> { };
}
