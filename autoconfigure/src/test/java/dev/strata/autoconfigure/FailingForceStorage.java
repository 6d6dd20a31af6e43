package dev.strata.autoconfigure;

import dev.strata.engine.vfs.DirectoryLock;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local disk, except that once {@link #failForces()} is called every force of a file fails,
 * as a disk that reports a write-back error would: the engine then latches a background error and
 * refuses writes. Plugged in through a {@link StrataOptionsCustomizer}.
 */
public final class FailingForceStorage implements Storage {

    private final Storage disk = LocalStorage.INSTANCE;
    private final AtomicBoolean failing = new AtomicBoolean();

    public void failForces() {
        failing.set(true);
    }

    public StrataOptionsCustomizer customizer() {
        return options -> options.storage(this);
    }

    @Override
    public StorageFile create(Path file) throws IOException {
        return new Failing(disk.create(file));
    }

    @Override
    public StorageFile openWritable(Path file) throws IOException {
        return new Failing(disk.openWritable(file));
    }

    @Override
    public StorageFile openReadOnly(Path file) throws IOException {
        return disk.openReadOnly(file);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        disk.rename(from, to);
    }

    @Override
    public boolean delete(Path file) throws IOException {
        return disk.delete(file);
    }

    @Override
    public boolean exists(Path path) {
        return disk.exists(path);
    }

    @Override
    public long size(Path file) throws IOException {
        return disk.size(file);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        return disk.list(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        disk.createDirectories(dir);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        disk.forceDirectory(dir);
    }

    @Override
    public DirectoryLock lock(Path lockFile) throws IOException {
        return disk.lock(lockFile);
    }

    private final class Failing implements StorageFile {
        private final StorageFile file;

        Failing(StorageFile file) {
            this.file = file;
        }

        @Override
        public Path path() {
            return file.path();
        }

        @Override
        public void write(long position, byte[] src, int off, int len) throws IOException {
            file.write(position, src, off, len);
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            return file.read(position, dst);
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            file.truncate(size);
        }

        @Override
        public void force() throws IOException {
            if (failing.get()) {
                throw new IOException("injected: force of " + file.path() + " failed");
            }
            file.force();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
