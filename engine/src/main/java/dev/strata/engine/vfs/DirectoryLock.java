package dev.strata.engine.vfs;

import java.io.Closeable;
import java.io.IOException;

/** An exclusive lock on a database directory, released by {@link #close()}. */
public interface DirectoryLock extends Closeable {
    @Override
    void close() throws IOException;
}
