package dev.strata.engine;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The harness of the decoder fuzz tests (DESIGN.md D3). Each case feeds one decoder one input and
 * holds it to the rules for every decoder of untrusted bytes:
 * <ul>
 *   <li>it returns, or throws an exception the target calls typed (a {@code CorruptionException}
 *       naming the file and an offset inside it, or the codec's own {@code Malformed}): never
 *       another exception or error;</li>
 *   <li>it allocates at most {@link #FIXED_ALLOWANCE} plus {@link #PER_INPUT_BYTE} bytes per input
 *       byte (measured per thread by the JVM; a target may set its own per-byte figure): a hostile
 *       length must never become an allocation of that size;</li>
 *   <li>it takes at most 5 s (a target's whole run is also bounded, preemptively, by its test).</li>
 * </ul>
 * Seeds: {@code -Dstrata.seed=N} replays a run; each case names its seed and number.
 */
public final class Fuzzing {
    /** What any decode may allocate whatever its input: readers' windows, exceptions with stack traces. */
    public static final long FIXED_ALLOWANCE = 4L << 20;
    public static final int PER_INPUT_BYTE = 16;
    private static final long CASE_DEADLINE_NANOS = 5_000_000_000L;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A decode that may throw anything. */
    @FunctionalInterface
    public interface Decode {
        void run() throws Exception;
    }

    private final String target;
    private final int perInputByte;
    private final long seed;
    private final Random random;
    private long cases;
    private long accepted;
    private long rejected;
    private long maxAllocated;
    private long maxNanos;
    private final List<String> failures = new ArrayList<>();

    /** A harness for {@code target}, seeded from {@code strata.seed} or afresh. */
    public Fuzzing(String target) {
        this(target, PER_INPUT_BYTE);
    }

    /**
     * As {@link #Fuzzing(String)}, allowing {@code perInputByte} bytes of allocation per input byte:
     * for a text format whose many short lines each become a few objects (the bound stays linear:
     * no field of the input can make it larger).
     */
    public Fuzzing(String target, int perInputByte) {
        this.target = target;
        this.perInputByte = perInputByte;
        this.seed = CrashTesting.seed();
        this.random = new Random(seed);
    }

    /** The seeded source of every case's randomness. */
    public Random random() {
        return random;
    }

    public long seed() {
        return seed;
    }

    /**
     * Runs one case on an input of {@code inputSize} bytes; {@code typed} says which exceptions
     * are a proper rejection. Violations are collected in {@link #failures()}.
     */
    public void check(String label, int inputSize, Decode decode, Predicate<Throwable> typed) {
        THREADS.setThreadAllocatedMemoryEnabled(true);
        long thread = Thread.currentThread().getId();
        long allocatedBefore = THREADS.getThreadAllocatedBytes(thread);
        long t0 = System.nanoTime();
        Throwable thrown = null;
        try {
            decode.run();
        } catch (Throwable e) { // errors too: an OutOfMemoryError or a failed assert is a finding
            thrown = e;
        }
        long nanos = System.nanoTime() - t0;
        long allocated = THREADS.getThreadAllocatedBytes(thread) - allocatedBefore;
        cases++;
        String where = target + " seed " + seed + " case " + cases + " (" + label + ")";
        if (thrown == null) {
            accepted++;
        } else if (typed.test(thrown)) {
            rejected++;
        } else {
            failures.add(where + ": untyped " + CrashTesting.describe(thrown));
        }
        long bound = FIXED_ALLOWANCE + (long) perInputByte * inputSize;
        if (allocated > bound) {
            failures.add(where + ": allocated " + allocated + " bytes for a " + inputSize + "-byte input (bound " + bound + ")");
        }
        if (nanos > CASE_DEADLINE_NANOS) {
            failures.add(where + ": took " + nanos / 1_000_000 + " ms");
        }
        maxAllocated = Math.max(maxAllocated, allocated);
        maxNanos = Math.max(maxNanos, nanos);
    }

    public List<String> failures() {
        return failures;
    }

    public long cases() {
        return cases;
    }

    public long rejected() {
        return rejected;
    }

    /** One line with the figures, printed by each fuzz test. */
    public String summary() {
        return String.format("%s seed=%d: %d cases, %d decoded, %d rejected typed, %d violations, most allocated by a "
                        + "case %d KiB, slowest case %.1f ms", target, seed, cases, accepted, rejected, failures.size(),
                maxAllocated >> 10, maxNanos / 1e6);
    }

    // ------------------------------------------------------------ mutations shared by the targets

    /** Sets 1-8 random bytes to random values. */
    public static void scribble(Random r, byte[] b, int from, int to) {
        if (to <= from) {
            return;
        }
        for (int n = 1 + r.nextInt(8); n > 0; n--) {
            b[from + r.nextInt(to - from)] = (byte) r.nextInt(256);
        }
    }

    /** A copy cut short at a random length, or grown by up to 4 KiB of zeros or random bytes. */
    public static byte[] resize(Random r, byte[] b) {
        if (r.nextBoolean() || b.length == 0) {
            return java.util.Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
        }
        byte[] out = java.util.Arrays.copyOf(b, b.length + 1 + r.nextInt(4096));
        if (r.nextBoolean()) {
            byte[] tail = new byte[out.length - b.length];
            r.nextBytes(tail);
            System.arraycopy(tail, 0, out, b.length, tail.length);
        }
        return out;
    }

    /** A length a hostile writer would put in a length field. */
    public static int hostileLength(Random r, int fileSize) {
        int[] lengths = {0, 1, 7, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE - 4, 1 << 30,
            (1 << 30) + 1, fileSize, fileSize + 1, 1 << 20, 1 << 24};
        return r.nextInt(4) == 0 ? r.nextInt() : lengths[r.nextInt(lengths.length)];
    }
}
