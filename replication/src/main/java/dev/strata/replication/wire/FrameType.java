package dev.strata.replication.wire;

/**
 * The type byte of a frame. Numbers are part of the wire format and never change; new types
 * only get new numbers. Direction: L = leader to follower, F = follower to leader.
 */
public enum FrameType {
    /** L: protocol version and the leader's nonce; the first frame of every connection. */
    CHALLENGE(1),
    /** F: the follower's nonce and its HMAC proof. */
    AUTH(2),
    /** L: the leader's HMAC proof (mutual authentication). */
    AUTH_OK(3),
    /** F: cluster id, follower id, epoch, last applied seqno and its hash, full-sync resume point. */
    HELLO(4),
    /** L: records follow from a seqno; the leader's epoch history. */
    CONTINUE(5),
    /** L: the leader refuses the follower (a reason and a message); the connection closes. */
    REJECT(6),
    /** L: a full sync starts (or resumes): its id, seqno, epoch history and file list. */
    FULL_SYNC(7),
    /** L: bytes of one file of a full sync at an offset. */
    FILE_CHUNK(8),
    /** L: every file of the full sync was sent. */
    FULL_SYNC_END(9),
    /** L: consecutive commit records. */
    RECORDS(10),
    /** L: the leader's durable seqno and clock, about every second. */
    HEARTBEAT(11),
    /** F: received, durable and applied seqno. */
    ACK(12),
    /** L: consecutive commit records, zstd-compressed (decoded into a RECORDS message). */
    RECORDS_ZSTD(13);

    private static final FrameType[] BY_CODE = new FrameType[16];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this code, or null if there is none. */
    public static FrameType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
