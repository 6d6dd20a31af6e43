package dev.strata.engine.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Byte-array helpers shared by every format: unsigned lexicographic comparison (the order of all
 * keys), little-endian fixed-width integers and LEB128 varints. All on-disk integers in Strata are
 * little-endian, as in LevelDB and RocksDB.
 */
public final class Bytes {
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Unsigned lexicographic order, the order of keys everywhere in Strata. */
    public static final Comparator<byte[]> COMPARATOR = Bytes::compare;

    public static final byte[] EMPTY = new byte[0];

    private Bytes() {
    }

    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    public static int compare(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
        return Arrays.compareUnsigned(a, aOff, aOff + aLen, b, bOff, bOff + bLen);
    }

    public static long getLong(byte[] b, int off) {
        return (long) LONG_LE.get(b, off);
    }

    public static void putLong(byte[] b, int off, long v) {
        LONG_LE.set(b, off, v);
    }

    public static int getInt(byte[] b, int off) {
        return (int) INT_LE.get(b, off);
    }

    public static void putInt(byte[] b, int off, int v) {
        INT_LE.set(b, off, v);
    }

    /** Bytes a varint of {@code v} (treated as unsigned) takes: 1 to 10. */
    public static int varLongSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** Writes {@code v} as an unsigned LEB128 varint; returns the offset after it. */
    public static int putVarLong(byte[] b, int off, long v) {
        while ((v & ~0x7FL) != 0) {
            b[off++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[off++] = (byte) v;
        return off;
    }

    /** Renders a key for messages: printable ASCII as is, other bytes as \xNN, cut at 64 bytes. */
    public static String toDisplay(byte[] key) {
        if (key == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        int n = Math.min(key.length, 64);
        for (int i = 0; i < n; i++) {
            int c = key[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        if (key.length > n) {
            sb.append("...(").append(key.length).append(" bytes)");
        }
        return sb.toString();
    }
}
