package dev.strata.engine.crash;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.vfs.FaultStorage.Kind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * I/O errors at every call (DESIGN.md test C1, SQLite's I/O-error tests): for every kind of
 * storage call (write, force, rename, create, delete, directory force, read, and the opens,
 * truncations, sizes, listings, mkdirs and lock of the storage interface) and every n up to the
 * number of such calls the workload makes, the n-th call fails, once or for ever, while
 * {@link FaultWorkload} runs (SYNC commits, two flushes, a compaction, a close and an ASYNC reopen
 * with syncs); its checks hold, and after the storage heals a reopen holds every acknowledged
 * commit and nothing but a prefix of the history.
 *
 * <p>CI: every n, once and for ever, over one workload seed (about 430 runs, 10 s). Soak: five
 * workload seeds.
 */
class IoErrorTest {
    static {
        CrashTesting.silence("dev.strata.engine.lsm.LsmTree", "dev.strata.engine.lsm.TableHandle",
                "dev.strata.engine.DatabaseOpener", "dev.strata.engine.StrataDatabase", "dev.strata.engine.wal.WalWriter");
    }

    private static final Kind[] KINDS = {Kind.WRITE, Kind.FORCE, Kind.RENAME, Kind.CREATE, Kind.DELETE,
        Kind.DIR_FORCE, Kind.READ, Kind.OPEN_READ, Kind.OPEN_WRITABLE, Kind.TRUNCATE, Kind.SIZE, Kind.LIST,
        Kind.MKDIR, Kind.LOCK};

    @Test
    void theNthCallOfEveryKindFailingOnceOrForEverIsReportedTypedAndLosesNothing() throws Exception {
        long seed = CrashTesting.seed();
        int seeds = CrashTesting.scaled(1, 5);
        Path base = CrashTesting.scratchDir("strata-ioerror");
        List<String> failures = new ArrayList<>();
        long runs = 0;
        long injected = 0;
        long typed = 0;
        long pendingRecovered = 0;
        long t0 = System.nanoTime();
        try {
            for (int w = 0; w < seeds; w++) {
                long s = seed + w;
                Map<Kind, Long> calls = dryRun(base.resolve("dry" + w), s);
                System.out.printf("IoErrorTest seed=%d: calls per kind in the workload %s%n", s, calls);
                for (Kind kind : KINDS) {
                    long total = calls.get(kind);
                    for (long n = 1; n <= total + 1; n++) {
                        for (boolean persistent : new boolean[] {false, true}) {
                            Path dir = base.resolve("run");
                            CrashTesting.deleteTree(dir);
                            FaultStorage fs = new FaultStorage(dir).failNth(kind, n, persistent);
                            FaultWorkload wl = new FaultWorkload(fs, s);
                            String where = "seed " + s + ", " + kind + " #" + n + (persistent ? " and every later one" : " once");
                            long threadsBefore = FailedOpenOrCloseStopsTheTreeTest.engineThreads();
                            try {
                                wl.run();
                                injected += fs.injections().size();
                                wl.recoverAndCheck();
                            } catch (AssertionError | RuntimeException e) {
                                wl.violations.add("unexpected " + e);
                            }
                            long leaked = FailedOpenOrCloseStopsTheTreeTest.awaitEngineThreads(threadsBefore);
                            if (leaked > 0) {
                                wl.violations.add(leaked + " flush or compaction thread(s) left running with every "
                                        + "database closed");
                            }
                            runs++;
                            typed += wl.typedErrors;
                            pendingRecovered += wl.ledger.pendingRecoveredCount();
                            for (String v : wl.violations) {
                                failures.add(where + ": " + v);
                                System.out.println("FAILURE " + where + ": " + v);
                            }
                        }
                    }
                }
            }
        } finally {
            CrashTesting.deleteTree(base);
        }
        System.out.printf("IoErrorTest seed=%d: %d runs, %d injected failures, %d typed errors reported, %d failed "
                + "commits found on disk at reopen, %d violations, %.1f s%n", seed, runs, injected, typed, pendingRecovered,
                failures.size(), (System.nanoTime() - t0) / 1e9);
        assertThat(failures).as("I/O-error violations (replay with -Dstrata.seed=%d)", seed).isEmpty();
        assertThat(injected).as("failures were injected").isGreaterThan(runs / 2);
    }

    /** The workload with nothing failing: it must pass its own checks; returns its calls per kind. */
    private static Map<Kind, Long> dryRun(Path dir, long seed) throws Exception {
        FaultStorage fs = new FaultStorage(dir);
        FaultWorkload wl = new FaultWorkload(fs, seed);
        wl.run();
        Map<Kind, Long> calls = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            calls.put(k, fs.count(k));
        }
        wl.recoverAndCheck();
        assertThat(wl.violations).as("the workload without failures").isEmpty();
        assertThat(wl.typedErrors).isZero();
        assertThat(wl.ledger.acknowledgedCount()).isEqualTo(3L * FaultWorkload.COMMITS_PER_PHASE + 1);
        CrashTesting.deleteTree(dir);
        return calls;
    }
}
