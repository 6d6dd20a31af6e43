package dev.strata.replication.wire;

/**
 * The replication frame: every byte a leader and a follower exchange after TLS (if any) is a
 * sequence of frames. Part of the wire format: constants here never change within
 * {@link #PROTOCOL_VERSION}. All integers little-endian, as every Strata format.
 *
 * <pre>
 * +-------------+---------+------------+---------------------------+
 * | length u32  | type u8 | crc32c u32 | payload (length - 5 bytes) |
 * +-------------+---------+------------+---------------------------+
 *   length: the bytes after the length field (type + crc + payload), 5 .. maxFrameSize - 4
 *   crc32c: CRC32C of the type byte and the payload
 * </pre>
 *
 * A frame whose length is out of range is refused before its body is read (Netty's
 * {@code LengthFieldBasedFrameDecoder} in fail-fast mode), so a peer announcing 2^31-1 bytes costs
 * nothing; a frame with a bad checksum or an unknown type closes the connection. Payload layouts
 * are in {@link Messages}; docs/format.md has the whole protocol.
 */
public final class FrameFormat {
    /** Bumped only for an incompatible change; a peer with another version is refused. */
    public static final int PROTOCOL_VERSION = 1;
    /** The length field. */
    public static final int LENGTH_SIZE = 4;
    /** Type u8 + CRC32C u32 after the length. */
    public static final int HEADER_AFTER_LENGTH = 5;
    /** The smallest maximum frame size a peer may configure (a 64 KiB record batch fits). */
    public static final int MIN_MAX_FRAME_SIZE = 64 << 10;
    /** Default maximum frame size: 16 MiB (notes/reliability.md). */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16 << 20;
    /** The largest maximum frame size a peer may configure: 1 GiB. */
    public static final int MAX_MAX_FRAME_SIZE = 1 << 30;
    /** Bytes of the random nonces of the challenge-response. */
    public static final int NONCE_SIZE = 32;
    /** Bytes of an HMAC-SHA256. */
    public static final int MAC_SIZE = 32;

    private FrameFormat() {
    }
}
