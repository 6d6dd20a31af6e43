package dev.strata.engine.vfs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * An open file. Writes are positional and write every byte asked for (short writes are looped
 * inside). Reads are positional and safe to call from many threads at once. Writes and
 * {@link #force} are called by one thread at a time (the engine serialises them).
 *
 * <p>Interrupts: a Java {@code FileChannel} closes itself for every thread when one reading or
 * writing thread is interrupted. Implementations must not let an interrupted application thread
 * break the file for the engine: {@link LocalStorage} writes and forces through uninterruptible
 * calls and reopens its read channel if an interrupt closed it.
 */
public interface StorageFile extends Closeable {

    /** The path this handle was opened with. */
    Path path();

    /** Writes {@code len} bytes of {@code src} starting at {@code off} at file position {@code position}. */
    void write(long position, byte[] src, int off, int len) throws IOException;

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code position}; returns the count read, or -1
     * at end of file. May read fewer bytes than asked.
     */
    int read(long position, ByteBuffer dst) throws IOException;

    /** Reads exactly {@code dst.remaining()} bytes at {@code position}, or throws EOFException. */
    default void readFully(long position, ByteBuffer dst) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = read(pos, dst);
            if (n < 0) {
                throw new java.io.EOFException("end of " + path() + " at " + pos);
            }
            pos += n;
        }
    }

    /** The current size of the file. */
    long size() throws IOException;

    /** Truncates (or, never used by the engine, extends) the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    /** Makes every byte written through this handle durable (fsync). */
    void force() throws IOException;
}
