package dev.strata.replication.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The few file operations replication needs beyond the engine's: a whole file's CRC32C (the
 * full-sync check on both sides), forcing files and directories, deleting a tree. One place, so
 * the leader and the follower compute the same checksum the same way.
 */
public final class FileOps {
    private FileOps() {
    }

    /** CRC32C of the whole file; 0 for a missing file. */
    public static int crc(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(64 << 10);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) > 0) {
                buf.flip();
                crc.update(buf);
                buf.clear();
            }
        }
        return (int) crc.getValue();
    }

    public static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Forces a directory's entries (Linux and macOS; Windows cannot, and is skipped). */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }

    /** Deletes {@code dir} and everything below it; nothing if it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
