package dev.strata.engine.verify;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.util.CfKey;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The process-wide verification table (rocksdb-js's): a fixed array of 8-byte slots mapping
 * (database, column family, key) by hash to the last known version of the record, so a caller
 * holding a cached copy can ask "is version v still current?" without reading. The version is
 * the first 8 bytes of the value, a big-endian double; only positive versions (sign bit clear,
 * not NaN) are cached, which Harper-style timestamps always are.
 *
 * <p>Slot states (one {@code long}):
 * <pre>
 *   0                          never written: no version known
 *   bit 63 = 0, nonzero        a version: its bits XOR the key's 63-bit tag
 *   bit 63 = 1, bit 62 = 0     writes in flight: bits 61..0 count them
 *   bit 63 = 1, bit 62 = 1     settled: bits 61..0 a process-wide generation, never reused
 * </pre>
 * Keys that share a slot share its write count and settle state (a false miss, a real read,
 * never a wrong answer), but never a version: the slot stores the version XOR a tag taken from
 * the key's own hash, so a colliding key with an equal version does not match (unless its
 * 63-bit tag collides too).
 *
 * <p>Why a stale version can never read as fresh. A writer moves the slot to "in flight"
 * before its write can be read (under the commit lock) and, after the write is visible, to a new
 * settled generation. A reader that wants to publish what it read loads the slot first, reads,
 * then publishes with one compare-and-set from the value it loaded: any write that could have
 * made its read stale changed the slot in between (to a value it can never hold again), so the
 * CAS fails; and a reader never publishes from an in-flight slot. A delete-range can not name
 * its keys, so it settles every slot that is not in flight (a sweep) and blocks publishing in its
 * database until it is visible ({@link DatabaseVersions}).
 *
 * <p>Size: {@link #configure} before the first database that uses the table opens; the count is
 * rounded up to a power of two; 0 disables it (every check misses). Thread-safe and lock-free.
 */
public final class VerificationTable {
    /** Slots unless configured: 131,072 x 8 bytes = 1 MiB, as rocksdb-js. */
    public static final int DEFAULT_SLOTS = 131_072;
    /**
     * What {@code get} with an expected version returns when that version is still current:
     * compare by identity ({@code result == VerificationTable.FRESH}); never a real value.
     */
    public static final byte[] FRESH = new byte[0];

    private static final long TAG = 1L << 63;
    private static final long SETTLED = 1L << 62;
    private static final long LOW = SETTLED - 1;
    private static final AtomicLong GENERATIONS = new AtomicLong();

    private static int requestedSlots = DEFAULT_SLOTS;
    private static VerificationTable global;

    private final AtomicLongArray slots;
    private final int mask;

    /** A table of at least {@code requested} slots (rounded up to a power of two); 0 for a disabled one. */
    VerificationTable(int requested) {
        if (requested == 0) {
            slots = null;
            mask = 0;
        } else {
            int n = Integer.highestOneBit(Math.max(1, requested - 1)) << 1;
            slots = new AtomicLongArray(requested == 1 ? 1 : n);
            mask = slots.length() - 1;
        }
    }

    /**
     * Sets the number of slots of the process-wide table. Only before the first database with
     * {@code verificationTable(true)} opens: afterwards the table exists and its size is fixed.
     *
     * @throws InvalidArgumentException if out of [0, 2^30] or the table is already in use
     */
    public static synchronized void configure(int slots) {
        if (slots < 0 || slots > 1 << 30) {
            throw new InvalidArgumentException("verification table slots must be in [0, 2^30], was " + slots);
        }
        if (global != null && slots != requestedSlots) {
            throw new InvalidArgumentException("the verification table is already in use with " + global.size()
                    + " slots; configure it before the first database that uses it opens");
        }
        requestedSlots = slots;
    }

    /** The process-wide table, created on first use with the configured size. */
    static synchronized VerificationTable global() {
        if (global == null) {
            global = new VerificationTable(requestedSlots);
        }
        return global;
    }

    /** Slots of this table (0 when disabled). */
    public int size() {
        return slots == null ? 0 : slots.length();
    }

    // ------------------------------------------------------------------ encoding

    /** The slot value that vouches for {@code versionBits} of a key with hash {@code h}, or 0 if it cannot be cached. */
    static long encode(long versionBits, long h) {
        if (versionBits <= 0 || versionBits > 0x7FF0_0000_0000_0000L) {
            return 0; // negative, zero or NaN: not a version this table caches
        }
        return versionBits ^ keyTag(h);
    }

    private static long keyTag(long h) {
        return CfKey.mix64(h ^ 0x2545F4914F6CDD1DL) & ~TAG;
    }

    private int index(long h) {
        return (int) h & mask;
    }

    static boolean inFlight(long slot) {
        return (slot & (TAG | SETTLED)) == TAG;
    }

    private static long freshSettled() {
        return TAG | SETTLED | (GENERATIONS.incrementAndGet() & LOW);
    }

    // ------------------------------------------------------------------ operations (h: a key's hash)

    /** Whether the slot of {@code h} vouches for {@code versionBits}. */
    boolean verify(long h, long versionBits) {
        long enc = encode(versionBits, h);
        return slots != null && enc != 0 && slots.get(index(h)) == enc;
    }

    /** The slot's value, loaded before a read whose result may be published. */
    long observe(long h) {
        return slots == null ? 0 : slots.get(index(h));
    }

    /**
     * Publishes {@code versionBits} read after {@link #observe} returned {@code observed}; does
     * nothing if a write began since (or was in flight then). True if published.
     */
    boolean publish(long h, long observed, long versionBits) {
        long enc = encode(versionBits, h);
        return slots != null && enc != 0 && !inFlight(observed) && slots.compareAndSet(index(h), observed, enc);
    }

    /** A write of a key with hash {@code h} is about to become readable: the slot stops vouching. */
    void beginWrite(long h) {
        if (slots == null) {
            return;
        }
        int i = index(h);
        while (true) {
            long v = slots.get(i);
            long next = inFlight(v) ? v + 1 : TAG | 1;
            if (slots.compareAndSet(i, v, next)) {
                return;
            }
        }
    }

    /** The write begun by {@link #beginWrite} is visible (or failed); the last one out settles the slot. */
    void endWrite(long h) {
        if (slots == null) {
            return;
        }
        int i = index(h);
        while (true) {
            long v = slots.get(i);
            if (!inFlight(v)) {
                throw new IllegalStateException("verification slot " + i + " ended a write it never began: " + Long.toHexString(v));
            }
            long next = (v & LOW) > 1 ? v - 1 : freshSettled();
            if (slots.compareAndSet(i, v, next)) {
                return;
            }
        }
    }

    /**
     * Settles every slot not in flight, the never-written ones too: no version published before
     * vouches any more, and no reader that loaded a slot before can publish into it.
     */
    void sweep() {
        if (slots == null) {
            return;
        }
        for (int i = 0; i < slots.length(); i++) {
            while (true) {
                long v = slots.get(i);
                if (inFlight(v) || slots.compareAndSet(i, v, freshSettled())) {
                    break;
                }
            }
        }
    }
}
