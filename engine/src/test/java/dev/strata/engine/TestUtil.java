package dev.strata.engine;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Small helpers shared by the transaction, lock and event tests: UTF-8 keys, and waiting for a condition. */
public final class TestUtil {
    private TestUtil() {
    }

    /** UTF-8 bytes of {@code s}. */
    public static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code b} decoded as UTF-8, or null. */
    public static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Polls {@code condition} until it holds, failing after 20 s: tests wait for what they need,
     * never for a fixed time (CI is a loaded 2-core machine).
     */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
