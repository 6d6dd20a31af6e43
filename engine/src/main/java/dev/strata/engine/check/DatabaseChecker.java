package dev.strata.engine.check;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.lsm.Version;
import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.manifest.ManifestState;
import dev.strata.engine.sst.TableProperties;
import dev.strata.engine.sst.TableVerifier;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.WalFormat;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads every file of a database directory and reports every damage with its file and offset:
 * the manifest (checksum, then its shape: levels, overlaps within a level, file numbers, seqnos),
 * every table it names ({@link TableVerifier}: every block's CRC32C, the index, filter,
 * properties and footer, every entry; then the manifest's record of the table against the table
 * itself), and every WAL segment ({@link WalChecker}). What {@code strata verify} runs.
 *
 * <p>It never opens the database and never writes: it takes no lock, so it may run beside a
 * writer. A writer that finishes a flush or compaction meanwhile deletes files the pass was about
 * to read; a pass that finds a file gone and the manifest changed starts again from the new
 * manifest (as a read-only open does). Only a file that is missing while the manifest still names
 * it is reported.
 *
 * <p>Not checked here: that the data means what the application wrote (nothing records that
 * beyond the checksums), and keys' order across tables of different levels (overlap there is
 * normal). A sound report plus a clean open is what the crash tests require.
 */
public final class DatabaseChecker {
    private static final int ATTEMPTS = 20;

    private final Storage storage;
    private final Path dir;
    private final CheckProgress progress;

    private DatabaseChecker(Storage storage, Path dir, CheckProgress progress) {
        this.storage = storage;
        this.dir = dir;
        this.progress = progress;
    }

    /** Checks the database in {@code dir} on the local disk. */
    public static CheckReport check(Path dir) {
        return check(dir, LocalStorage.INSTANCE, CheckProgress.NONE);
    }

    /**
     * Checks the database in {@code dir}.
     *
     * @throws InvalidArgumentException if {@code dir} does not exist or holds no database
     * @throws StrataIOException        if a file cannot be read for a reason other than damage,
     *                                  or the files kept changing under every attempt
     */
    public static CheckReport check(Path dir, Storage storage, CheckProgress progress) {
        if (!storage.exists(dir)) {
            throw new InvalidArgumentException("no such directory: " + dir);
        }
        if (!DatabaseLayout.isDatabase(dir, storage)) {
            throw new InvalidArgumentException("no Strata database in " + dir + " (it has no wal/ directory and no MANIFEST)");
        }
        DatabaseChecker checker = new DatabaseChecker(storage, dir, progress);
        for (int attempt = 1; ; attempt++) {
            try {
                return checker.pass();
            } catch (FilesChanged e) {
                if (attempt == ATTEMPTS) {
                    throw new StrataIOException("the files of " + dir + " kept changing during " + ATTEMPTS
                            + " attempts to check them", new IOException(e.getMessage()));
                }
            }
        }
    }

    /** Thrown inside a pass when the writer replaced the manifest under it; the pass starts again. */
    private static final class FilesChanged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FilesChanged(String message) {
            super(message, null, false, false);
        }
    }

    private CheckReport pass() {
        Findings out = new Findings(progress);
        Path manifestPath = dir.resolve(Manifest.FILE);
        List<String> tableNames = list(DatabaseLayout.tableDir(dir));
        List<Long> segments = segmentNumbers(out);
        ManifestState state = null;
        if (storage.exists(manifestPath)) {
            out.reading(manifestPath);
            try {
                state = Manifest.read(storage, dir);
            } catch (CorruptionException e) {
                out.problem(e);
            } catch (IOException e) {
                throw new StrataIOException("reading " + manifestPath, e);
            }
        } else {
            state = ManifestState.EMPTY; // nothing was ever flushed
        }
        ManifestState seen = state;
        Runnable vanished = () -> {
            if (manifestChangedSince(seen)) {
                throw new FilesChanged("a file disappeared and the manifest changed");
            }
        };
        out.expectFiles((state == null ? tableNames.size() : state.allFiles().size()) + segments.size() + 1);
        Set<String> named = new HashSet<>();
        if (state != null) {
            checkShape(state, manifestPath, out);
            for (ManifestState.FamilyState fam : state.families()) {
                for (FileMeta m : fam.files()) {
                    Path p = DatabaseLayout.tablePath(dir, m.fileNumber());
                    named.add(p.getFileName().toString());
                    if (!storage.exists(p)) {
                        vanished.run();
                        out.problem(manifestPath, Problem.WHOLE_FILE, "names table " + p.getFileName()
                                + ", which does not exist", fam.name());
                        continue;
                    }
                    checkTable(p, m, fam.name(), out, vanished);
                }
            }
        }
        for (String name : tableNames) {
            Path p = DatabaseLayout.tableDir(dir).resolve(name);
            long number = DatabaseLayout.parseTableName(name);
            if (named.contains(name)) {
                continue;
            }
            if (number < 0) {
                out.note(p, Problem.WHOLE_FILE, "not a table file; Strata does not use it");
            } else if (state == null) {
                checkTable(p, null, null, out, vanished); // no manifest to trust: check every table there is
            } else {
                out.note(p, Problem.WHOLE_FILE, "table not named by the manifest (left by an interrupted flush or "
                        + "compaction, or one in progress); the next writable open deletes it");
            }
        }
        if (storage.exists(dir.resolve(Manifest.TEMP))) {
            out.note(dir.resolve(Manifest.TEMP), Problem.WHOLE_FILE, "temporary manifest left by an interrupted "
                    + "manifest update (or one in progress); the next manifest update replaces it");
        }
        new WalChecker(storage, out, vanished).check(DatabaseLayout.walDir(dir), segments,
                state == null ? -1 : state.minFlushedSeqno());
        return out.report(dir);
    }

    /** {@code family}: the column family the manifest puts the table in, or null when not known. */
    private void checkTable(Path p, FileMeta meta, String family, Findings out, Runnable vanished) {
        out.reading(p);
        TableVerifier.Result r;
        long size;
        try {
            size = storage.size(p);
            r = TableVerifier.verify(storage, p, meta == null ? DatabaseLayout.parseTableName(p.getFileName().toString())
                    : meta.fileNumber());
        } catch (NoSuchFileException e) {
            vanished.run();
            throw new StrataIOException("table " + p + " disappeared while it was being checked", e);
        } catch (IOException e) {
            throw new StrataIOException("reading table " + p, e);
        } catch (StrataIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                vanished.run();
            }
            throw e;
        }
        out.tables++;
        out.dataBlocks += r.dataBlocks();
        out.tableEntries += r.entries();
        r.damage().forEach(e -> out.problem(e, family));
        if (meta != null && r.ok()) {
            compareWithManifest(p, size, meta, family, r.properties(), out);
        }
    }

    /** The manifest's record of a table must be what the table says of itself. */
    private void compareWithManifest(Path p, long size, FileMeta m, String family, TableProperties t, Findings out) {
        List<String> wrong = new ArrayList<>();
        if (m.fileSize() != size) {
            wrong.add("size " + m.fileSize() + " but the file has " + size + " bytes");
        }
        if (m.entryCount() != t.entries()) {
            wrong.add("entries " + m.entryCount() + " but the table holds " + t.entries());
        }
        if (m.smallestSeqno() != t.smallestSeqno() || m.largestSeqno() != t.largestSeqno()) {
            wrong.add("seqnos " + m.smallestSeqno() + ".." + m.largestSeqno() + " but the table holds "
                    + t.smallestSeqno() + ".." + t.largestSeqno());
        }
        if (!Arrays.equals(m.smallestKey(), t.smallestKey()) || !Arrays.equals(m.largestKey(), t.largestKey())) {
            wrong.add("keys " + Bytes.toDisplay(m.smallestKey()) + ".." + Bytes.toDisplay(m.largestKey())
                    + " but the table holds " + Bytes.toDisplay(t.smallestKey()) + ".." + Bytes.toDisplay(t.largestKey()));
        }
        if (!wrong.isEmpty()) {
            out.problem(p, Problem.WHOLE_FILE, "the manifest's record of this table disagrees with it: "
                    + String.join("; ", wrong), family);
        }
    }

    /**
     * What the tree requires of the manifest: levels in range, distinct file numbers below the
     * next one, tables holding nothing newer than the flushed seqno, and no two tables of a level
     * below L0 overlapping (a read picks one table per level there).
     */
    private static void checkShape(ManifestState s, Path manifest, Findings out) {
        Set<Long> numbers = new HashSet<>();
        for (ManifestState.FamilyState fam : s.families()) {
            List<List<FileMeta>> levels = new ArrayList<>();
            for (FileMeta m : fam.files()) {
                if (!numbers.add(m.fileNumber())) {
                    out.problem(manifest, Problem.WHOLE_FILE, "names table " + m.fileNumber() + " twice");
                }
                if (m.fileNumber() >= s.nextFileNumber()) {
                    out.problem(manifest, Problem.WHOLE_FILE, "names table " + m.fileNumber()
                            + " but its next file number is " + s.nextFileNumber());
                }
                if (m.largestSeqno() > fam.flushedSeqno()) {
                    out.problem(manifest, Problem.WHOLE_FILE, "table " + m.fileNumber() + " of column family '" + fam.name()
                            + "' holds seqno " + m.largestSeqno() + ", after the family's flushed seqno " + fam.flushedSeqno());
                }
                if (m.level() < 0 || m.level() >= Version.MAX_LEVELS) {
                    out.problem(manifest, Problem.WHOLE_FILE, "table " + m.fileNumber() + " on level " + m.level()
                            + ", outside 0.." + (Version.MAX_LEVELS - 1));
                    continue;
                }
                while (levels.size() <= m.level()) {
                    levels.add(new ArrayList<>());
                }
                levels.get(m.level()).add(m);
            }
            for (int level = 1; level < levels.size(); level++) {
                List<FileMeta> files = new ArrayList<>(levels.get(level));
                files.sort(Comparator.comparing(FileMeta::smallestKey, Bytes.COMPARATOR));
                for (int i = 1; i < files.size(); i++) {
                    FileMeta a = files.get(i - 1);
                    FileMeta b = files.get(i);
                    // Neighbours may share one boundary key (a range tombstone clipped at it).
                    if (Bytes.compare(a.largestKey(), b.smallestKey()) > 0) {
                        out.problem(manifest, Problem.WHOLE_FILE, "tables " + a.fileNumber() + " and " + b.fileNumber()
                                + " of level " + level + " of column family '" + fam.name() + "' overlap");
                    }
                }
            }
        }
    }

    private boolean manifestChangedSince(ManifestState seen) {
        try {
            ManifestState now = Manifest.read(storage, dir);
            return seen == null || now.nextFileNumber() != seen.nextFileNumber()
                    || now.minFlushedSeqno() != seen.minFlushedSeqno() || now.allFiles().size() != seen.allFiles().size();
        } catch (IOException | CorruptionException e) {
            return false; // cannot tell: report what was found
        }
    }

    private List<Long> segmentNumbers(Findings out) {
        List<String> others = new ArrayList<>();
        List<Long> numbers;
        try {
            numbers = DatabaseLayout.listSegments(storage, dir, others);
        } catch (IOException e) {
            throw new StrataIOException("listing " + DatabaseLayout.walDir(dir), e);
        }
        for (String name : others) {
            out.note(DatabaseLayout.walDir(dir).resolve(name), Problem.WHOLE_FILE, "not a WAL segment; Strata does not use it");
        }
        return numbers;
    }

    private List<String> list(Path d) {
        if (!storage.exists(d)) {
            return List.of();
        }
        try {
            return storage.list(d);
        } catch (IOException e) {
            throw new StrataIOException("listing " + d, e);
        }
    }
}
