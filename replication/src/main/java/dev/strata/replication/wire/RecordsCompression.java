package dev.strata.replication.wire;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * zstd for record batches (RECORDS_ZSTD frames), with zstd-jni (the engine's dependency). The
 * leader compresses a batch only when that saves at least an eighth (as the engine does for table
 * blocks). The follower refuses a frame whose zstd frame does not declare exactly the raw length
 * the header says, or whose raw length exceeds its maximum frame size, before allocating anything:
 * a decompression bomb costs it nothing.
 */
public final class RecordsCompression {
    /** Batches smaller than this are sent as they are. */
    static final int MIN_BYTES = 1024;
    private static final int LEVEL = 1;

    private RecordsCompression() {
    }

    /** {@code batch} compressed, or {@code batch} itself when compression does not pay. */
    public static Message compress(Messages.Records batch) {
        int raw = 4 + batch.length();
        if (raw < MIN_BYTES) {
            return batch;
        }
        byte[] payload = new byte[raw];
        payload[0] = (byte) batch.count();
        payload[1] = (byte) (batch.count() >>> 8);
        payload[2] = (byte) (batch.count() >>> 16);
        payload[3] = (byte) (batch.count() >>> 24);
        System.arraycopy(batch.data(), 0, payload, 4, batch.length());
        byte[] out = new byte[(int) Zstd.compressBound(raw)];
        long n;
        try {
            n = Zstd.compressByteArray(out, 0, out.length, payload, 0, raw, LEVEL);
        } catch (ZstdException e) {
            return batch; // the plain batch is always correct
        }
        if (Zstd.isError(n) || n > raw - raw / 8) {
            return batch;
        }
        return new Messages.CompressedRecords(raw, java.util.Arrays.copyOf(out, (int) n));
    }

    static Messages.Records decompress(ByteBuf in, int maxRaw) {
        long raw = in.readUnsignedIntLE();
        byte[] src = new byte[in.readableBytes()];
        in.readBytes(src);
        if (raw < 4 || raw > maxRaw) {
            throw new ReplicationException(Reason.PROTOCOL, "compressed batch claims " + raw + " raw bytes (at most " + maxRaw + ")");
        }
        long declared = Zstd.getFrameContentSize(src, 0, src.length);
        if (declared != raw) {
            throw new ReplicationException(Reason.PROTOCOL, "compressed batch's zstd frame declares " + declared
                    + " bytes, its header " + raw);
        }
        byte[] out = new byte[(int) raw];
        long n;
        try {
            n = Zstd.decompressByteArray(out, 0, out.length, src, 0, src.length);
        } catch (ZstdException e) {
            throw new ReplicationException(Reason.PROTOCOL, "undecodable compressed batch: " + e.getMessage());
        }
        if (Zstd.isError(n) || n != raw) {
            throw new ReplicationException(Reason.PROTOCOL, "compressed batch decoded to "
                    + (Zstd.isError(n) ? Zstd.getErrorName(n) : n + " bytes") + ", expected " + raw);
        }
        ByteBuf plain = Unpooled.wrappedBuffer(out);
        Messages.Records r = Messages.readRecords(plain);
        if (plain.isReadable()) {
            throw new ReplicationException(Reason.PROTOCOL, "compressed batch has bytes after its records");
        }
        return r;
    }
}
