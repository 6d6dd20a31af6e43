package dev.strata.engine.vfs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory {@link Storage} for format tests (tables, WAL segments, manifests, fuzzing): files
 * are byte arrays that a test can read and damage directly ({@link #bytes}, {@link #replace});
 * counts positional reads. Directories are implicit; forces do nothing (there is no power loss
 * here: {@link FaultStorage} models that).
 */
public final class MemStorage implements Storage {
    private final java.util.Set<Path> locks = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Path, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();

    /** A copy of the file's bytes. */
    public byte[] bytes(Path p) {
        return files.get(p).clone();
    }

    /** Replaces (or creates) the file with {@code content}, which the storage now owns. */
    public void replace(Path p, byte[] content) {
        files.put(p, content);
    }

    /** Positional reads so far. */
    public long reads() {
        return reads.get();
    }

    @Override
    public StorageFile create(Path file) throws IOException {
        if (files.putIfAbsent(file, new byte[0]) != null) {
            throw new FileAlreadyExistsException(file.toString());
        }
        return new MemFile(file);
    }

    @Override
    public StorageFile openWritable(Path file) throws IOException {
        return openReadOnly(file);
    }

    @Override
    public StorageFile openReadOnly(Path file) throws IOException {
        if (!files.containsKey(file)) {
            throw new FileNotFoundException(file.toString());
        }
        return new MemFile(file);
    }

    @Override
    public void rename(Path from, Path to) {
        files.put(to, files.remove(from));
    }

    @Override
    public boolean delete(Path file) {
        return files.remove(file) != null;
    }

    @Override
    public boolean exists(Path path) {
        return files.containsKey(path);
    }

    @Override
    public long size(Path file) {
        return files.get(file).length;
    }

    @Override
    public List<String> list(Path dir) {
        List<String> names = new ArrayList<>();
        for (Path p : files.keySet()) {
            if (dir.equals(p.getParent())) {
                names.add(p.getFileName().toString());
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public void createDirectories(Path dir) {
    }

    @Override
    public void forceDirectory(Path dir) {
    }

    @Override
    public DirectoryLock lock(Path lockFile) throws java.io.IOException {
        // In memory there is one process: a lock is a name held until closed.
        if (!locks.add(lockFile)) {
            throw new LockHeldException(lockFile + " is locked");
        }
        return () -> locks.remove(lockFile);
    }

    private final class MemFile implements StorageFile {
        private final Path path;

        MemFile(Path path) {
            this.path = path;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public void write(long position, byte[] src, int off, int len) {
            files.compute(path, (p, old) -> {
                byte[] b = old.length < position + len ? Arrays.copyOf(old, (int) (position + len)) : old;
                System.arraycopy(src, off, b, (int) position, len);
                return b;
            });
        }

        @Override
        public int read(long position, ByteBuffer dst) {
            reads.incrementAndGet();
            byte[] b = files.get(path);
            if (position >= b.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), b.length - position);
            dst.put(b, (int) position, n);
            return n;
        }

        @Override
        public long size() {
            return files.get(path).length;
        }

        @Override
        public void truncate(long size) {
            files.compute(path, (p, old) -> Arrays.copyOf(old, (int) size));
        }

        @Override
        public void force() {
        }

        @Override
        public void close() {
        }
    }
}
