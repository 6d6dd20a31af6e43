package dev.strata.engine.wal;

import java.util.zip.CRC32C;

/**
 * The byte layout of WAL segment files. This is part of the on-disk format: the constants below
 * never change; a new layout gets a new {@link #VERSION} and old engines refuse it by name.
 * The worked example is in {@code docs/format.md}.
 *
 * <pre>
 * A segment file, {@code wal/NNNNNNNNNNNNNNNNNNNN.wal} (segment number, 20 decimal digits):
 *
 *   +--------------------------------------------------------------+
 *   | header (40 bytes)                                            |
 *   +--------------------------------------------------------------+
 *   | record | record | ... | record | zero bytes (preallocated)   |
 *   +--------------------------------------------------------------+
 *
 * Header (all integers little-endian):
 *   +----------+---------+--------+------------+-------------+-------+--------+
 *   | magic    | version | salt   | segment no | first seqno | flags | crc32c |
 *   | 8 bytes  | u32     | u32    | u64        | u64         | u32   | u32    |
 *   +----------+---------+--------+------------+-------------+-------+--------+
 *   magic  = "STRATAWL" (ASCII); crc32c covers the 36 bytes before it.
 *   salt   = random per segment; folded into every record's checksum so that bytes left from
 *            another segment can never parse as a record of this one.
 *   flags  = bit 0: log-only segment (data operations dropped, see the transaction log).
 *
 * Record frame:
 *   +--------+--------+---------+---------------------+
 *   | crc32c | length | durable | payload             |
 *   | u32    | u32    | u64     | length bytes        |
 *   +--------+--------+---------+---------------------+
 *   crc32c  = CRC32C(salt as u32 LE || length || durable || payload); length in [1, MAX_PAYLOAD].
 *   durable = the highest seqno known to be forced to disk when this frame was written. It is
 *             what lets recovery tell a torn, never-acknowledged write (which may leave later
 *             pages on disk and earlier ones not, after a power cut) from damage to a record
 *             that was durable: a valid frame after a damaged one whose durable field covers the
 *             damaged record's seqno proves the damaged record had been forced.
 *   A frame whose first 8 bytes are zero marks the end of written data (the preallocated tail).
 * </pre>
 *
 * The payload is a commit record, laid out by {@link CommitRecord}.
 *
 * <p>Segments are sealed by truncating them to their last record, so every segment but the
 * newest ends exactly after a whole record. Recovery tolerates a torn record only at the end of
 * the newest segment, and only if no valid record follows it.
 */
public final class WalFormat {
    /** "STRATAWL" in ASCII: the first 8 bytes of every segment. */
    /** The database's subdirectory holding the segments. */
    public static final String DIRECTORY = "wal";
    public static final byte[] MAGIC = {'S', 'T', 'R', 'A', 'T', 'A', 'W', 'L'};
    /** The segment format version this engine writes and reads. */
    public static final int VERSION = 1;
    public static final int HEADER_SIZE = 40;
    public static final int FRAME_HEADER_SIZE = 16;
    /** The largest payload a frame may carry (1 GiB); larger lengths are damage. */
    public static final int MAX_PAYLOAD = 1 << 30;
    /** Header flag: the segment was rewritten with data operations dropped. */
    public static final int FLAG_LOG_ONLY = 1;
    public static final String SUFFIX = ".wal";

    private WalFormat() {
    }

    /** The file name of segment {@code number}. */
    public static String fileName(long number) {
        return String.format("%020d%s", number, SUFFIX);
    }

    /** The segment number of a file name, or -1 if the name is not a segment's. */
    public static long parseFileName(String name) {
        if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The checksum of the frame starting at {@code frameOffset}: the salt, then everything after
     * the checksum field (length, durable, payload) as it lies in {@code buf}.
     */
    public static int frameCrc(CRC32C crc, int salt, byte[] buf, int frameOffset, int payloadLength) {
        crc.reset();
        crc.update(salt & 0xFF);
        crc.update((salt >>> 8) & 0xFF);
        crc.update((salt >>> 16) & 0xFF);
        crc.update((salt >>> 24) & 0xFF);
        crc.update(buf, frameOffset + 4, FRAME_HEADER_SIZE - 4 + payloadLength);
        return (int) crc.getValue();
    }
}
