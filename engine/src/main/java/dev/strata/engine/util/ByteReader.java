package dev.strata.engine.util;

/**
 * A bounds-checked cursor over a byte array, for decoders of untrusted bytes (WAL records, later
 * SST blocks and frames). Every read checks the limit and throws {@link Malformed} instead of an
 * {@code ArrayIndexOutOfBoundsException}, so a decoder turns any damage into one typed error that
 * names the offset.
 */
public final class ByteReader {
    private final byte[] buf;
    private int pos;
    private final int limit;

    public ByteReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.limit = off + len;
    }

    /** Thrown on a read past the limit or an impossible value; {@link #offset} is where. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        public final int offset;

        public Malformed(String what, int offset) {
            super(what, null, false, false);
            this.offset = offset;
        }
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return limit - pos;
    }

    public byte[] array() {
        return buf;
    }

    private void need(int n) throws Malformed {
        if (n < 0 || limit - pos < n) {
            throw new Malformed("truncated: need " + n + " bytes, " + (limit - pos) + " left", pos);
        }
    }

    public int u8() throws Malformed {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public long i64() throws Malformed {
        need(8);
        long v = Bytes.getLong(buf, pos);
        pos += 8;
        return v;
    }

    public int i32() throws Malformed {
        need(4);
        int v = Bytes.getInt(buf, pos);
        pos += 4;
        return v;
    }

    public long varLong() throws Malformed {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            need(1);
            int b = buf[pos++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new Malformed("varint longer than 10 bytes", pos);
    }

    /** A varint that must lie in [0, max]: lengths and counts. */
    public int varInt(int max) throws Malformed {
        int at = pos;
        long v = varLong();
        if (v < 0 || v > max) {
            throw new Malformed("value " + v + " out of range [0, " + max + "]", at);
        }
        return (int) v;
    }

    /** Skips {@code n} bytes, returning the offset where they start. */
    public int skip(int n) throws Malformed {
        need(n);
        int at = pos;
        pos += n;
        return at;
    }
}
