package dev.strata.engine.util;

import java.util.Arrays;

/**
 * A key in a column family ({@code cf}, 0 = the default family), usable as a hash-map key: the
 * transaction read and write sets, the transaction lock table and the user lock table are keyed
 * by it. The key array is owned by this object (callers pass a copy they will not change).
 *
 * <p>{@link #hash64} is the one hash of a (family, key) pair that the conflict table, the
 * verification table and {@link #hashCode()} share, so a key found in a commit record (a slice
 * of a larger array) and the same key held as an array hash alike without a copy.
 */
public final class CfKey {
    private final int cf;
    private final byte[] key;
    private final int hash;

    public CfKey(int cf, byte[] key) {
        this.cf = cf;
        this.key = key;
        this.hash = (int) hash64(cf, key, 0, key.length);
    }

    public int cf() {
        return cf;
    }

    /** The key bytes (not copied: do not change them). */
    public byte[] key() {
        return key;
    }

    /**
     * A 64-bit hash of a family id and a key slice: FNV-1a over the bytes, seeded with the
     * family, then the MurmurHash3 64-bit finalizer so every input bit reaches every output bit
     * (table indexes take low bits, verification tags high ones).
     */
    public static long hash64(int cf, byte[] buf, int off, int len) {
        long h = 0xCBF29CE484222325L ^ (cf * 0x9E3779B97F4A7C15L);
        for (int i = off; i < off + len; i++) {
            h ^= buf[i] & 0xFF;
            h *= 0x100000001B3L;
        }
        return mix64(h ^ len);
    }

    /** The MurmurHash3 fmix64 finalizer. */
    public static long mix64(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CfKey k && k.cf == cf && Arrays.equals(k.key, key);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return cf == 0 ? Bytes.toDisplay(key) : "cf" + cf + ":" + Bytes.toDisplay(key);
    }
}
