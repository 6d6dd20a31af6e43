package dev.strata.engine.vfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one interface through which the engine touches the file system: every create, open,
 * write, read, force, rename, delete, list and directory force goes through it. The local
 * implementation is {@link LocalStorage}; tests substitute implementations that count
 * operations, inject errors, or simulate power loss by dropping what was never forced.
 *
 * <p>Contract (what the engine relies on, and what a fault-injecting implementation must model):
 * <ul>
 *   <li>Data written to a {@link StorageFile} is durable only after {@link StorageFile#force}
 *       returns on that same handle. A failed force may have lost any unforced data; the engine
 *       never retries it.</li>
 *   <li>A created, renamed or deleted directory entry is durable only after
 *       {@link #forceDirectory} of its parent returns.</li>
 *   <li>{@link #rename} is atomic (the target is either the old or the new file), not durable.</li>
 *   <li>Methods throw {@link IOException}; the engine turns them into typed errors.</li>
 * </ul>
 */
public interface Storage {

    /** Creates a new, empty file for reading and writing; fails if it exists. */
    StorageFile create(Path file) throws IOException;

    /** Opens an existing file for reading and writing. */
    StorageFile openWritable(Path file) throws IOException;

    /** Opens an existing file for positional reads only. */
    StorageFile openReadOnly(Path file) throws IOException;

    /** Atomically renames {@code from} to {@code to}, replacing {@code to} if it exists. */
    void rename(Path from, Path to) throws IOException;

    /** Deletes a file; returns false if it did not exist. */
    boolean delete(Path file) throws IOException;

    /** Whether the file or directory exists. */
    boolean exists(Path path);

    /**
     * Whether {@code path} is a directory. The default asks {@link #list}, which fails for a
     * plain file; {@link LocalStorage} asks the file system.
     */
    default boolean isDirectory(Path path) {
        if (!exists(path)) {
            return false;
        }
        try {
            list(path);
            return true;
        } catch (IOException notADirectory) {
            return false;
        }
    }

    /** Whether {@code path} is a symbolic link (backups refuse to follow one). The default knows none. */
    default boolean isSymbolicLink(Path path) {
        return false;
    }

    /** The size of a file in bytes. */
    long size(Path file) throws IOException;

    /** The names (not paths) of the entries of a directory, sorted. */
    List<String> list(Path dir) throws IOException;

    /**
     * Creates a directory and any missing parents, owner-only permissions where the file system
     * supports them, and forces each parent whose entries changed.
     */
    void createDirectories(Path dir) throws IOException;

    /** Makes the directory's entries (creates, renames, deletes) durable. */
    void forceDirectory(Path dir) throws IOException;

    /**
     * Makes {@code to} (which must not exist) a copy of the first {@code length} bytes of
     * {@code from}, forced: by a hard link where the file system allows it and the whole of an
     * immutable file is wanted (then nothing is copied), otherwise by copying. Returns whether it
     * linked. The directory entry is durable only after {@link #forceDirectory}. The default
     * copies through this interface; {@link LocalStorage} links.
     */
    default boolean linkOrCopy(Path from, Path to, long length, boolean immutable) throws IOException {
        byte[] buf = new byte[(int) Math.min(1 << 20, Math.max(1, length))];
        try (StorageFile in = openReadOnly(from); StorageFile out = create(to)) {
            long pos = 0;
            while (pos < length) {
                int n = (int) Math.min(buf.length, length - pos);
                in.readFully(pos, java.nio.ByteBuffer.wrap(buf, 0, n));
                out.write(pos, buf, 0, n);
                pos += n;
            }
            out.force();
        }
        return false;
    }

    /**
     * Takes the exclusive write lock of a database directory, held until the returned handle is
     * closed. Throws {@link LockHeldException} if another process or another open in this JVM
     * holds it.
     */
    DirectoryLock lock(Path lockFile) throws IOException;
}
