package dev.strata.engine.sst;

import dev.strata.engine.util.Bytes;

import java.util.Arrays;

/**
 * The table's bloom filter over user keys, built as LevelDB's {@code util/bloom.cc} builds it:
 * one 32-bit hash per key (LevelDB's {@code Hash} with seed 0xbc9f1d34), and k probes by double
 * hashing ({@code h += delta}, delta = h rotated right by 17), k = bitsPerKey * ln 2 clamped to
 * [1, 30]. The encoded filter is the bit array followed by one byte holding k, so a reader needs
 * no parameters. At 10 bits per key the false-positive rate is about 1%.
 *
 * <p>Built by {@link TableWriter} (one {@link Builder} per table); probed by {@link TableReader}
 * before any data block is read. Probing allocates nothing and is thread-safe.
 */
public final class BloomFilter {
    /** LevelDB's bloom hash seed; never change (it is part of the filter block's meaning). */
    private static final int SEED = 0xbc9f1d34;
    private static final int M = 0xc6a4a793;

    private BloomFilter() {
    }

    /** Whether {@code key[off, off+len)} may be in the set the filter was built from. */
    public static boolean mayContain(byte[] filter, byte[] key, int off, int len) {
        int n = filter.length;
        if (n < 2) {
            return false;
        }
        int k = filter[n - 1] & 0xFF;
        if (k > 30) {
            // Reserved for other encodings, as in LevelDB: treat as a match.
            return true;
        }
        long bits = (long) (n - 1) * 8;
        int h = hash(key, off, len);
        int delta = Integer.rotateRight(h, 17);
        for (int j = 0; j < k; j++) {
            long bit = Integer.toUnsignedLong(h) % bits;
            if ((filter[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
                return false;
            }
            h += delta;
        }
        return true;
    }

    /** LevelDB's {@code Hash(data, n, seed)}: a Murmur-like 32-bit hash. */
    @SuppressWarnings("fallthrough") // the tail bytes fall through, as in LevelDB's switch
    static int hash(byte[] b, int off, int len) {
        int h = SEED ^ (len * M);
        int p = off;
        int limit = off + len;
        while (p + 4 <= limit) {
            h += Bytes.getInt(b, p);
            h *= M;
            h ^= h >>> 16;
            p += 4;
        }
        switch (limit - p) {
            case 3:
                h += (b[p + 2] & 0xFF) << 16;
                // fall through
            case 2:
                h += (b[p + 1] & 0xFF) << 8;
                // fall through
            case 1:
                h += b[p] & 0xFF;
                h *= M;
                h ^= h >>> 24;
                break;
            default:
                break;
        }
        return h;
    }

    /** Collects key hashes, then lays out the filter. */
    public static final class Builder {
        private final int bitsPerKey;
        private int[] hashes = new int[256];
        private int count;

        public Builder(int bitsPerKey) {
            this.bitsPerKey = bitsPerKey;
        }

        /** Adds a key; the caller adds each user key once, not once per version. */
        public void add(byte[] key) {
            int h = hash(key, 0, key.length);
            if (count == hashes.length) {
                hashes = Arrays.copyOf(hashes, count * 2);
            }
            hashes[count++] = h;
        }

        public int count() {
            return count;
        }

        public byte[] build() {
            int k = (int) (bitsPerKey * 0.69); // ln 2, rounded down as LevelDB does
            k = Math.max(1, Math.min(30, k));
            long bits = Math.max(64L, (long) count * bitsPerKey);
            int bytes = (int) ((bits + 7) / 8);
            bits = bytes * 8L;
            byte[] out = new byte[bytes + 1];
            out[bytes] = (byte) k;
            for (int i = 0; i < count; i++) {
                int h = hashes[i];
                int delta = Integer.rotateRight(h, 17);
                for (int j = 0; j < k; j++) {
                    long bit = Integer.toUnsignedLong(h) % bits;
                    out[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
                    h += delta;
                }
            }
            return out;
        }
    }
}
