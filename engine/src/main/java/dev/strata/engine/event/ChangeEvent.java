package dev.strata.engine.event;

import dev.strata.engine.util.Bytes;

/**
 * One committed change delivered to a subscription: the commit's seqno and timestamp, what it
 * did and to which key(s). The arrays are the listener's (copies).
 */
public final class ChangeEvent {
    private final long seqno;
    private final long timestamp;
    private final int columnFamily;
    private final ChangeType type;
    private final byte[] key;
    private final byte[] value;
    private final byte[] end;
    private final long expiresAt;

    public ChangeEvent(long seqno, long timestamp, int columnFamily, ChangeType type, byte[] key, byte[] value,
                       byte[] end, long expiresAt) {
        this.seqno = seqno;
        this.timestamp = timestamp;
        this.columnFamily = columnFamily;
        this.type = type;
        this.key = key;
        this.value = value;
        this.end = end;
        this.expiresAt = expiresAt;
    }

    /** The commit's seqno; several changes of one commit share it. */
    public long seqno() {
        return seqno;
    }

    /** The commit timestamp (ms since the epoch). */
    public long timestamp() {
        return timestamp;
    }

    /** The column family id (0 = the default family). */
    public int columnFamily() {
        return columnFamily;
    }

    public ChangeType type() {
        return type;
    }

    /** The key put or removed, or the start (inclusive) of a removed range. */
    public byte[] key() {
        return key;
    }

    /** The value of a put; null otherwise. */
    public byte[] value() {
        return value;
    }

    /** The end (exclusive) of a removed range; null otherwise. */
    public byte[] end() {
        return end;
    }

    /** When a put expires (ms since the epoch), 0 for never. */
    public long expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "#" + seqno + " " + type + " " + Bytes.toDisplay(key)
                + (type == ChangeType.PUT ? "=" + Bytes.toDisplay(value) : "")
                + (type == ChangeType.DELETE_RANGE ? ".." + Bytes.toDisplay(end) : "");
    }
}
