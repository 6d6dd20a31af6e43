package dev.strata.engine;

import dev.strata.engine.CrashKillChild.Admin;
import dev.strata.engine.backup.BackupInfo;
import dev.strata.engine.backup.BackupResult;
import dev.strata.engine.backup.Backups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a crash cycle whose child also made checkpoints, backups or restores
 * ({@link CrashKillChild.Admin}), checks what they left, complete or interrupted by the crash
 * (a kill, or a halt at crash point {@code haltedAt}), with the database reopened:
 * <ul>
 *   <li>checkpoints: each one the child reported complete opens at its seqno and is the replay
 *       of commits 1..seqno ({@link CrashModel}); an interrupted one never exists under its
 *       target name (a checkpoint is complete exactly when its directory exists: it is built in
 *       the hidden sibling {@code .<name>.checkpoint-tmp}, which is all an interrupted one
 *       leaves), and the next checkpoint to that target succeeds and removes the leftover;</li>
 *   <li>backups: every backup that lists is good and verifies with checksums; the new ones are
 *       those the child reported plus at most the interrupted one, and only when it was halted
 *       after its metadata was renamed; each new one restores to the replay of commits 1..its
 *       seqno; the next backup succeeds, with a larger id, and clears the interrupted one's
 *       work;</li>
 *   <li>restores: the target opens (which finishes a restore interrupted between its renames)
 *       as exactly one of the backups, the one the crash point implies; never a half database;
 *       the next restore into it succeeds and leaves no staging or replaced directory.</li>
 * </ul>
 * Keeps, across the cycles of one directory ({@link #startOver}), the backups already checked.
 */
public final class CrashAdminChecks {
    private final Path scratch;
    private final CrashModel model;
    private final Set<Long> knownBackups = new HashSet<>();
    private Path adminDir;
    private int checkpointsChecked;
    private int backupsChecked;
    private int restoresChecked;
    private int interruptedChecked;

    public CrashAdminChecks(Path scratch, CrashModel model) {
        this.scratch = scratch;
        this.model = model;
    }

    /** Starts over with a new database directory, whose admin thread writes into {@code dir}. */
    public void startOver(Path dir) {
        adminDir = dir;
        knownBackups.clear();
    }

    /** Where the child's admin thread writes (checkpoints, the backup directory, restore targets). */
    public Path directory() {
        return adminDir;
    }

    public String summary() {
        return checkpointsChecked + " checkpoints, " + backupsChecked + " backups and " + restoresChecked
                + " restore targets checked, " + interruptedChecked + " of them interrupted";
    }

    /** Checks what cycle {@code cycle}'s admin thread left; {@code db} is the reopened database, holding {@code state}. */
    public void check(int cycle, CrashKillChild.Spec spec, CrashChildLog log, String haltedAt, StrataDatabase db,
                      TreeMap<String, String> state) throws Exception {
        String what = "cycle " + cycle + " (" + spec + (haltedAt == null ? ", killed" : ", halted at " + haltedAt) + ")";
        if (spec.admin() == Admin.CHECKPOINT) {
            checkpoints(what, cycle, spec, log, haltedAt, db, state);
        } else if (spec.admin() == Admin.BACKUP || spec.admin() == Admin.RESTORE) {
            Map<Long, TreeMap<String, String>> contents = backups(what, cycle, spec, log, haltedAt, db);
            if (spec.admin() == Admin.RESTORE) {
                restores(what, cycle, log, haltedAt, contents);
            }
        }
    }

    private void checkpoints(String what, int cycle, CrashKillChild.Spec spec, CrashChildLog log, String haltedAt,
                             StrataDatabase db, TreeMap<String, String> state) {
        long next = 1;
        for (Map.Entry<Long, Long> cp : log.checkpoints.entrySet()) {
            Path target = CrashKillChild.checkpointDir(adminDir, cycle, cp.getKey());
            checkCopy(what + " checkpoint " + cp.getKey(), target, cp.getValue(), cycle, spec, log);
            CrashTesting.deleteTree(target);
            checkpointsChecked++;
            next = cp.getKey() + 1;
        }
        Path interrupted = CrashKillChild.checkpointDir(adminDir, cycle, next);
        Path temp = interrupted.resolveSibling("." + interrupted.getFileName() + ".checkpoint-tmp");
        if (haltedAt != null && haltedAt.startsWith("checkpoint.")) {
            assertThat(interrupted).as("%s: an interrupted checkpoint has no directory under its name", what).doesNotExist();
            assertThat(temp).as("%s: an interrupted checkpoint leaves its temporary sibling", what).isDirectory();
            interruptedChecked++;
        }
        if (Files.exists(interrupted)) {
            // Killed after the rename, before the child printed it: complete, at a seqno it did not report.
            checkCopy(what + " unreported checkpoint " + next, interrupted, -1, cycle, spec, log);
            CrashTesting.deleteTree(interrupted);
            checkpointsChecked++;
        }
        long seqno = db.createCheckpoint(interrupted).seqno();
        assertThat(temp).as("%s: the next checkpoint to that target removes the leftover", what).doesNotExist();
        try (StrataDatabase copy = StrataDatabase.open(interrupted, CrashTesting.options(Durability.SYNC))) {
            assertThat(copy.latestSeqno()).isEqualTo(seqno).isEqualTo(db.latestSeqno());
            assertThat(CrashTesting.contentsOfEveryFamily(copy)).as("%s: the next checkpoint holds the database", what)
                    .isEqualTo(state);
        }
        CrashTesting.deleteTree(interrupted);
    }

    /** Opens a copy (checkpoint or restored backup) and checks it is the replay of commits 1..seqno (-1: its own). */
    private TreeMap<String, String> checkCopy(String what, Path copyDir, long seqno, int cycle, CrashKillChild.Spec spec,
                                              CrashChildLog log) {
        try (StrataDatabase copy = StrataDatabase.open(copyDir, CrashTesting.options(Durability.SYNC))) {
            long s = copy.latestSeqno();
            if (seqno >= 0) {
                assertThat(s).as("%s: opens at the seqno it was made at", what).isEqualTo(seqno);
            }
            TreeMap<String, String> contents = CrashTesting.contentsOfEveryFamily(copy);
            model.check(what, cycle, spec.family(), s, contents, log, false);
            return contents;
        }
    }

    /** Checks the backup directory; returns the contents of each backup made this cycle (by id). */
    private Map<Long, TreeMap<String, String>> backups(String what, int cycle, CrashKillChild.Spec spec, CrashChildLog log,
                                                       String haltedAt, StrataDatabase db) throws Exception {
        Path dir = CrashKillChild.backupDir(adminDir);
        Map<Long, TreeMap<String, String>> contents = new HashMap<>();
        List<Long> fresh = new ArrayList<>();
        long maxId = 0;
        if (Files.exists(dir.resolve("meta"))) {
            for (BackupInfo b : Backups.list(dir)) {
                assertThat(b.problem()).as("%s: backup %d lists as good", what, b.id()).isNull();
                Backups.verify(dir, b.id(), true);
                maxId = Math.max(maxId, b.id());
                if (knownBackups.add(b.id())) {
                    fresh.add(b.id());
                    Path restored = scratch.resolve("backup-" + b.id());
                    Backups.restore(dir, restored, b.id());
                    contents.put(b.id(), checkCopy(what + " backup " + b.id(), restored, b.seqno(), cycle, spec, log));
                    CrashTesting.deleteTree(restored);
                    backupsChecked++;
                }
            }
        }
        assertThat(fresh).as("%s: every backup the child reported lists", what).containsAll(log.backups.keySet());
        List<Long> unreported = new ArrayList<>(fresh);
        unreported.removeAll(log.backups.keySet());
        if (haltedAt != null && haltedAt.startsWith("backup.")) {
            interruptedChecked++;
            assertThat(unreported).as("%s: the interrupted backup lists only once its metadata is renamed", what)
                    .hasSize(haltedAt.equals("backup.meta.written") ? 1 : 0);
        } else {
            assertThat(unreported).as("%s: at most the backup the kill interrupted lists unreported", what).hasSizeLessThan(2);
        }
        BackupResult next = db.backup(dir);
        assertThat(next.id()).as("%s: the next backup gets a new id", what).isGreaterThan(maxId);
        Backups.verify(dir, next.id(), true);
        assertThat(dir.resolve("tmp")).as("%s: the next backup clears the interrupted one's work", what).isEmptyDirectory();
        knownBackups.add(next.id());
        return contents;
    }

    private void restores(String what, int cycle, CrashChildLog log, String haltedAt,
                          Map<Long, TreeMap<String, String>> contents) throws Exception {
        Path target = CrashKillChild.restoreDir(adminDir, cycle);
        Path staging = target.resolveSibling("." + target.getFileName() + ".restoring");
        Path aside = target.resolveSibling("." + target.getFileName() + ".replaced");
        List<Long> ids = new ArrayList<>(log.backups.keySet());
        if (ids.size() < 2) {
            assertThat(target).as("%s: no restore before two backups", what).doesNotExist();
            return;
        }
        // The child restores the second backup, then the first, the second, ...
        long interrupted = ids.get((log.restores.size() + 1) % 2);
        Long previous = log.restores.isEmpty() ? null : log.restores.get(log.restores.size() - 1);
        List<Long> allowed = new ArrayList<>();
        if (haltedAt == null) {
            allowed.add(interrupted);
            if (previous != null) {
                allowed.add(previous);
            }
        } else {
            interruptedChecked++;
            switch (haltedAt) {
                case "restore.staged" -> allowed.add(previous != null ? previous : interrupted);
                case "restore.swap.aside" -> {
                    assertThat(target).as("%s: mid-swap the target is renamed aside", what).doesNotExist();
                    assertThat(aside).isDirectory();
                    allowed.add(interrupted);
                }
                case "restore.swapped" -> {
                    assertThat(staging).as("%s: the staging directory is in place", what).doesNotExist();
                    allowed.add(interrupted);
                }
                default -> throw new AssertionError(what + ": not a restore point");
            }
        }
        if (!Files.exists(target) && !Files.exists(staging.resolve("RESTORE_COMPLETE"))) {
            assertThat(previous).as("%s: the target is missing only before the first restore is staged", what).isNull();
            return;
        }
        try (StrataDatabase restored = StrataDatabase.open(target, CrashTesting.options(Durability.SYNC))) {
            TreeMap<String, String> actual = CrashTesting.contentsOfEveryFamily(restored);
            List<Long> matches = new ArrayList<>();
            for (long id : allowed) {
                if (actual.equals(contents.get(id))) {
                    matches.add(id);
                }
            }
            assertThat(matches).as("%s: the restore target is one whole backup of %s, not %s", what, allowed,
                    CrashTesting.diff(contents.get(allowed.get(0)), actual)).isNotEmpty();
        }
        restoresChecked++;
        Backups.restore(CrashKillChild.backupDir(adminDir), target, ids.get(0));
        assertThat(staging).as("%s: the next restore leaves no staging directory", what).doesNotExist();
        assertThat(aside).as("%s: nor the replaced database", what).doesNotExist();
        assertThat(target.resolve("RESTORE_COMPLETE")).doesNotExist();
        try (StrataDatabase restored = StrataDatabase.open(target, CrashTesting.options(Durability.SYNC))) {
            assertThat(CrashTesting.contentsOfEveryFamily(restored)).isEqualTo(contents.get(ids.get(0)));
        }
        CrashTesting.deleteTree(target);
    }
}
