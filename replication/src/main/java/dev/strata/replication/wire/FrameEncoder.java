package dev.strata.replication.wire;

import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

import java.util.zip.CRC32C;

/**
 * Writes a {@link Message} as one frame ({@link FrameFormat}): length, type, CRC32C, payload. A
 * payload that would exceed the peer's maximum frame size fails the write instead of being sent
 * (the peer would only close the connection). Stateless; one instance per channel.
 */
public final class FrameEncoder extends MessageToByteEncoder<Message> {
    private final int maxFrameSize;

    public FrameEncoder(int maxFrameSize) {
        super(Message.class);
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, ByteBuf out) {
        int start = out.writerIndex();
        out.writeIntLE(0).writeByte(msg.type().code()).writeIntLE(0);
        msg.write(out);
        int frameLength = out.writerIndex() - start;
        if (frameLength > maxFrameSize) {
            out.writerIndex(start);
            throw new ReplicationException(Reason.PROTOCOL, msg.type() + " frame of " + frameLength
                    + " bytes exceeds the maximum frame size " + maxFrameSize);
        }
        out.setIntLE(start, frameLength - FrameFormat.LENGTH_SIZE);
        out.setIntLE(start + 5, crc(out, start + 4, start + 9, out.writerIndex()));
    }

    /** CRC32C of the type byte at {@code typeIndex} and the payload [payloadStart, end). */
    static int crc(ByteBuf buf, int typeIndex, int payloadStart, int end) {
        CRC32C crc = new CRC32C();
        crc.update(buf.getByte(typeIndex));
        if (end > payloadStart) {
            crc.update(buf.nioBuffer(payloadStart, end - payloadStart));
        }
        return (int) crc.getValue();
    }
}
