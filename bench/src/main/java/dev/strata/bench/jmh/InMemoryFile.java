package dev.strata.bench.jmh;

import dev.strata.engine.vfs.StorageFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One file of an {@link InMemoryStorage}, in fixed-size pages taken from (and, when the file
 * shrinks or is deleted, given back to) the storage's page pool. Pages rather than one growing
 * array, so that a write never copies what is already written and a benchmark that keeps
 * rolling WAL segments allocates nothing once the pool holds a segment's worth: what it times
 * is the engine's copy of the bytes, not the harness growing an array.
 *
 * <p>Every handle opened on a path shares this object, as handles on one local file share its
 * contents. Methods are synchronized (uncontended in the single-threaded benchmarks) so that
 * readers on other threads see whole writes. Invariant: every byte past {@link #size} in the
 * pages held is zero, so extending the file reads as zeros.
 */
final class InMemoryFile implements StorageFile {
    static final int PAGE = 64 << 10;
    /** Page indexes are ints; a benchmark never needs a larger file. */
    private static final long MAX_SIZE = (long) Integer.MAX_VALUE * PAGE;

    private final Path path;
    private final InMemoryStorage.PagePool pool;
    private final List<byte[]> pages = new ArrayList<>();
    private long size;

    InMemoryFile(Path path, InMemoryStorage.PagePool pool) {
        this.path = path;
        this.pool = pool;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public synchronized void write(long position, byte[] src, int off, int len) throws IOException {
        long end = position + len;
        if (position < 0 || len < 0 || end > MAX_SIZE) {
            throw new IOException("write of " + len + " bytes at " + position + " is outside what an in-memory file holds: "
                    + path);
        }
        ensurePages(end);
        long pos = position;
        int from = off;
        while (pos < end) {
            int inPage = (int) (pos % PAGE);
            int n = (int) Math.min(PAGE - inPage, end - pos);
            System.arraycopy(src, from, pages.get((int) (pos / PAGE)), inPage, n);
            pos += n;
            from += n;
        }
        size = Math.max(size, end);
    }

    @Override
    public synchronized int read(long position, ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        long pos = position;
        long end = position + n;
        while (pos < end) {
            int inPage = (int) (pos % PAGE);
            int chunk = (int) Math.min(PAGE - inPage, end - pos);
            dst.put(pages.get((int) (pos / PAGE)), inPage, chunk);
            pos += chunk;
        }
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
        if (newSize >= size) {
            ensurePages(newSize);
        } else {
            int keep = (int) ((newSize + PAGE - 1) / PAGE);
            while (pages.size() > keep) {
                pool.release(pages.remove(pages.size() - 1));
            }
            if (newSize % PAGE != 0) {
                byte[] last = pages.get(keep - 1);
                Arrays.fill(last, (int) (newSize % PAGE), PAGE, (byte) 0);
            }
        }
        size = newSize;
    }

    /** Gives every page back to the pool; called when the file is deleted. */
    synchronized void releasePages() {
        for (byte[] p : pages) {
            pool.release(p);
        }
        pages.clear();
        size = 0;
    }

    private void ensurePages(long end) {
        long needed = (end + PAGE - 1) / PAGE;
        while (pages.size() < needed) {
            pages.add(pool.take());
        }
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
