package dev.strata.engine.wal;

import dev.strata.engine.util.Bytes;

import java.util.Arrays;
import java.util.zip.CRC32C;

/** The 40-byte header of a WAL segment; see {@link WalFormat}. */
public record SegmentHeader(int version, int salt, long segmentNumber, long firstSeqno, int flags) {

    public byte[] encode() {
        byte[] b = new byte[WalFormat.HEADER_SIZE];
        System.arraycopy(WalFormat.MAGIC, 0, b, 0, 8);
        Bytes.putInt(b, 8, version);
        Bytes.putInt(b, 12, salt);
        Bytes.putLong(b, 16, segmentNumber);
        Bytes.putLong(b, 24, firstSeqno);
        Bytes.putInt(b, 32, flags);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, 36);
        Bytes.putInt(b, 36, (int) crc.getValue());
        return b;
    }

    /** Why a header is unusable, for the caller to turn into a corruption error. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        public final boolean allZero;

        Invalid(String message, boolean allZero) {
            super(message, null, false, false);
            this.allZero = allZero;
        }
    }

    public static SegmentHeader decode(byte[] b) throws Invalid {
        boolean zero = true;
        for (byte x : b) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            throw new Invalid("segment header is all zero bytes", true);
        }
        if (!Arrays.equals(b, 0, 8, WalFormat.MAGIC, 0, 8)) {
            throw new Invalid("bad segment magic", false);
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, 36);
        if ((int) crc.getValue() != Bytes.getInt(b, 36)) {
            throw new Invalid("segment header checksum mismatch", false);
        }
        int version = Bytes.getInt(b, 8);
        if (version != WalFormat.VERSION) {
            throw new Invalid("segment format version " + version + " is not supported by this engine"
                    + " (it reads version " + WalFormat.VERSION + ")", false);
        }
        return new SegmentHeader(version, Bytes.getInt(b, 12), Bytes.getLong(b, 16),
                Bytes.getLong(b, 24), Bytes.getInt(b, 32));
    }
}
