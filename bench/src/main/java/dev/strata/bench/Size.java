package dev.strata.bench;

import java.util.Locale;

/**
 * How many operations each workload does.
 *
 * @param keys     keys written by the fills (and overwritten, deleted)
 * @param reads    point reads for the readrandom and readmissing workloads
 * @param seeks    seeks for seekrandom
 * @param syncOps  writes for each fillsync workload (fsync-bound, hence fewer)
 * @param txnOps   transactions for the transaction workload
 * @param mixedOps operations of the 90/10 workload
 */
public record Size(String name, long keys, long reads, long seeks, long syncOps, long txnOps, long mixedOps) {

    /** A few minutes for all engines and two runs on a 2-core machine: the CI smoke size. */
    public static final Size QUICK = new Size("quick", 100_000, 100_000, 20_000, 2_000, 20_000, 100_000);

    /** The size results are quoted at: 1,000,000 keys (about 116 MB of user data). */
    public static final Size FULL = new Size("full", 1_000_000, 1_000_000, 100_000, 20_000, 200_000, 1_000_000);

    /** A size scaled from a key count, keeping QUICK's proportions; for tests and --keys. */
    public static Size ofKeys(long keys) {
        if (keys < 100) {
            throw new IllegalArgumentException("keys must be at least 100, was " + keys);
        }
        return new Size("keys" + keys, keys, keys, Math.max(10, keys / 5), Math.max(10, keys / 50),
                Math.max(10, keys / 5), keys);
    }

    public static Size byName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "quick":
                return QUICK;
            case "full":
                return FULL;
            default:
                throw new IllegalArgumentException("--size must be quick or full, was '" + name + "'");
        }
    }
}
