package dev.strata.bench.jmh;

import dev.strata.engine.vfs.DirectoryLock;
import dev.strata.engine.vfs.LockHeldException;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Storage} held in the heap, so that the micro-benchmarks time the engine's own code
 * (framing, checksums, block decoding) and not the file system. Used by
 * {@link WalAppendBenchmark} and {@link BlockSeekBenchmark}; the engine's own in-memory storage
 * lives in its test sources, which this module cannot see.
 *
 * <p>Nothing here is durable, so {@link StorageFile#force} and {@link #forceDirectory} do
 * nothing. Paths are compared as given: callers use one directory path throughout. A deleted
 * file's pages go back to a pool that later files reuse, so a handle must not be used after its
 * file is deleted (the engine never does).
 */
public final class InMemoryStorage implements Storage {
    private final Map<Path, InMemoryFile> files = new ConcurrentHashMap<>();
    private final Set<Path> directories = ConcurrentHashMap.newKeySet();
    private final Set<Path> locks = ConcurrentHashMap.newKeySet();
    private final PagePool pool = new PagePool();

    @Override
    public StorageFile create(Path file) throws IOException {
        InMemoryFile f = new InMemoryFile(file, pool);
        if (files.putIfAbsent(file, f) != null) {
            throw new FileAlreadyExistsException(file.toString());
        }
        return f;
    }

    @Override
    public StorageFile openWritable(Path file) throws IOException {
        return existing(file);
    }

    @Override
    public StorageFile openReadOnly(Path file) throws IOException {
        return existing(file);
    }

    private InMemoryFile existing(Path file) throws NoSuchFileException {
        InMemoryFile f = files.get(file);
        if (f == null) {
            throw new NoSuchFileException(file.toString());
        }
        return f;
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        InMemoryFile f = files.remove(from);
        if (f == null) {
            throw new NoSuchFileException(from.toString());
        }
        InMemoryFile replaced = files.put(to, f);
        if (replaced != null) {
            replaced.releasePages();
        }
    }

    @Override
    public boolean delete(Path file) {
        InMemoryFile f = files.remove(file);
        if (f == null) {
            return false;
        }
        f.releasePages();
        return true;
    }

    @Override
    public boolean exists(Path path) {
        return files.containsKey(path) || directories.contains(path);
    }

    @Override
    public long size(Path file) throws IOException {
        return existing(file).size();
    }

    @Override
    public List<String> list(Path dir) {
        return files.keySet().stream().filter(p -> dir.equals(p.getParent()))
                .map(p -> p.getFileName().toString()).sorted().toList();
    }

    @Override
    public void createDirectories(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            directories.add(p);
        }
    }

    @Override
    public void forceDirectory(Path dir) {
        // Memory has no directory entries to make durable.
    }

    @Override
    public DirectoryLock lock(Path lockFile) throws IOException {
        if (!locks.add(lockFile)) {
            throw new LockHeldException(lockFile + " is locked by another open in this JVM");
        }
        return () -> locks.remove(lockFile);
    }

    /** Bytes held by all files: lets a benchmark check that it does not grow without bound. */
    public long totalBytes() {
        long n = 0;
        for (InMemoryFile f : files.values()) {
            n += f.size();
        }
        return n;
    }

    /** Number of files. */
    public int fileCount() {
        return files.size();
    }

    /** Pages allocated since this storage was created, in use or pooled. */
    public long pagesAllocated() {
        return pool.allocated;
    }

    /** Zeroed pages of deleted or shrunk files, handed to the next file that grows. */
    static final class PagePool {
        private final java.util.ArrayDeque<byte[]> free = new java.util.ArrayDeque<>();
        private long allocated;

        synchronized byte[] take() {
            byte[] p = free.poll();
            if (p == null) {
                allocated++;
                return new byte[InMemoryFile.PAGE];
            }
            return p;
        }

        /** Zeroes the page (files rely on unwritten bytes reading as zero) and pools it. */
        synchronized void release(byte[] page) {
            Arrays.fill(page, (byte) 0);
            free.push(page);
        }
    }
}
