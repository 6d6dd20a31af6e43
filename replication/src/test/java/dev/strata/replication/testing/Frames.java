package dev.strata.replication.testing;

import dev.strata.replication.wire.FrameFormat;
import dev.strata.replication.wire.FrameEncoder;
import dev.strata.replication.wire.Message;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/** Encodes messages into frame bytes exactly as a peer would send them (for raw-socket tests). */
public final class Frames {
    private Frames() {
    }

    public static byte[] encode(Message m) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(FrameFormat.DEFAULT_MAX_FRAME_SIZE));
        ch.writeOutbound(m);
        ByteBuf b = ch.readOutbound();
        try {
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
            ch.finishAndReleaseAll();
        }
    }
}
