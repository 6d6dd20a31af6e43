package dev.strata.engine.wal;

import dev.strata.engine.util.ByteReader;
import dev.strata.engine.util.ByteReader.Malformed;
import dev.strata.engine.util.Bytes;

/**
 * The commit record: one committed write batch, the unit that the WAL stores, recovery replays,
 * transaction-log queries serve and replication ships (DESIGN.md). Part of the on-disk and wire
 * format: opcodes and layout never change within {@link WalFormat#VERSION}.
 *
 * <pre>
 * payload (little-endian):
 *   +--------+-----------+----------+-----------+----------------------+-----------------------+
 *   | seqno  | timestamp | op count | log count | ops (op count times)  | log entries           |
 *   | u64    | u64 (ms)  | u32      | u32       |                      | (log count times)     |
 *   +--------+-----------+----------+-----------+----------------------+-----------------------+
 *
 * op:        type u8, column family id varint, then by type:
 *   1 PUT           key, value
 *   2 DELETE        key
 *   3 DELETE_RANGE  start key, end key (end exclusive)
 *   4 PUT_TTL       key, value, expires-at u64 (ms since the epoch)
 *   16 CF_CREATE    name (the column family id is the new family's)
 *   17 CF_DROP      (nothing more)
 * log entry: log name (UTF-8 bytes), data
 * key, value, name and data are each: length varint, bytes.
 * </pre>
 *
 * Ops apply in order; within one record a later op on the same key wins (a DELETE_RANGE also
 * removes earlier puts of the same record in its range).
 */
public final class CommitRecord {
    public static final int PUT = 1;
    public static final int DELETE = 2;
    public static final int DELETE_RANGE = 3;
    public static final int PUT_TTL = 4;
    public static final int CF_CREATE = 16;
    public static final int CF_DROP = 17;

    /** seqno + timestamp + op count + log count. */
    public static final int PAYLOAD_HEADER_SIZE = 24;

    private CommitRecord() {
    }

    /**
     * Receives the ops of a record in order. Offsets point into {@code buf}. A visitor may reject
     * an op it finds inconsistent (say, one naming a column family that never existed).
     */
    public interface OpVisitor {
        void put(int cf, byte[] buf, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) throws Malformed;

        void delete(int cf, byte[] buf, int keyOff, int keyLen) throws Malformed;

        void deleteRange(int cf, byte[] buf, int startOff, int startLen, int endOff, int endLen) throws Malformed;

        default void createColumnFamily(int cf, String name) throws Malformed {
        }

        default void dropColumnFamily(int cf) throws Malformed {
        }
    }

    /** Receives the named transaction-log entries of a record. */
    public interface LogEntryVisitor {
        void entry(byte[] buf, int nameOff, int nameLen, int dataOff, int dataLen);
    }

    public static long seqno(byte[] payload, int off) {
        return Bytes.getLong(payload, off);
    }

    public static long timestamp(byte[] payload, int off) {
        return Bytes.getLong(payload, off + 8);
    }

    public static int opCount(byte[] payload, int off) {
        return Bytes.getInt(payload, off + 16);
    }

    public static int logCount(byte[] payload, int off) {
        return Bytes.getInt(payload, off + 20);
    }

    /** Bytes a log entry named {@code nameLen} bytes with {@code dataLen} bytes of data takes when encoded. */
    public static int logEntrySize(int nameLen, int dataLen) {
        return Bytes.varLongSize(nameLen) + nameLen + Bytes.varLongSize(dataLen) + dataLen;
    }

    /** Encodes one log entry at {@code off}; returns the offset after it. */
    public static int encodeLogEntry(byte[] dst, int off, byte[] name, byte[] data) {
        off = Bytes.putVarLong(dst, off, name.length);
        System.arraycopy(name, 0, dst, off, name.length);
        off += name.length;
        off = Bytes.putVarLong(dst, off, data.length);
        System.arraycopy(data, 0, dst, off, data.length);
        return off + data.length;
    }

    /**
     * The offset in {@code buf} where the log section of the payload at {@code off} begins (after
     * its ops), so a log-only copy can keep the entries byte for byte.
     */
    public static int logSectionOffset(byte[] buf, int off, int len) throws Malformed {
        ByteReader r = new ByteReader(buf, off, len);
        r.skip(PAYLOAD_HEADER_SIZE);
        decodeOps(r, opCount(buf, off), len, null);
        return r.position();
    }

    /** Bytes an op of {@code type} with these lengths takes when encoded. */
    public static int opSize(int cf, int aLen, int bLen, boolean ttl) {
        int n = 1 + Bytes.varLongSize(cf) + Bytes.varLongSize(aLen) + aLen;
        if (bLen >= 0) {
            n += Bytes.varLongSize(bLen) + bLen;
        }
        return ttl ? n + 8 : n;
    }

    /**
     * Encodes one op at {@code off}; {@code b} is null for DELETE. Returns the offset after it.
     * The caller has ensured room ({@link #opSize}).
     */
    public static int encodeOp(byte[] dst, int off, int type, int cf, byte[] a, byte[] b, long expiresAt) {
        dst[off++] = (byte) type;
        off = Bytes.putVarLong(dst, off, cf);
        off = Bytes.putVarLong(dst, off, a.length);
        System.arraycopy(a, 0, dst, off, a.length);
        off += a.length;
        if (b != null) {
            off = Bytes.putVarLong(dst, off, b.length);
            System.arraycopy(b, 0, dst, off, b.length);
            off += b.length;
        }
        if (type == PUT_TTL) {
            Bytes.putLong(dst, off, expiresAt);
            off += 8;
        }
        return off;
    }

    /** The encoded op that creates family {@code cf} named {@code name} (CF_CREATE) or drops it (CF_DROP, name null). */
    public static byte[] encodeFamilyOp(int type, int cf, String name) {
        if (type != CF_CREATE && type != CF_DROP) {
            throw new IllegalArgumentException("not a column-family op: " + type);
        }
        byte[] n = name == null ? null : name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = new byte[1 + Bytes.varLongSize(cf) + (n == null ? 0 : Bytes.varLongSize(n.length) + n.length)];
        out[0] = (byte) type;
        int off = Bytes.putVarLong(out, 1, cf);
        if (n != null) {
            off = Bytes.putVarLong(out, off, n.length);
            System.arraycopy(n, 0, out, off, n.length);
        }
        return out;
    }

    /** Writes the 24-byte payload header at {@code off}. */
    public static void encodeHeader(byte[] dst, int off, long seqno, long timestamp, int opCount, int logCount) {
        Bytes.putLong(dst, off, seqno);
        Bytes.putLong(dst, off + 8, timestamp);
        Bytes.putInt(dst, off + 16, opCount);
        Bytes.putInt(dst, off + 20, logCount);
    }

    /**
     * Decodes a payload, calling the visitors (either may be null) for each op and log entry.
     * Every length is checked against the payload; any inconsistency is {@link Malformed} with
     * the offset inside {@code buf}.
     */
    public static void decode(byte[] buf, int off, int len, OpVisitor ops, LogEntryVisitor logs)
            throws Malformed {
        ByteReader r = new ByteReader(buf, off, len);
        r.i64();
        r.i64();
        int opCountAt = r.position();
        int opCount = r.i32();
        int logCount = r.i32();
        // Every op takes at least 2 bytes (a CF_DROP: type and id) and every log entry 2: reject
        // impossible counts up front.
        if (opCount < 0 || logCount < 0 || (long) opCount * 2 + (long) logCount * 2 > r.remaining()) {
            throw new Malformed("impossible op count " + opCount + " / log count " + logCount, opCountAt);
        }
        decodeOps(r, opCount, len, ops);
        for (int i = 0; i < logCount; i++) {
            int nLen = r.varInt(len);
            int nOff = r.skip(nLen);
            int dLen = r.varInt(len);
            int dOff = r.skip(dLen);
            if (logs != null) {
                logs.entry(buf, nOff, nLen, dOff, dLen);
            }
        }
        if (r.remaining() != 0) {
            throw new Malformed(r.remaining() + " unexpected bytes after the last entry", r.position());
        }
    }

    /**
     * Decodes {@code opCount} ops of a write batch's encoded ops (the op section of a payload),
     * for applying a batch that was built in memory.
     */
    public static void decodeOps(byte[] buf, int off, int len, int opCount, OpVisitor ops) throws Malformed {
        ByteReader r = new ByteReader(buf, off, len);
        decodeOps(r, opCount, len, ops);
        if (r.remaining() != 0) {
            throw new Malformed(r.remaining() + " unexpected bytes after the last op", r.position());
        }
    }

    private static void decodeOps(ByteReader r, int opCount, int len, OpVisitor ops) throws Malformed {
        byte[] buf = r.array();
        for (int i = 0; i < opCount; i++) {
            int typeAt = r.position();
            int type = r.u8();
            int cf = r.varInt(Integer.MAX_VALUE);
            switch (type) {
                case PUT, PUT_TTL -> {
                    int kLen = r.varInt(len);
                    int kOff = r.skip(kLen);
                    int vLen = r.varInt(len);
                    int vOff = r.skip(vLen);
                    long expiresAt = type == PUT_TTL ? r.i64() : 0L;
                    if (ops != null) {
                        ops.put(cf, buf, kOff, kLen, vOff, vLen, expiresAt);
                    }
                }
                case DELETE -> {
                    int kLen = r.varInt(len);
                    int kOff = r.skip(kLen);
                    if (ops != null) {
                        ops.delete(cf, buf, kOff, kLen);
                    }
                }
                case DELETE_RANGE -> {
                    int sLen = r.varInt(len);
                    int sOff = r.skip(sLen);
                    int eLen = r.varInt(len);
                    int eOff = r.skip(eLen);
                    if (ops != null) {
                        ops.deleteRange(cf, buf, sOff, sLen, eOff, eLen);
                    }
                }
                case CF_CREATE -> {
                    int nLen = r.varInt(len);
                    int nOff = r.skip(nLen);
                    if (ops != null) {
                        try {
                            ops.createColumnFamily(cf, new String(buf, nOff, nLen, java.nio.charset.StandardCharsets.UTF_8));
                        } catch (Malformed m) {
                            throw new Malformed(m.getMessage(), typeAt);
                        }
                    }
                }
                case CF_DROP -> {
                    if (ops != null) {
                        try {
                            ops.dropColumnFamily(cf);
                        } catch (Malformed m) {
                            throw new Malformed(m.getMessage(), typeAt);
                        }
                    }
                }
                default -> throw new Malformed("unknown op type " + type, typeAt);
            }
        }
    }
}
