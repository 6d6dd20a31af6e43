package dev.strata.replication.follower;

import dev.strata.engine.StrataIOException;
import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import dev.strata.replication.epoch.EpochFile;
import dev.strata.replication.io.FileOps;
import dev.strata.replication.wire.FrameType;
import dev.strata.replication.wire.Message;
import dev.strata.replication.wire.Messages;
import dev.strata.replication.wire.Messages.SyncFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Receives a full sync into the staging directory ({@link StagedSwap#staging}): checks every file
 * name (relative, no {@code ..}, no absolute path, at most two levels), writes chunks strictly in
 * order, remembers the sync in a {@value #STATE} file so a broken connection resumes at the first
 * incomplete file and its length, and at the end verifies each file's size and CRC32C before the
 * copy may be swapped in. Used by the follower's worker thread only (not thread-safe).
 *
 * <pre>
 * SYNC-STATE: crc32c u32 (of the rest), then a FULL_SYNC frame payload (docs/format.md)
 * </pre>
 */
final class FullSyncReceiver {
    static final String STATE = "SYNC-STATE";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}(/[A-Za-z0-9_.-]{1,128})?");

    private final Path dir;
    private final Path staging;
    private Messages.FullSync current;
    private int file;
    private long written;
    private FileChannel out;

    FullSyncReceiver(Path dir) {
        this.dir = dir;
        this.staging = StagedSwap.staging(dir);
    }

    /** Where an interrupted sync would resume: {sync id, file, offset}, or null when none is staged. */
    long[] resumePoint() {
        Messages.FullSync s = readState();
        if (s == null) {
            return null;
        }
        for (int i = 0; i < s.files().size(); i++) {
            Path p = staging.resolve(s.files().get(i).name());
            long size = sizeOf(p);
            if (size < s.files().get(i).size()) {
                return new long[]{s.syncId(), i, size};
            }
        }
        return new long[]{s.syncId(), s.files().size(), 0};
    }

    /** Starts (or resumes) receiving {@code m}. */
    void begin(Messages.FullSync m) throws IOException {
        closeOut();
        for (SyncFile f : m.files()) {
            if (!NAME.matcher(f.name()).matches() || java.util.Arrays.asList(f.name().split("/")).stream()
                    .anyMatch(seg -> seg.equals(".") || seg.equals("..")) || f.name().equals(STATE)
                    || f.name().equals(StagedSwap.MARKER) || f.name().equals(EpochFile.NAME)) {
                throw new ReplicationException(Reason.PROTOCOL, "full sync names a file '" + f.name() + "' it may not write");
            }
        }
        Messages.FullSync staged = readState();
        boolean resuming = staged != null && staged.syncId() == m.syncId() && staged.files().equals(m.files());
        if (!resuming) {
            if (m.startFile() != 0 || m.startOffset() != 0) {
                throw new ReplicationException(Reason.PROTOCOL, "the leader resumes full sync " + Long.toHexString(m.syncId())
                        + ", which is not staged here");
            }
            FileOps.deleteTree(staging);
            Files.createDirectories(staging);
            writeState(m);
        }
        // Files before the resume point are complete; the one at it is cut to the offset; later ones go.
        for (int i = m.startFile(); i < m.files().size(); i++) {
            Path p = staging.resolve(m.files().get(i).name());
            if (i == m.startFile() && sizeOf(p) >= m.startOffset()) {
                if (sizeOf(p) > m.startOffset()) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        ch.truncate(m.startOffset());
                    }
                }
            } else if (i == m.startFile()) {
                throw new ReplicationException(Reason.PROTOCOL, "the leader resumes " + p.getFileName() + " at "
                        + m.startOffset() + ", past the " + sizeOf(p) + " bytes staged");
            } else {
                Files.deleteIfExists(p);
            }
        }
        current = m;
        file = m.startFile();
        written = m.startOffset();
        skipEmptyFiles();
    }

    void chunk(Messages.FileChunk c) throws IOException {
        if (current == null || c.file() != file || c.offset() != written || file >= current.files().size()
                || written + c.data().length > current.files().get(file).size()) {
            throw new ReplicationException(Reason.PROTOCOL, "full-sync chunk of file " + c.file() + " at " + c.offset()
                    + " out of order (expected file " + file + " at " + written + ")");
        }
        if (out == null) {
            Path p = staging.resolve(current.files().get(file).name());
            Files.createDirectories(p.getParent());
            out = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        ByteBuffer b = ByteBuffer.wrap(c.data());
        while (b.hasRemaining()) {
            out.write(b, written + b.position());
        }
        written += c.data().length;
        if (written == current.files().get(file).size()) {
            closeOut();
            file++;
            written = 0;
            skipEmptyFiles();
        }
    }

    /**
     * Verifies every staged file (size and CRC32C), writes the leader's epoch history and the
     * completion marker. Returns the sync; the caller swaps it in. A failed check deletes the
     * staging directory, so the next attempt starts over.
     */
    Messages.FullSync finish() throws IOException {
        Messages.FullSync m = current;
        if (m == null || file != m.files().size()) {
            throw new ReplicationException(Reason.PROTOCOL, "full sync ended before its last file");
        }
        for (SyncFile f : m.files()) {
            Path p = staging.resolve(f.name());
            long size = sizeOf(p);
            int crc = FileOps.crc(p);
            if (size != f.size() || crc != f.crc()) {
                current = null;
                FileOps.deleteTree(staging);
                throw new ReplicationException(Reason.FULL_SYNC_FAILED, f.name() + " arrived with " + size + " bytes, CRC32C "
                        + Integer.toHexString(crc) + "; the leader sent " + f.size() + " bytes, CRC32C " + Integer.toHexString(f.crc()));
            }
            FileOps.force(p);
        }
        EpochFile.write(staging, m.history());
        Files.deleteIfExists(staging.resolve(STATE));
        Path marker = staging.resolve(StagedSwap.MARKER);
        try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        FileOps.forceDirectory(staging);
        current = null;
        return m;
    }

    void abandon() {
        closeOut();
        current = null;
    }

    private void skipEmptyFiles() throws IOException {
        while (file < current.files().size() && current.files().get(file).size() == 0) {
            Path p = staging.resolve(current.files().get(file).name());
            Files.createDirectories(p.getParent());
            if (!Files.exists(p)) {
                Files.createFile(p);
            }
            file++;
        }
    }

    private void closeOut() {
        if (out != null) {
            try {
                out.force(true);
                out.close();
            } catch (IOException e) {
                throw new StrataIOException("cannot finish a full-sync file in " + staging, e);
            } finally {
                out = null;
            }
        }
    }

    private Messages.FullSync readState() {
        Path p = staging.resolve(STATE);
        if (!Files.exists(p)) {
            return null;
        }
        try {
            byte[] b = Files.readAllBytes(p);
            if (b.length < 4) {
                return null;
            }
            CRC32C crc = new CRC32C();
            crc.update(b, 4, b.length - 4);
            if ((int) crc.getValue() != ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(0)) {
                return null; // torn by a crash: the sync starts over
            }
            Message m = Messages.decode(FrameType.FULL_SYNC, Unpooled.wrappedBuffer(b, 4, b.length - 4));
            return (Messages.FullSync) m;
        } catch (IOException | ReplicationException e) {
            return null;
        }
    }

    private void writeState(Messages.FullSync m) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            m.write(buf);
            byte[] payload = new byte[buf.readableBytes()];
            buf.readBytes(payload);
            CRC32C crc = new CRC32C();
            crc.update(payload);
            ByteBuffer all = ByteBuffer.allocate(4 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
            all.putInt((int) crc.getValue()).put(payload).flip();
            try (FileChannel ch = FileChannel.open(staging.resolve(STATE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                while (all.hasRemaining()) {
                    ch.write(all);
                }
                ch.force(true);
            }
        } finally {
            buf.release();
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    Path directory() {
        return dir;
    }
}
