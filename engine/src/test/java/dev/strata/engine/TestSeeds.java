package dev.strata.engine;

/**
 * Seeds and scale for randomized tests: {@code -Dstrata.seed=N} replays one seed,
 * {@code -Dstrata.test.scale=soak} runs the long tier. Failures print the seed to replay.
 */
public final class TestSeeds {
    private TestSeeds() {
    }

    public static boolean soak() {
        return "soak".equalsIgnoreCase(System.getProperty("strata.test.scale", "ci"));
    }

    /** The fixed seed given on the command line, or null. */
    public static Long fixedSeed() {
        String s = System.getProperty("strata.seed", "");
        return s.isBlank() ? null : Long.parseLong(s.trim());
    }

    /** {@code ci} in the default tier, {@code soak} with -Dstrata.test.scale=soak. */
    public static int scaled(int ci, int soak) {
        return soak() ? soak : ci;
    }
}
