package dev.strata.engine.repair;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.WriteBatch;
import dev.strata.engine.check.CheckProgress;
import dev.strata.engine.check.CheckReport;
import dev.strata.engine.check.DatabaseChecker;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.repair.RepairPlan.Move;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Carries out a {@link RepairPlan}, in an order that a crash at any point leaves re-runnable and
 * never loses a file: first every file goes into the lost directory (copied before it is cut or
 * replaced, moved otherwise), then the new manifest is written (atomically, by
 * {@link Manifest#write}), and only then is anything opened. A crash before the manifest write
 * leaves the old manifest naming tables that are now in the lost directory, which the next
 * repair reports as missing.
 *
 * <p>Then the lock is released and the database opened for writing: recovery replays the kept
 * WAL; an empty commit follows when a column family's tables reach past the WAL's end (so the
 * seqnos of every family continue from one point); the memtables are flushed, so nothing of the
 * repaired state depends on the WAL; families whose tables the repair placed on L0 are compacted,
 * so that every read sees each key's newest version. Last, {@link DatabaseChecker} reads every
 * file.
 */
final class RepairExecutor {
    private final Storage storage;
    private final RepairPlan plan;
    private final Path dir;

    RepairExecutor(Storage storage, RepairPlan plan) {
        this.storage = storage;
        this.plan = plan;
        this.dir = plan.directory();
    }

    RepairResult run() {
        try {
            if (!plan.needed()) {
                throw new InvalidArgumentException("nothing to repair in " + dir + ": no damage was found");
            }
            changeFiles();
        } catch (IOException e) {
            throw new StrataIOException("repairing " + dir + " failed while moving files into " + plan.lostDirectory()
                    + " (run the repair again: nothing it moved was deleted)", e);
        } finally {
            try {
                plan.releaseLock();
            } catch (IOException e) {
                throw new StrataIOException("cannot release the lock of " + dir, e);
            }
        }
        long emptyCommit = -1;
        long latest;
        int tables;
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults().storage(storage))) {
            if (plan.needsEmptyCommit()) {
                emptyCommit = db.write(new WriteBatch()).seqno();
            }
            db.flush();
            for (String family : plan.familiesToCompact()) {
                db.columnFamily(family).compact(null, null);
            }
            latest = db.latestSeqno();
            tables = 0;
            for (int n : db.lsmStats().levelFiles()) {
                tables += n;
            }
        }
        CheckReport check = DatabaseChecker.check(dir, storage, CheckProgress.NONE);
        return new RepairResult(latest, emptyCommit, tables, check);
    }

    private void changeFiles() throws IOException {
        Set<Path> touched = new LinkedHashSet<>();
        for (Move m : plan.moves()) {
            storage.createDirectories(m.to().getParent());
            switch (m.kind()) {
                case MOVE -> storage.rename(m.from(), m.to());
                case CUT -> {
                    storage.linkOrCopy(m.from(), m.to(), storage.size(m.from()), false);
                    try (StorageFile f = storage.openWritable(m.from())) {
                        f.truncate(m.keepBytes());
                        f.force();
                    }
                }
                case REWRITE -> storage.linkOrCopy(m.from(), m.to(), storage.size(m.from()), false);
            }
            touched.add(m.to().getParent());
            touched.add(m.from().getParent());
        }
        for (Path d : touched) {
            storage.forceDirectory(d);
        }
        if (plan.newManifest() != null) {
            Manifest.write(storage, dir, plan.newManifest());
        }
    }
}
