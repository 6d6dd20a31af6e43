package dev.strata.engine.vfs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * {@link Storage} on the local file system.
 *
 * <p>Directory force opens the directory for reading and calls {@code force(true)} on it, which
 * works on Linux and macOS (as Lucene and Kafka do); where the platform refuses (Windows), it is
 * skipped, since there the rename itself is durable through the NTFS journal.
 *
 * <p>The directory lock is an OS {@code FileLock} (one per process) plus a JVM-wide set of locked
 * paths, because a second {@code FileChannel.lock} in the same JVM would not see the first, and
 * closing any channel on the file would release the OS lock for the whole JVM.
 */
public final class LocalStorage implements Storage {

    /** A shared instance: the class holds no state but the JVM-wide lock set. */
    public static final LocalStorage INSTANCE = new LocalStorage();

    private static final Set<Path> LOCKED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();
    private static final boolean POSIX =
            java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private LocalStorage() {
    }

    @Override
    public StorageFile create(Path file) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        return new LocalStorageFile(file, true, true);
    }

    @Override
    public StorageFile openWritable(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        return new LocalStorageFile(file, true, false);
    }

    @Override
    public StorageFile openReadOnly(Path file) throws IOException {
        return new LocalStorageFile(file, false, false);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public boolean linkOrCopy(Path from, Path to, long length, boolean immutable) throws IOException {
        if (immutable && length == Files.size(from)) {
            try {
                Files.createLink(to, from);
                return true;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                // Another file system, or links not allowed here: copy instead.
                Files.deleteIfExists(to);
            }
        }
        return Storage.super.linkOrCopy(from, to, length, immutable);
    }

    @Override
    public boolean delete(Path file) throws IOException {
        return Files.deleteIfExists(file);
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public boolean isSymbolicLink(Path path) {
        return Files.isSymbolicLink(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return Files.isDirectory(path);
    }

    @Override
    public long size(Path file) throws IOException {
        return Files.size(file);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        return names;
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            if (POSIX) {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(abs);
            }
        } catch (FileAlreadyExistsException raced) {
            return;
        }
        if (parent != null) {
            forceDirectory(parent);
        }
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (POSIX) {
                throw e;
            }
            // Windows cannot open a directory as a channel; NTFS journals renames itself.
        }
    }

    @Override
    public DirectoryLock lock(Path lockFile) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        if (!LOCKED_IN_THIS_JVM.add(key)) {
            throw new LockHeldException(key + " is locked by another open database in this JVM");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new LockHeldException(key + " is locked by another process");
            }
            FileChannel held = ch;
            FileLock heldLock = lock;
            return () -> {
                try {
                    heldLock.release();
                } finally {
                    held.close();
                    LOCKED_IN_THIS_JVM.remove(key);
                }
            };
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            LOCKED_IN_THIS_JVM.remove(key);
            throw e;
        }
    }
}
