package dev.strata.engine.backup;

import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/** File chores of backups and restores, all through the engine's {@link Storage}. */
final class BackupFiles {
    private static final int CHUNK = 1 << 20;

    private BackupFiles() {
    }

    /** Receives bytes as they are copied or checked (the progress listener). */
    interface Progress {
        void advance(long bytes);
    }

    /** The CRC32C of a whole file. */
    static int crcOf(Storage storage, Path file, Progress progress) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[CHUNK];
        try (StorageFile in = storage.openReadOnly(file)) {
            long size = in.size();
            for (long pos = 0; pos < size; ) {
                int n = (int) Math.min(buf.length, size - pos);
                in.readFully(pos, ByteBuffer.wrap(buf, 0, n));
                crc.update(buf, 0, n);
                pos += n;
                progress.advance(n);
            }
        }
        return (int) crc.getValue();
    }

    /**
     * Copies {@code from} to a new file {@code to} (to a temporary name, then renamed, so a crash
     * never leaves a partial file under the final name), forcing it when {@code sync}; returns
     * the CRC32C of the bytes copied.
     */
    static int copy(Storage storage, Path from, Path to, boolean sync, Progress progress) throws IOException {
        Path temp = to.resolveSibling(to.getFileName() + ".tmp");
        storage.delete(temp);
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[CHUNK];
        try (StorageFile in = storage.openReadOnly(from); StorageFile out = storage.create(temp)) {
            long size = in.size();
            for (long pos = 0; pos < size; ) {
                int n = (int) Math.min(buf.length, size - pos);
                in.readFully(pos, ByteBuffer.wrap(buf, 0, n));
                crc.update(buf, 0, n);
                out.write(pos, buf, 0, n);
                pos += n;
                progress.advance(n);
            }
            if (sync) {
                out.force();
            }
        }
        storage.rename(temp, to);
        return (int) crc.getValue();
    }

    /** Writes a small file whole: temporary name, force, rename, directory force. */
    static void writeAtomically(Storage storage, Path file, byte[] content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        storage.delete(temp);
        try (StorageFile f = storage.create(temp)) {
            f.write(0, content, 0, content.length);
            f.force();
        }
        dev.strata.engine.util.CrashPoints.hit("backup.tmp.written");
        storage.rename(temp, file);
        storage.forceDirectory(file.getParent());
    }

    static byte[] readAll(Storage storage, Path file, long max) throws IOException {
        try (StorageFile f = storage.openReadOnly(file)) {
            long size = f.size();
            if (size > max) {
                throw new IOException(file + " is " + size + " bytes, more than " + max);
            }
            byte[] b = new byte[(int) size];
            f.readFully(0, ByteBuffer.wrap(b));
            return b;
        }
    }

    /** Deletes a directory tree of plain files and directories (the layouts this package writes). */
    static void deleteTree(Storage storage, Path dir) throws IOException {
        if (!storage.exists(dir)) {
            return;
        }
        for (String name : storage.list(dir)) {
            Path p = dir.resolve(name);
            if (storage.isDirectory(p)) {
                deleteTree(storage, p);
            } else {
                storage.delete(p);
            }
        }
        storage.delete(dir);
    }
}
