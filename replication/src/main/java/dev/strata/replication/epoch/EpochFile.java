package dev.strata.replication.epoch;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.StrataIOException;
import dev.strata.replication.io.FileOps;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The epoch-history file, {@code <db>/EPOCHS}: a durable {@link EpochHistory}. Written whole to
 * {@code EPOCHS.tmp}, forced, renamed over {@code EPOCHS} and the directory forced, so the
 * directory always holds the old or the new history, whole. Part of the on-disk format
 * (docs/format.md):
 *
 * <pre>
 * offset    size  field
 * 0         8     magic     "STRATAEP" (ASCII)
 * 8         4     version   u32 = 1
 * 12        4     count     u32, 1 .. 65536
 * 16        16*n  entries   epoch u64, first seqno u64 (epochs increasing, seqnos non-decreasing)
 * end-4     4     crc32c    CRC32C of every byte before it
 * </pre>
 */
public final class EpochFile {
    public static final String NAME = "EPOCHS";
    static final byte[] MAGIC = "STRATAEP".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final int HEADER = 16;

    private EpochFile() {
    }

    /** The history in {@code dir}, or null when the file does not exist. */
    public static EpochHistory read(Path dir) {
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StrataIOException("cannot read " + file, e);
        }
        return decode(file, bytes);
    }

    static EpochHistory decode(Path file, byte[] bytes) {
        if (bytes.length < HEADER + 4) {
            throw new CorruptionException(file, 0, "epoch history of " + bytes.length + " bytes is too short");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != b.getInt(bytes.length - 4)) {
            throw new CorruptionException(file, bytes.length - 4, "epoch history checksum mismatch");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new CorruptionException(file, 0, "not an epoch history (bad magic)");
            }
        }
        int version = b.getInt(8);
        if (version != VERSION) {
            throw new CorruptionException(file, 8, "epoch history version " + Integer.toUnsignedString(version)
                    + " is not supported (this build reads version " + VERSION + ")");
        }
        long count = Integer.toUnsignedLong(b.getInt(12));
        if (count < 1 || count > EpochHistory.MAX_ENTRIES || HEADER + count * 16 + 4 != bytes.length) {
            throw new CorruptionException(file, 12, "epoch history count " + count + " does not match its "
                    + bytes.length + " bytes");
        }
        long[] epochs = new long[(int) count];
        long[] starts = new long[(int) count];
        for (int i = 0; i < count; i++) {
            epochs[i] = b.getLong(HEADER + i * 16);
            starts[i] = b.getLong(HEADER + i * 16 + 8);
        }
        try {
            return new EpochHistory(epochs, starts);
        } catch (RuntimeException e) {
            throw new CorruptionException(file, HEADER, "epoch history entries are inconsistent: " + e.getMessage());
        }
    }

    static byte[] encode(EpochHistory h) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + h.size() * 16 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(h.size());
        for (int i = 0; i < h.size(); i++) {
            b.putLong(h.epoch(i)).putLong(h.start(i));
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Replaces the history in {@code dir} durably (temp, force, rename, directory force). */
    public static void write(Path dir, EpochHistory h) {
        Path tmp = dir.resolve(NAME + ".tmp");
        Path file = dir.resolve(NAME);
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(encode(h));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            FileOps.forceDirectory(dir);
        } catch (IOException e) {
            throw new StrataIOException("cannot write the epoch history " + file, e);
        }
    }
}
