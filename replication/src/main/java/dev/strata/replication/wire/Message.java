package dev.strata.replication.wire;

import io.netty.buffer.ByteBuf;

/** One decoded frame payload. {@link FrameEncoder} wraps it in a frame; {@link Messages} has each kind. */
public interface Message {
    FrameType type();

    /** Writes the payload (without the frame header). */
    void write(ByteBuf out);
}
