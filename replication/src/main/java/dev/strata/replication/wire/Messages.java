package dev.strata.replication.wire;

import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import dev.strata.replication.epoch.EpochHistory;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every frame payload of the protocol, with its encoding. Part of the wire format (docs/format.md
 * has the same grammar); little-endian; {@code str} is u16 length + UTF-8 (at most
 * {@link #MAX_STRING} bytes); {@code history} is u32 count, then count times (epoch u64, first
 * seqno u64).
 *
 * <pre>
 * CHALLENGE     version u16, leader nonce [32]
 * AUTH          follower nonce [32], mac [32] = HMAC-SHA256(secret, "STRATA-REPL-1 F" leader nonce follower nonce)
 * AUTH_OK       mac [32] = HMAC-SHA256(secret, "STRATA-REPL-1 L" leader nonce follower nonce)
 * HELLO         cluster id str, follower id str, epoch u64, last seqno u64, last hash u32,
 *               resume sync id u64 (0 = none), resume file u32, resume offset u64
 * CONTINUE      from seqno u64, history
 * REJECT        reason u8 (ReplicationException.Reason ordinal), message str
 * FULL_SYNC     sync id u64, seqno u64, history, file count u32, files (name str, size u64, crc32c u32),
 *               start file u32, start offset u64
 * FILE_CHUNK    file index u32, offset u64, data (the rest of the frame)
 * FULL_SYNC_END (empty)
 * RECORDS       count u32, then count times (length u32, commit record)
 * RECORDS_ZSTD  raw length u32, then one zstd frame (declaring its content size) whose content is
 *               a RECORDS payload of raw length bytes (at most the maximum frame size)
 * HEARTBEAT     leader durable seqno u64, leader time ms u64
 * ACK           received u64, durable u64, applied u64
 * </pre>
 *
 * Decoding never trusts a count or a length: each is checked against the bytes left in the frame
 * (a malformed payload is a {@link ReplicationException} with {@link Reason#PROTOCOL}).
 */
public final class Messages {
    /** Longest string (cluster id, follower id, file name, message) on the wire, in UTF-8 bytes. */
    public static final int MAX_STRING = 1024;

    private Messages() {
    }

    public record Challenge(int version, byte[] nonce) implements Message {
        public FrameType type() {
            return FrameType.CHALLENGE;
        }

        public void write(ByteBuf out) {
            out.writeShortLE(version).writeBytes(nonce);
        }
    }

    public record Auth(byte[] nonce, byte[] mac) implements Message {
        public FrameType type() {
            return FrameType.AUTH;
        }

        public void write(ByteBuf out) {
            out.writeBytes(nonce).writeBytes(mac);
        }
    }

    public record AuthOk(byte[] mac) implements Message {
        public FrameType type() {
            return FrameType.AUTH_OK;
        }

        public void write(ByteBuf out) {
            out.writeBytes(mac);
        }
    }

    public record Hello(String clusterId, String followerId, long epoch, long lastSeqno, int lastHash,
                        long resumeSyncId, int resumeFile, long resumeOffset) implements Message {
        public FrameType type() {
            return FrameType.HELLO;
        }

        public void write(ByteBuf out) {
            writeString(out, clusterId);
            writeString(out, followerId);
            out.writeLongLE(epoch).writeLongLE(lastSeqno).writeIntLE(lastHash)
                    .writeLongLE(resumeSyncId).writeIntLE(resumeFile).writeLongLE(resumeOffset);
        }
    }

    public record Continue(long fromSeqno, EpochHistory history) implements Message {
        public FrameType type() {
            return FrameType.CONTINUE;
        }

        public void write(ByteBuf out) {
            out.writeLongLE(fromSeqno);
            writeHistory(out, history);
        }
    }

    public record Reject(Reason reason, String message) implements Message {
        public FrameType type() {
            return FrameType.REJECT;
        }

        public void write(ByteBuf out) {
            out.writeByte(reason.ordinal());
            writeString(out, truncate(message));
        }
    }

    /** A file of a full sync: its path relative to the database directory, size and CRC32C. */
    public record SyncFile(String name, long size, int crc) {
    }

    public record FullSync(long syncId, long seqno, EpochHistory history, List<SyncFile> files,
                           int startFile, long startOffset) implements Message {
        public FrameType type() {
            return FrameType.FULL_SYNC;
        }

        public void write(ByteBuf out) {
            out.writeLongLE(syncId).writeLongLE(seqno);
            writeHistory(out, history);
            out.writeIntLE(files.size());
            for (SyncFile f : files) {
                writeString(out, f.name());
                out.writeLongLE(f.size()).writeIntLE(f.crc());
            }
            out.writeIntLE(startFile).writeLongLE(startOffset);
        }
    }

    public record FileChunk(int file, long offset, byte[] data) implements Message {
        public FrameType type() {
            return FrameType.FILE_CHUNK;
        }

        public void write(ByteBuf out) {
            out.writeIntLE(file).writeLongLE(offset).writeBytes(data);
        }
    }

    public record FullSyncEnd() implements Message {
        public FrameType type() {
            return FrameType.FULL_SYNC_END;
        }

        public void write(ByteBuf out) {
        }
    }

    /**
     * Consecutive commit records, {@code count} of them in {@code data[0..length)} as (length u32,
     * record) pairs. The decoder checks that the pairs fill the frame exactly.
     */
    public record Records(int count, byte[] data, int length) implements Message {
        public FrameType type() {
            return FrameType.RECORDS;
        }

        public void write(ByteBuf out) {
            out.writeIntLE(count).writeBytes(data, 0, length);
        }
    }

    /** RECORDS compressed with zstd: {@code compressed} holds a zstd frame of the RECORDS payload. */
    public record CompressedRecords(int rawLength, byte[] compressed) implements Message {
        public FrameType type() {
            return FrameType.RECORDS_ZSTD;
        }

        public void write(ByteBuf out) {
            out.writeIntLE(rawLength).writeBytes(compressed);
        }
    }

    public record Heartbeat(long durableSeqno, long timeMillis) implements Message {
        public FrameType type() {
            return FrameType.HEARTBEAT;
        }

        public void write(ByteBuf out) {
            out.writeLongLE(durableSeqno).writeLongLE(timeMillis);
        }
    }

    public record Ack(long received, long durable, long applied) implements Message {
        public FrameType type() {
            return FrameType.ACK;
        }

        public void write(ByteBuf out) {
            out.writeLongLE(received).writeLongLE(durable).writeLongLE(applied);
        }
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes the payload of a frame of {@code type}; the whole payload must be consumed. */
    public static Message decode(FrameType type, ByteBuf in) {
        return decode(type, in, FrameFormat.DEFAULT_MAX_FRAME_SIZE);
    }

    /**
     * Decodes the payload of a frame of {@code type}; a compressed batch may expand to at most
     * {@code maxRaw} bytes (checked against the size the zstd frame declares, before allocating).
     */
    public static Message decode(FrameType type, ByteBuf in, int maxRaw) {
        try {
            Message m = switch (type) {
                case CHALLENGE -> new Challenge(in.readUnsignedShortLE(), bytes(in, FrameFormat.NONCE_SIZE));
                case AUTH -> new Auth(bytes(in, FrameFormat.NONCE_SIZE), bytes(in, FrameFormat.MAC_SIZE));
                case AUTH_OK -> new AuthOk(bytes(in, FrameFormat.MAC_SIZE));
                case HELLO -> new Hello(readString(in), readString(in), in.readLongLE(), in.readLongLE(), in.readIntLE(),
                        in.readLongLE(), in.readIntLE(), in.readLongLE());
                case CONTINUE -> new Continue(in.readLongLE(), readHistory(in));
                case REJECT -> new Reject(reason(in.readUnsignedByte()), readString(in));
                case FULL_SYNC -> readFullSync(in);
                case FILE_CHUNK -> new FileChunk(in.readIntLE(), in.readLongLE(), bytes(in, in.readableBytes()));
                case FULL_SYNC_END -> new FullSyncEnd();
                case RECORDS -> readRecords(in);
                case HEARTBEAT -> new Heartbeat(in.readLongLE(), in.readLongLE());
                case ACK -> new Ack(in.readLongLE(), in.readLongLE(), in.readLongLE());
                case RECORDS_ZSTD -> RecordsCompression.decompress(in, maxRaw);
            };
            if (in.isReadable()) {
                throw protocol(type + " frame has " + in.readableBytes() + " bytes after its payload");
            }
            return m;
        } catch (IndexOutOfBoundsException e) {
            throw protocol(type + " frame is shorter than its payload");
        }
    }

    private static FullSync readFullSync(ByteBuf in) {
        long syncId = in.readLongLE();
        long seqno = in.readLongLE();
        EpochHistory history = readHistory(in);
        long count = in.readUnsignedIntLE();
        // name (>= 2 bytes) + size + crc: at least 14 bytes each.
        if (count * 14 > in.readableBytes()) {
            throw protocol("FULL_SYNC names " + count + " files in " + in.readableBytes() + " bytes");
        }
        List<SyncFile> files = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            SyncFile f = new SyncFile(readString(in), in.readLongLE(), in.readIntLE());
            if (f.size() < 0) {
                throw protocol("FULL_SYNC file " + f.name() + " has a negative size");
            }
            files.add(f);
        }
        return new FullSync(syncId, seqno, history, files, in.readIntLE(), in.readLongLE());
    }

    static Records readRecords(ByteBuf in) {
        long count = in.readUnsignedIntLE();
        int start = in.readerIndex();
        int end = in.writerIndex();
        int pos = start;
        for (long i = 0; i < count; i++) {
            if (end - pos < 4) {
                throw protocol("RECORDS frame ends inside record " + i + " of " + count);
            }
            long len = in.getUnsignedIntLE(pos);
            if (len > end - pos - 4) {
                throw protocol("RECORDS record " + i + " claims " + len + " bytes, " + (end - pos - 4) + " left");
            }
            pos += 4 + (int) len;
        }
        if (pos != end) {
            throw protocol("RECORDS frame has " + (end - pos) + " bytes after its " + count + " records");
        }
        byte[] data = bytes(in, end - start);
        return new Records((int) count, data, data.length);
    }

    private static Reason reason(int ordinal) {
        Reason[] all = Reason.values();
        if (ordinal >= all.length) {
            throw protocol("REJECT reason " + ordinal + " is unknown");
        }
        return all[ordinal];
    }

    private static byte[] bytes(ByteBuf in, int n) {
        byte[] b = new byte[n];
        in.readBytes(b);
        return b;
    }

    static void writeString(ByteBuf out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING) {
            throw new IllegalArgumentException("a wire string is at most " + MAX_STRING + " UTF-8 bytes, was " + b.length);
        }
        out.writeShortLE(b.length).writeBytes(b);
    }

    static String readString(ByteBuf in) {
        int n = in.readUnsignedShortLE();
        if (n > MAX_STRING || n > in.readableBytes()) {
            throw protocol("string of " + n + " bytes (at most " + MAX_STRING + ", " + in.readableBytes() + " left)");
        }
        String s = in.toString(in.readerIndex(), n, StandardCharsets.UTF_8);
        in.skipBytes(n);
        return s;
    }

    private static String truncate(String s) {
        String m = s == null ? "" : s;
        return m.length() > MAX_STRING / 4 ? m.substring(0, MAX_STRING / 4) : m;
    }

    static void writeHistory(ByteBuf out, EpochHistory h) {
        out.writeIntLE(h.size());
        for (int i = 0; i < h.size(); i++) {
            out.writeLongLE(h.epoch(i)).writeLongLE(h.start(i));
        }
    }

    static EpochHistory readHistory(ByteBuf in) {
        long n = in.readUnsignedIntLE();
        if (n < 1 || n > EpochHistory.MAX_ENTRIES || n * 16 > in.readableBytes()) {
            throw protocol("epoch history of " + n + " entries in " + in.readableBytes() + " bytes");
        }
        long[] epochs = new long[(int) n];
        long[] starts = new long[(int) n];
        for (int i = 0; i < n; i++) {
            epochs[i] = in.readLongLE();
            starts[i] = in.readLongLE();
        }
        try {
            return new EpochHistory(epochs, starts);
        } catch (RuntimeException e) {
            throw protocol("epoch history is inconsistent: " + e.getMessage());
        }
    }

    static ReplicationException protocol(String message) {
        return new ReplicationException(Reason.PROTOCOL, message);
    }
}
