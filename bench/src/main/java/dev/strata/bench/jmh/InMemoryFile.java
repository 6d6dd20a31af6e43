package dev.strata.bench.jmh;

import dev.strata.engine.vfs.StorageFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One file of an {@link InMemoryStorage}: a growable byte array. Every handle opened on a path
 * shares this object, as handles on one local file share its contents. Methods are synchronized
 * (uncontended in the single-threaded benchmarks) so that readers on other threads see whole
 * writes.
 */
final class InMemoryFile implements StorageFile {
    /** Arrays are indexed by int; a benchmark never needs a larger file. */
    private static final long MAX_SIZE = Integer.MAX_VALUE - 8;

    private final Path path;
    /** Invariant: every byte from {@link #size} to the end of the array is zero. */
    private byte[] data = new byte[4096];
    private int size;

    InMemoryFile(Path path) {
        this.path = path;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public synchronized void write(long position, byte[] src, int off, int len) throws IOException {
        long end = position + len;
        if (position < 0 || end > MAX_SIZE) {
            throw new IOException("write of " + len + " bytes at " + position + " is outside the 2 GiB an in-memory file holds: "
                    + path);
        }
        if (end > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(MAX_SIZE, Math.max(end, 2L * data.length)));
        }
        System.arraycopy(src, off, data, (int) position, len);
        size = Math.max(size, (int) end);
    }

    @Override
    public synchronized int read(long position, ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        dst.put(data, (int) position, n);
        return n;
    }

    @Override
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized void truncate(long newSize) throws IOException {
        if (newSize < 0 || newSize > MAX_SIZE) {
            throw new IOException("cannot truncate " + path + " to " + newSize + " bytes");
        }
        if (newSize < size) {
            Arrays.fill(data, (int) newSize, size, (byte) 0);
        } else if (newSize > data.length) {
            data = Arrays.copyOf(data, (int) newSize);
        }
        size = (int) newSize;
    }

    @Override
    public void force() {
        // Nothing in memory can be made more durable.
    }

    @Override
    public void close() {
        // Handles share the file's contents; closing one releases nothing.
    }
}
