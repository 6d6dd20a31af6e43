package dev.strata.engine.backup;

/**
 * Told how far a long operation (backup, restore) has come: bytes done out of the total it will
 * read or write. Called on the operation's thread after each chunk (about 1 MiB); keep it quick.
 */
@FunctionalInterface
public interface ProgressListener {
    void progress(long bytesDone, long bytesTotal);

    ProgressListener NONE = (done, total) -> { };
}
