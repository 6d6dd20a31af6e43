package dev.strata.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Keys, values and orders, all derived from the seed so that nothing proportional to the key
 * count is held in memory and every engine sees the same bytes.
 *
 * <p>Keys are 16 bytes, as in db_bench: the index big-endian in the first 8 bytes, zeros after,
 * so key order is index order. A missing key is an existing key with a last byte of '.', which
 * sorts between key i and key i+1: a lookup must go to the right block and be refused by the
 * bloom filter or the block, not fall outside the key range.
 *
 * <p>Values are 100 bytes, half compressible (db_bench's compression_ratio 0.5): each is a
 * 100-byte slot of a 1 MiB pool whose slots are 50 random printable bytes written twice. Which
 * slot a (key, version) gets is a hash, so a reader can check the exact value it got back.
 */
public final class Data {
    public static final int KEY_SIZE = 16;
    public static final int VALUE_SIZE = 100;
    private static final int POOL_SLOTS = (1 << 20) / VALUE_SIZE;

    private final long seed;
    private final byte[] pool;

    public Data(long seed) {
        this.seed = seed;
        this.pool = new byte[POOL_SLOTS * VALUE_SIZE];
        SplittableRandom r = new SplittableRandom(seed);
        int half = VALUE_SIZE / 2;
        for (int s = 0; s < POOL_SLOTS; s++) {
            int base = s * VALUE_SIZE;
            for (int i = 0; i < half; i++) {
                pool[base + i] = (byte) (' ' + r.nextInt(95));
            }
            System.arraycopy(pool, base, pool, base + half, VALUE_SIZE - half);
        }
    }

    public long seed() {
        return seed;
    }

    public static byte[] key(long index) {
        byte[] k = new byte[KEY_SIZE];
        for (int i = 0; i < 8; i++) {
            k[i] = (byte) (index >>> (56 - 8 * i));
        }
        return k;
    }

    /** A key that is never written: sorts just after {@code key(index)}. */
    public static byte[] missingKey(long index) {
        byte[] k = key(index);
        k[KEY_SIZE - 1] = '.';
        return k;
    }

    /** A fresh array (engines may keep the reference, as MVStore does). */
    public byte[] value(long index, int version) {
        int off = slot(index, version);
        return Arrays.copyOfRange(pool, off, off + VALUE_SIZE);
    }

    public boolean isValue(byte[] v, long index, int version) {
        if (v == null || v.length != VALUE_SIZE) {
            return false;
        }
        int off = slot(index, version);
        return Arrays.equals(v, 0, VALUE_SIZE, pool, off, off + VALUE_SIZE);
    }

    private int slot(long index, int version) {
        long h = mix64(index * 0x9E3779B97F4A7C15L + version + seed);
        return (int) Long.remainderUnsigned(h, POOL_SLOTS) * VALUE_SIZE;
    }

    /** Stafford's variant 13 of the SplitMix64 finalizer: a cheap, well-mixed 64-bit hash. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A pseudo-random permutation of [0, n), keyed by seed and salt, computed per position: a
     * balanced Feistel network over the smallest even-bit power of two >= n, with cycle walking
     * to stay inside [0, n). Lets "every key once, in random order" run without an index array.
     */
    public static final class Permutation {
        private static final int ROUNDS = 4;
        private final long n;
        private final int halfBits;
        private final long halfMask;
        private final long[] roundKeys = new long[ROUNDS];

        public Permutation(long n, long seed, long salt) {
            if (n <= 0) {
                throw new IllegalArgumentException("n must be positive, was " + n);
            }
            this.n = n;
            int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
            this.halfBits = (bits + 1) / 2;
            this.halfMask = (1L << halfBits) - 1;
            for (int i = 0; i < ROUNDS; i++) {
                roundKeys[i] = mix64(seed * 31 + salt * 1_000_003L + i);
            }
        }

        public long apply(long i) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException(i + " not in [0, " + n + ")");
            }
            long x = i;
            do {
                x = feistel(x);
            } while (x >= n); // the domain is < 4n, so this loops fewer than 4 times on average
            return x;
        }

        private long feistel(long x) {
            long left = x >>> halfBits;
            long right = x & halfMask;
            for (int r = 0; r < ROUNDS; r++) {
                long next = left ^ (mix64(right ^ roundKeys[r]) & halfMask);
                left = right;
                right = next;
            }
            return (left << halfBits) | right;
        }
    }
}
