package dev.strata.replication.wire;

import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.nio.ByteOrder;
import java.util.List;

/**
 * Turns frame bodies into {@link Message}s: checks the CRC32C before decoding anything, refuses
 * unknown types, decodes the payload ({@link Messages#decode}) into plain objects so no pooled
 * buffer leaves the pipeline. {@link #install} puts it behind a fail-fast
 * {@link LengthFieldBasedFrameDecoder}, which refuses an oversized length before reading its body.
 */
public final class FrameDecoder extends MessageToMessageDecoder<ByteBuf> {
    private final int maxFrameSize;

    public FrameDecoder(int maxFrameSize) {
        super(ByteBuf.class);
        this.maxFrameSize = maxFrameSize;
    }

    /** Adds the length-field decoder, this decoder and the encoder to {@code p}. */
    public static void install(ChannelPipeline p, int maxFrameSize) {
        p.addLast("frameLength", new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, maxFrameSize, 0,
                FrameFormat.LENGTH_SIZE, 0, FrameFormat.LENGTH_SIZE, true));
        p.addLast("frameDecoder", new FrameDecoder(maxFrameSize));
        p.addLast("frameEncoder", new FrameEncoder(maxFrameSize));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf body, List<Object> out) {
        if (body.readableBytes() < FrameFormat.HEADER_AFTER_LENGTH) {
            throw new ReplicationException(Reason.PROTOCOL, "frame of " + body.readableBytes() + " bytes has no header");
        }
        int start = body.readerIndex();
        int code = body.getUnsignedByte(start);
        int expected = body.getIntLE(start + 1);
        int actual = FrameEncoder.crc(body, start, start + 5, body.writerIndex());
        if (expected != actual) {
            throw new ReplicationException(Reason.PROTOCOL, "frame checksum mismatch (type " + code + ")");
        }
        FrameType type = FrameType.of(code);
        if (type == null) {
            throw new ReplicationException(Reason.PROTOCOL, "unknown frame type " + code);
        }
        body.skipBytes(FrameFormat.HEADER_AFTER_LENGTH);
        out.add(Messages.decode(type, body, maxFrameSize));
    }
}
