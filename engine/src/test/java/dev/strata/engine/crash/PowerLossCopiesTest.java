package dev.strata.engine.crash;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.backup.BackupInfo;
import dev.strata.engine.backup.BackupResult;
import dev.strata.engine.backup.Backups;
import dev.strata.engine.backup.RestoreOptions;
import dev.strata.engine.crash.PowerCutHarness.Workload;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.vfs.FaultStorage.Event;
import dev.strata.engine.vfs.FaultStorage.Kind;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.Storage;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss at every disk-changing call of a workload that makes a checkpoint, two backups and
 * two restores (DESIGN.md B1 through {@link PowerCutHarness}, which also checks that every image's
 * database holds every SYNC commit and is a prefix; B2, a crash during the database's recovery,
 * only in soak). In each image, beside the database:
 * <ul>
 *   <li>the checkpoint: once its creation returned it exists; whenever it exists (it is renamed
 *       into place only once whole) it opens at its seqno C as the replay of commits 1..C (opened
 *       up to the position where its creation returned: it does not change after);</li>
 *   <li>the backups: every backup that lists is good, verifies with checksums, and is one the
 *       workload made, at its seqno; once a backup returned it lists;</li>
 *   <li>the restore target: absent until the first restore is staged; otherwise it opens (an open
 *       finishes a restore cut between its renames) as exactly the first or the second backup's
 *       state, never anything else; the second once the second restore returned.</li>
 * </ul>
 * What a verified backup restores to is checked once, from the workload's own files: a backup
 * that verifies with checksums is byte for byte the one written.
 *
 * <p>The workload, through {@link FaultStorage}: open in SYNC; 2 threads make 20 commits each;
 * checkpoint; 20 more each; backup; 20 more each; backup (incremental); close; restore the first
 * backup into a new directory; restore the second over it.
 */
class PowerLossCopiesTest {
    /** What the image checks looked at, over all images. */
    private static final class Counts {
        int checkpointsOpened;
        int backupsVerified;
        int restoreTargetsOpened;
        int restoresFinishedByOpen;

        @Override
        public String toString() {
            return checkpointsOpened + " checkpoints opened, " + backupsVerified + " listed backups verified, "
                    + restoreTargetsOpened + " restore targets opened (" + restoresFinishedByOpen
                    + " of them finished by that open)";
        }
    }

    private final Counts counts = new Counts();

    /** Trace positions at which each step had returned, and what it reported. */
    private static final class Steps {
        int checkpointDone;
        long checkpointSeqno;
        final List<BackupResult> backups = new ArrayList<>();
        final List<Integer> backupDone = new ArrayList<>();
        final List<Integer> restoreDone = new ArrayList<>();
    }

    static StrataOptions options(Storage storage) {
        // As PowerLossTreeTest: tables cut at 8 KiB, flushes only where the workload asks (the
        // checkpoint and each backup flush first).
        return StrataOptions.defaults().storage(storage).durability(Durability.SYNC).syncInterval(Duration.ofHours(1))
                .memtableSize(1 << 20).blockSize(1024).targetFileSize(8 << 10).levelBaseSize(64 << 10)
                .l0CompactionTrigger(8).l0StopWritesTrigger(16).walSegmentSize(64 << 10);
    }

    @Test
    void everyPowerCutAcrossACheckpointBackupsAndRestoresLeavesWholeCopiesOrNone() throws Exception {
        PowerCutHarness harness = new PowerCutHarness("PowerLossCopiesTest", PowerLossCopiesTest::options);
        // Every image opens a restore target, many of them finishing an interrupted restore (a warning each).
        CrashTesting.silence("dev.strata.engine.backup.Backups");
        // No crash during recovery in CI: PowerLossTreeTest and PowerLossWalTest crash the database's
        // own recovery; what is new here is in the copies, which that part does not look at.
        harness.run(CrashTesting.seed(), CrashTesting.scaled(1, 10), CrashTesting.scaled(0, 100), (fs, db, seed) -> {
            Steps steps = new Steps();
            Workload wl = runWorkload(fs, db, seed, steps);
            describeAndCheckTrace(fs.trace(), seed, wl, steps);
            checkBackupsRestore(fs.root(), steps, wl);
            harness.alsoCheck((image, n, states) -> checkCopies(image, n, states, steps));
            return wl;
        });
        System.out.println("PowerLossCopiesTest: in the images, " + counts);
        assertThat(counts.restoresFinishedByOpen).as("some cut fell between a restore's renames").isPositive();
    }

    private static Workload runWorkload(FaultStorage fs, Path db, long seed, Steps steps) throws Exception {
        Workload wl = new Workload();
        Path root = db.getParent();
        try (StrataDatabase d = StrataDatabase.open(db, options(fs))) {
            PowerCutHarness.commitConcurrently(d, fs, wl, seed, 2, 20, 0);
            steps.checkpointSeqno = d.createCheckpoint(root.resolve("checkpoint")).seqno();
            steps.checkpointDone = fs.traceSize();
            for (int b = 0; b < 2; b++) {
                PowerCutHarness.commitConcurrently(d, fs, wl, seed + 1 + b, 2, 20, 0);
                steps.backups.add(d.backup(root.resolve("backups")));
                steps.backupDone.add(fs.traceSize());
            }
            wl.closeDurably(fs, d);
        }
        for (BackupResult b : steps.backups) {
            Backups.restore(root.resolve("backups"), root.resolve("restored"), RestoreOptions.backup(b.id()), fs);
            steps.restoreDone.add(fs.traceSize());
        }
        return wl;
    }

    /** The trace must hold what the test is about: a directory renamed into place, backup metadata, a restore's swap. */
    private static void describeAndCheckTrace(List<Event> trace, long seed, Workload wl, Steps steps) {
        long dirRenames = trace.stream().filter(e -> e.kind() == Kind.RENAME && e.path().endsWith(".checkpoint-tmp")).count();
        long metas = trace.stream().filter(e -> e.kind() == Kind.RENAME && e.path2().matches("backups/meta/[0-9]+")).count();
        long swaps = trace.stream().filter(e -> e.kind() == Kind.RENAME && e.path2().equals(".restored.replaced")).count();
        System.out.printf("PowerLossCopiesTest workload seed=%d: %d commits, %d disk calls traced (checkpoint done at %d, "
                + "backups at %s, restores at %s), %d checkpoint directories renamed into place, %d backup metadata files, "
                + "%d databases swapped aside%n", seed, wl.commits(), trace.size(), steps.checkpointDone, steps.backupDone,
                steps.restoreDone, dirRenames, metas, swaps);
        assertThat(dirRenames).as("the checkpoint and each backup's checkpoint").isEqualTo(3);
        assertThat(metas).as("two backups").isEqualTo(2);
        assertThat(swaps).as("the second restore replaces the first").isEqualTo(1);
    }

    /** Each backup, restored from the workload's files, is the replay of commits 1..its seqno. */
    private static void checkBackupsRestore(Path root, Steps steps, Workload wl) throws Exception {
        TreeMap<String, String> model = new TreeMap<>();
        long applied = 0;
        for (BackupResult b : steps.backups) {
            Path restored = root.resolve("check-" + b.id());
            Backups.restore(root.resolve("backups"), restored, b.id());
            try (StrataDatabase copy = StrataDatabase.open(restored, options(LocalStorage.INSTANCE))) {
                assertThat(copy.latestSeqno()).isEqualTo(b.seqno());
                while (applied < b.seqno()) {
                    wl.bySeqno.get(++applied).applyTo(model);
                }
                assertThat(CrashTesting.contents(copy)).as("backup %d restores to its seqno %d", b.id(), b.seqno())
                        .isEqualTo(model);
            }
            CrashTesting.deleteTree(restored);
        }
    }

    private String checkCopies(Path image, int n, List<TreeMap<String, String>> states, Steps steps) throws Exception {
        String problem = checkCheckpoint(image.resolve("checkpoint"), n, states, steps);
        if (problem == null) {
            problem = checkBackups(image.resolve("backups"), n, steps);
        }
        return problem != null ? problem : checkRestored(image, n, states, steps);
    }

    private String checkCheckpoint(Path cp, int n, List<TreeMap<String, String>> states, Steps steps) {
        if (!Files.exists(cp)) {
            return n >= steps.checkpointDone ? "the checkpoint, complete at trace position " + steps.checkpointDone
                    + ", is missing" : null;
        }
        if (n > steps.checkpointDone) {
            // Once its creation returned, every file and entry of it is forced and nothing touches
            // it again: every later image holds the same checkpoint, opened at checkpointDone.
            return null;
        }
        counts.checkpointsOpened++;
        return openAs(cp, "the checkpoint", List.of(steps.checkpointSeqno), states);
    }

    private String checkBackups(Path dir, int n, Steps steps) {
        List<Long> listed = new ArrayList<>();
        if (Files.exists(dir.resolve("meta"))) {
            for (BackupInfo b : Backups.list(dir)) {
                int i = indexOf(steps, b.id());
                if (!b.isGood() || i < 0 || b.seqno() != steps.backups.get(i).seqno()) {
                    return "backup " + b.id() + " lists as " + (b.isGood() ? "good at seqno " + b.seqno() : b.problem())
                            + ", the workload made " + steps.backups;
                }
                Backups.verify(dir, b.id(), true);
                counts.backupsVerified++;
                listed.add(b.id());
            }
        }
        for (int i = 0; i < steps.backups.size(); i++) {
            if (n >= steps.backupDone.get(i) && !listed.contains(steps.backups.get(i).id())) {
                return "backup " + steps.backups.get(i).id() + ", complete at trace position " + steps.backupDone.get(i)
                        + ", does not list (listed: " + listed + ")";
            }
        }
        return null;
    }

    private static int indexOf(Steps steps, long id) {
        for (int i = 0; i < steps.backups.size(); i++) {
            if (steps.backups.get(i).id() == id) {
                return i;
            }
        }
        return -1;
    }

    private String checkRestored(Path image, int n, List<TreeMap<String, String>> states, Steps steps) {
        Path target = image.resolve("restored");
        if (!Files.exists(target) && !Files.exists(image.resolve(".restored.restoring").resolve("RESTORE_COMPLETE"))) {
            return n >= steps.restoreDone.get(0) ? "the restore target, restored at trace position "
                    + steps.restoreDone.get(0) + ", is missing" : null;
        }
        List<Long> allowed = new ArrayList<>();
        if (n < steps.restoreDone.get(1)) {
            allowed.add(steps.backups.get(0).seqno());
        }
        allowed.add(steps.backups.get(1).seqno());
        counts.restoreTargetsOpened++;
        counts.restoresFinishedByOpen += Files.exists(target) ? 0 : 1;
        return openAs(target, "the restore target", allowed, states);
    }

    /** Opens {@code dir}; null if it is the replay of commits 1..s for one of {@code seqnos}, else what it is. */
    private static String openAs(Path dir, String what, List<Long> seqnos, List<TreeMap<String, String>> states) {
        try (StrataDatabase copy = StrataDatabase.open(dir, options(LocalStorage.INSTANCE))) {
            long s = copy.latestSeqno();
            if (!seqnos.contains(s)) {
                return what + " opens at seqno " + s + ", not one of " + seqnos;
            }
            TreeMap<String, String> actual = CrashTesting.contents(copy);
            return actual.equals(states.get((int) s)) ? null
                    : what + " is not the replay of commits 1.." + s + ": " + CrashTesting.diff(states.get((int) s), actual);
        }
    }
}
