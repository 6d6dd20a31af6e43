package dev.strata.engine.crash;

import dev.strata.engine.CrashCycles;
import dev.strata.engine.CrashKillChild;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.txn.TransactionMode;
import dev.strata.engine.util.CrashPoints;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * White-box crash points (DESIGN.md A2, RocksDB's kill points): for every point of
 * {@link CrashPoints#ALL}, a child JVM ({@link CrashKillChild}) runs 3 writer threads on a tiny
 * tree (puts, removes, delete-ranges, batches across two column families, transactions) with
 * {@code -Dstrata.crashPoint=<point>:<k>} and halts at the k-th hit ({@code Runtime.halt}: no
 * close, no flush, no shutdown hook); this JVM then reopens the directory and checks the
 * recovery as the kill test does ({@link CrashCycles}: every acknowledged commit, the replay of
 * commits 1..S, a new commit gets S + 1). A child that ends without halting fails the test, so
 * every point is reached.
 *
 * <p>The checkpoint, backup and restore points are reached by a child whose extra thread makes
 * checkpoints, backups or (after two backups) restores while the writers run; what the
 * interrupted operation left is checked too ({@link dev.strata.engine.CrashAdminChecks}). The
 * transaction points run in a pessimistic database in the SYNC pass (its locks held at the halt)
 * and an optimistic one in the ASYNC pass. {@code backup.tmp.written} is hit twice per backup
 * (NEXT_ID, then the metadata): it is crashed at hit 2k, the metadata of the k-th backup.
 *
 * <p>One pass crashes at each point in turn on one directory, so each child also starts from a
 * recovered crash. A recovery point is reached only by an open of what a crash left, before
 * anything else recovers it: a first child crashes where that state arises (a zero WAL tail after
 * {@code wal.force.after}, an unnamed table after {@code flush.table.written}), and a second
 * child halts at the point while it opens the directory; recovery points are crashed at their
 * first hit only. CI: a SYNC pass with k = 1 and an ASYNC pass with k = 2. Soak: passes for
 * k = 1, 2, 3, 5, 8, 13, 21, 34, 50, alternating SYNC and ASYNC.
 */
class CrashPointTest {
    private static final int THREADS = 3;
    /** For each recovery point, a crash that leaves what it needs: a zero WAL tail, an unnamed table. */
    private static final Map<String, String> RECOVERY_SETUP = Map.of(
            "recovery.tail.truncated", "wal.force.after",
            "recovery.orphans.deleted", "flush.table.written");

    @Test
    void aCrashAtEveryPointRecoversAPrefixWithEveryAcknowledgedCommit() throws Exception {
        long seed = CrashTesting.seed();
        long[] ks = CrashTesting.soak() ? new long[] {1, 2, 3, 5, 8, 13, 21, 34, 50} : new long[] {1, 2};
        long maxOps = CrashTesting.scaled(3000, 30000);
        Path root = CrashTesting.scratchDir("strata-crashpoint");
        CrashCycles runner = new CrashCycles(root, seed, THREADS);
        Map<String, List<Long>> crashed = new TreeMap<>();
        long t0 = System.nanoTime();
        int cycle = 0;
        String current = null;
        try {
            for (int pass = 0; pass < ks.length; pass++) {
                long k = ks[pass];
                Durability mode = pass % 2 == 0 ? Durability.SYNC : Durability.ASYNC;
                TransactionMode txn = pass % 2 == 0 ? TransactionMode.PESSIMISTIC : TransactionMode.OPTIMISTIC;
                runner.freshDirectory("pass" + pass);
                for (String point : CrashPoints.ALL) {
                    current = point + ":" + k + " (" + mode + ")";
                    String setup = RECOVERY_SETUP.get(point);
                    // ASYNC forces only every syncInterval (100 ms): paced, its writers outlast k forces.
                    CrashKillChild.Spec spec = CrashKillChild.Spec.of(mode, txn).pace(mode == Durability.ASYNC ? 300 : 0)
                            .maxOps(maxOps).admin(admin(point));
                    if (setup == null) {
                        runner.crashAt(cycle++, spec, point, point.equals("backup.tmp.written") ? 2 * k : k);
                    } else if (k == 1 && mode == Durability.SYNC) {
                        runner.crashInRecovery(cycle++, spec, setup, 5, point);
                    } else {
                        continue; // an open reaches a recovery point once; only SYNC preallocates a zero tail
                    }
                    crashed.computeIfAbsent(point, p -> new ArrayList<>()).add(k);
                }
            }
        } catch (Throwable e) {
            System.out.printf("CrashPointTest failed at %s, cycle %d: replay with -Dstrata.seed=%d%n", current, cycle, seed);
            throw e;
        } finally {
            CrashTesting.deleteTree(root);
        }
        System.out.printf("CrashPointTest seed=%d: %d crashes, at k per point %s; %s, %.1f s%n", seed, cycle, crashed,
                runner.summary(), (System.nanoTime() - t0) / 1e9);
        assertThat(crashed.keySet()).as("every crash point was hit and crashed at").containsExactlyInAnyOrderElementsOf(CrashPoints.ALL);
    }

    /** What the child's extra thread does so that it reaches {@code point}. */
    private static CrashKillChild.Admin admin(String point) {
        if (point.startsWith("checkpoint.")) {
            return CrashKillChild.Admin.CHECKPOINT;
        }
        if (point.startsWith("backup.")) {
            return CrashKillChild.Admin.BACKUP;
        }
        return point.startsWith("restore.") ? CrashKillChild.Admin.RESTORE : CrashKillChild.Admin.NONE;
    }
}
