package dev.strata.engine;

import dev.strata.engine.txn.TransactionMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * kill -9 blackbox (DESIGN.md A1, {@link CrashCycles}). A child JVM ({@link CrashKillChild}) runs
 * 3 writer threads (puts, removes, delete-ranges, batches, batches across two column families,
 * optimistic or pessimistic transactions over both families) on a tiny tree on the real disk, so
 * flushes, compactions, manifest installs and WAL segment deletions run while it is killed with
 * SIGKILL 0.3-2 s after it reports ready; the test JVM then reopens the database and checks that
 * every acknowledged commit is there (SYNC, ASYNC), that the state of both families is the replay
 * of commits 1..S with no holes (NONE: S is where the last flush ended, and acknowledged commits
 * after it are lost, as NONE promises), and that a new commit gets S + 1.
 *
 * <p>Cycles rotate SYNC, ASYNC, NONE and, independently, the optimistic and pessimistic
 * transaction modes on the same directory (a fresh one every 50 cycles), so each recovery also
 * starts from what another mode left. Every fifth cycle that is not NONE also makes checkpoints,
 * backups or restores (in turn) while it writes, and what the kill left of them is checked
 * ({@link CrashAdminChecks}). NONE cycles write the default family only (see
 * {@link CrashKillChild.Spec#family()}). CI: 100 cycles; soak: 2,000.
 */
class CrashRecoveryKillTest {
    private static final int THREADS = 3;
    private static final Durability[] ROTATION = {Durability.SYNC, Durability.ASYNC, Durability.NONE};
    private static final CrashKillChild.Admin[] ADMIN = {CrashKillChild.Admin.CHECKPOINT, CrashKillChild.Admin.BACKUP,
        CrashKillChild.Admin.RESTORE};

    @Test
    void killMinus9InEveryDurabilityModeRecoversAPrefixWithEveryAcknowledgedCommit() throws Exception {
        long seed = CrashTesting.seed();
        int cycles = CrashTesting.scaled(100, 2000);
        Random rnd = new Random(seed);
        Path root = Files.createTempDirectory("strata-kill");
        CrashCycles runner = new CrashCycles(root, seed, THREADS);
        Map<String, Integer> perMode = new TreeMap<>();
        long t0 = System.nanoTime();
        int cycle = 0;
        int admins = 0;
        try {
            for (cycle = 0; cycle < cycles; cycle++) {
                if (cycle % 50 == 0) {
                    runner.freshDirectory("db" + cycle);
                }
                Durability mode = ROTATION[cycle % ROTATION.length];
                TransactionMode txn = cycle % 2 == 0 ? TransactionMode.OPTIMISTIC : TransactionMode.PESSIMISTIC;
                // SYNC paces itself on the disk; ASYNC and NONE would write far more in the same time.
                CrashKillChild.Spec spec = CrashKillChild.Spec.of(mode, txn).pace(mode == Durability.SYNC ? 0 : 200);
                if (cycle % 5 == 4 && mode != Durability.NONE) {
                    spec = spec.admin(ADMIN[admins++ % ADMIN.length]);
                }
                runner.killAfter(cycle, spec, rnd.nextInt(1701) + 300);
                perMode.merge(spec.toString(), 1, Integer::sum);
            }
        } catch (Throwable e) {
            System.out.printf("CrashRecoveryKillTest failed in cycle %d: replay with -Dstrata.seed=%d%n", cycle, seed);
            Path err = root.resolve("child.err");
            if (Files.exists(err)) {
                System.out.println("child stderr:\n" + Files.readString(err));
            }
            throw e;
        } finally {
            CrashTesting.deleteTree(root);
        }
        System.out.printf("CrashRecoveryKillTest seed=%d: %d kill cycles %s, %s, %.1f s%n", seed, cycles, perMode,
                runner.summary(), (System.nanoTime() - t0) / 1e9);
    }
}
