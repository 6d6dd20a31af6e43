package dev.strata.engine.repair;

import dev.strata.engine.DatabaseLockedException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.check.CheckProgress;
import dev.strata.engine.check.DatabaseLayout;
import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.manifest.ManifestState;
import dev.strata.engine.manifest.ManifestState.FamilyState;
import dev.strata.engine.repair.RepairPlan.Finding;
import dev.strata.engine.repair.RepairPlan.ManifestStatus;
import dev.strata.engine.repair.RepairPlan.Move;
import dev.strata.engine.sst.TableProperties;
import dev.strata.engine.sst.TableVerifier;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.DirectoryLock;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.LockHeldException;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.SegmentReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Salvages a damaged database, as RocksDB's {@code RepairDB} and {@code strata repair} do: keeps
 * every table whose every checksum holds, keeps the WAL up to the first damage that hides a
 * commit the tables do not hold, writes a manifest naming what was kept, and moves everything
 * else (damaged tables, tables in no known column family, the WAL after the damage, the damaged
 * manifest) into {@code <db>/lost/<n>/}, never deleting a file and never writing data the files
 * did not hold. Each damage is reported with its file, offset and what the database loses.
 *
 * <p>Two steps: {@link #plan} takes the database's write lock (a database open elsewhere is
 * refused with {@link DatabaseLockedException}), reads every file and says what it would do
 * ({@link RepairPlan}); {@link RepairPlan#execute} does it ({@link RepairExecutor}) and opens
 * the result, which then passes {@code strata verify}.
 *
 * <p>How tables are attributed. A sound manifest names each table's column family and level; a
 * table it names is kept when it verifies and agrees with the manifest's record of it. A damaged
 * manifest is read as far as it goes ({@link ManifestSalvage}); a table an entry of the readable
 * part describes exactly is kept under that entry. A table no readable entry describes is kept
 * only when the manifest's header shows that no column family other than the default one ever
 * existed (it then goes to L0 of the default family, and that family is compacted after the
 * open so that reads see each key's newest version); otherwise its family is unknown and it is
 * moved to the lost directory. Tables a sound (or absent) manifest does not name are left by an
 * interrupted flush or compaction; they are moved aside too, rather than deleted by the open.
 *
 * <p>Limits: a damaged table is lost whole (its sound blocks are not copied into a new table);
 * without a sound manifest, a table left over from a compaction whose inputs were partly deleted
 * cannot be told from a live one, so a key deleted before the damage may reappear.
 */
public final class DatabaseRepair {
    /** The database's lock file (as {@code StrataDatabase}'s; its name is part of the layout in docs/format.md). */
    private static final String LOCK_FILE = "LOCK";
    /** Where repairs put what they take out of a database: {@code <db>/lost/<n>/}. */
    public static final String LOST_DIR = "lost";

    private final Storage storage;
    private final Path dir;
    private final CheckProgress progress;
    private final List<Finding> findings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Move> moves = new ArrayList<>();
    private Path lost;

    private DatabaseRepair(Storage storage, Path dir, CheckProgress progress) {
        this.storage = storage;
        this.dir = dir;
        this.progress = progress;
    }

    Path dir() {
        return dir;
    }

    /** {@link #plan(Path, Storage, CheckProgress)} on the local disk, without progress. */
    public static RepairPlan plan(Path dir) {
        return plan(dir, LocalStorage.INSTANCE, CheckProgress.NONE);
    }

    /**
     * Locks the database in {@code dir}, reads every file and returns what a repair would do.
     * The lock is held by the plan until it is executed or closed.
     *
     * @throws InvalidArgumentException if {@code dir} does not exist or holds no database
     * @throws DatabaseLockedException  if the database is open, in this process or another
     */
    public static RepairPlan plan(Path dir, Storage storage, CheckProgress progress) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!storage.exists(abs)) {
            throw new InvalidArgumentException("no such directory: " + abs);
        }
        if (!DatabaseLayout.isDatabase(abs, storage)) {
            throw new InvalidArgumentException("no Strata database in " + abs + " (it has no wal/ directory and no MANIFEST)");
        }
        DirectoryLock lock;
        try {
            lock = storage.lock(abs.resolve(LOCK_FILE));
        } catch (LockHeldException e) {
            throw new DatabaseLockedException("cannot repair " + abs + ": it is open (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new StrataIOException("cannot lock " + abs, e);
        }
        try {
            return new DatabaseRepair(storage, abs, progress).analyze(lock);
        } catch (IOException | RuntimeException e) {
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) {
                throw new StrataIOException("cannot read the files of " + abs, io);
            }
            throw (RuntimeException) e;
        }
    }

    RepairResult execute(RepairPlan plan) {
        return new RepairExecutor(storage, plan).run();
    }

    // ---------------------------------------------------------------- planning

    /** A column family of the repaired manifest, as it is being assembled. */
    private static final class Family {
        final int id;
        final String name;
        long flushed;
        final List<FileMeta> files = new ArrayList<>();
        boolean placed;
        /** The findings of this family's lost tables (indexes into {@link #findings}) and what each table held. */
        final Map<Integer, FileMeta> lost = new LinkedHashMap<>();
        /** Whether the lost tables' commits are replayed from the WAL (its flushed seqno lowered below them). */
        boolean replaysLost;

        Family(int id, String name, long flushed) {
            this.id = id;
            this.name = name;
            this.flushed = flushed;
        }

        long lostSmallestSeqno() {
            return lost.values().stream().mapToLong(FileMeta::smallestSeqno).min().orElse(Long.MAX_VALUE);
        }

        long lostLargestSeqno() {
            return lost.values().stream().mapToLong(FileMeta::largestSeqno).max().orElse(-1);
        }
    }

    private RepairPlan analyze(DirectoryLock lock) throws IOException {
        lost = lostDirectory();
        ManifestSalvage.Salvaged manifest = ManifestSalvage.read(storage, dir);
        ManifestStatus status = ManifestStatus.valueOf(manifest.status().name());
        Path manifestPath = dir.resolve(Manifest.FILE);
        if (status == ManifestStatus.DAMAGED) {
            findings.add(new Finding(manifestPath, manifest.damage().offset(), null, WalSalvage.what(manifest.damage()),
                    describeSalvage(manifest), false));
            moves.add(new Move(manifestPath, lostName(manifestPath), RepairPlan.MoveKind.REWRITE, -1,
                    "damaged; replaced by one naming what was kept"));
        }
        Map<Long, Path> tableFiles = tableFiles();
        Map<Long, TableVerifier.Result> verified = verifyTables(tableFiles);

        Map<Integer, Family> families = new LinkedHashMap<>();
        Set<Long> judged = new TreeSet<>();
        for (FamilyState fs : manifest.families()) {
            Family f = new Family(fs.id(), fs.name(), fs.flushedSeqno());
            families.put(fs.id(), f);
            for (FileMeta m : fs.files()) {
                if (judged.add(m.fileNumber())
                        && !attribute(f, m, tableFiles.get(m.fileNumber()), verified.get(m.fileNumber()), status)) {
                    judged.remove(m.fileNumber()); // a damaged manifest's entry that fits no table: judged as unnamed
                }
            }
        }
        long walStart = walStart();
        boolean defaultKnown = families.containsKey(ManifestState.DEFAULT_FAMILY_ID);
        if (!defaultKnown) {
            families.put(ManifestState.DEFAULT_FAMILY_ID, new Family(ManifestState.DEFAULT_FAMILY_ID,
                    ManifestState.DEFAULT_FAMILY_NAME, 0));
        }
        for (Map.Entry<Long, Path> e : tableFiles.entrySet()) {
            if (!judged.contains(e.getKey())) {
                unattributed(e.getKey(), e.getValue(), verified.get(e.getKey()), manifest, families);
            }
        }
        if (!defaultKnown) {
            // Every WAL segment before the first one left was deleted because the tables held its
            // commits (docs/format.md): the default family was flushed at least up to there.
            Family d = families.get(ManifestState.DEFAULT_FAMILY_ID);
            d.flushed = Math.max(d.flushed, walStart == Long.MAX_VALUE ? 0 : walStart - 1);
        }
        for (Family f : families.values()) {
            for (FileMeta m : f.files) {
                f.flushed = Math.max(f.flushed, m.largestSeqno());
            }
            replayLostFromWal(f, walStart);
        }
        long maxFlushed = 0;
        long minFlushed = Long.MAX_VALUE;
        int keptTables = 0;
        for (Family f : families.values()) {
            keptTables += f.files.size();
            maxFlushed = Math.max(maxFlushed, f.flushed);
            minFlushed = Math.min(minFlushed, f.flushed);
        }

        progress.checking(dir.resolve(DatabaseLayout.WAL_DIR), tableFiles.size(), tableFiles.size() + 1);
        WalSalvage.Result wal = WalSalvage.read(storage, dir, minFlushed);
        judgeWal(wal, families);
        for (Family f : families.values()) {
            if (f.replaysLost) {
                reportReplayed(f, wal.cut());
            }
        }
        if (status != ManifestStatus.SOUND) {
            for (int id : wal.familyIds()) {
                if (!families.containsKey(id)) {
                    findings.add(new Finding(manifestPath, -1, null, "names no column family with id " + id
                            + ", which commits in the WAL write to", "those commits are skipped by recovery (as a "
                            + "dropped family's are): lost", true));
                }
            }
        }
        boolean needed = !findings.isEmpty();
        boolean emptyCommit = needed && wal.lastReplayed() < maxFlushed;
        if (emptyCommit) {
            notes.add("the WAL ends at seqno " + wal.lastReplayed() + " but a column family's tables reach seqno "
                    + maxFlushed + ": an empty commit (no data) after the open lets every family continue from one seqno");
        }
        List<String> compact = new ArrayList<>();
        for (Family f : families.values()) {
            if (f.placed) {
                compact.add(f.name);
            }
        }
        ManifestState next = null;
        boolean manifestChanges = status == ManifestStatus.DAMAGED || keptTables < manifestTables(manifest);
        if (needed && manifestChanges) {
            next = newManifest(manifest, families, tableFiles, wal);
        }
        // Without damage nothing is done: the notes would describe moves that do not happen
        // (verify reports the same files as notes).
        return new RepairPlan(this, lock, status, needed ? findings : List.of(), needed ? notes : List.of(),
                needed ? moves : List.of(), lost, next, keptTables, wal.lastReplayed(), emptyCommit, compact);
    }

    private static int manifestTables(ManifestSalvage.Salvaged m) {
        int n = 0;
        for (FamilyState f : m.families()) {
            n += f.files().size();
        }
        return n;
    }

    /**
     * A table the manifest (or its readable part) names: kept if it verifies and agrees with the
     * entry. Returns false, deciding nothing, when a damaged manifest's entry disagrees with a
     * sound table (the entry itself may be what is damaged).
     */
    private boolean attribute(Family f, FileMeta m, Path file, TableVerifier.Result r, ManifestStatus status) {
        Path expected = DatabaseLayout.tablePath(dir, m.fileNumber());
        String what = "table " + m.fileNumber() + " (" + describe(m) + ")";
        if (file == null) {
            findings.add(new Finding(expected, -1, f.name, "the " + (status == ManifestStatus.SOUND ? "" : "damaged ")
                    + "manifest names this table; the file does not exist", "lost: " + what, true));
            f.lost.put(findings.size() - 1, m);
            return true;
        }
        if (!r.ok()) {
            damagedTable(file, r, f.name, "lost: " + what);
            f.lost.put(findings.size() - 1, m);
            return true;
        }
        String disagreement = disagreement(m, size(file), r.properties());
        if (disagreement == null) {
            f.files.add(m);
            return true;
        }
        if (status != ManifestStatus.SOUND) {
            return false;
        }
        findings.add(new Finding(file, -1, f.name, "the manifest's record of this table disagrees with it: "
                + disagreement, "moved to " + lostText(file) + "; lost: " + what, true));
        move(file, "its manifest record disagrees with it");
        f.lost.put(findings.size() - 1, m);
        return true;
    }

    /** A table no readable manifest entry describes. */
    private void unattributed(long number, Path file, TableVerifier.Result r, ManifestSalvage.Salvaged manifest,
                              Map<Integer, Family> families) {
        if (manifest.status() != ManifestSalvage.Status.DAMAGED) {
            notes.add(relative(file) + " is not named by the manifest (left by an interrupted flush or compaction); "
                    + "moved to " + lostText(file) + " instead of being deleted by the open");
            move(file, "not named by the manifest");
            return;
        }
        if (!r.ok()) {
            damagedTable(file, r, null, "lost: table " + number + ", in no known column family");
            return;
        }
        TableProperties p = r.properties();
        String what = "table " + number + " (" + describe(p) + ")";
        if (manifest.onlyDefaultFamilyEverExisted()) {
            Family d = families.get(ManifestState.DEFAULT_FAMILY_ID);
            d.files.add(new FileMeta(number, 0, size(file), p.entries(), p.smallestSeqno(), p.largestSeqno(),
                    p.smallestKey(), p.largestKey()));
            d.placed = true;
            notes.add(relative(file) + " is kept on L0 of the default family (the damaged manifest's readable part "
                    + "does not name it, and no other family ever existed); the family is compacted after the open");
            return;
        }
        findings.add(new Finding(file, -1, null, "no readable part of the damaged manifest names this table, so its "
                + "column family is unknown", "moved to " + lostText(file) + "; lost: " + what, true));
        move(file, "its column family is unknown");
    }

    private void damagedTable(Path file, TableVerifier.Result r, String family, String lostWhat) {
        var first = r.damage().get(0);
        String more = r.damage().size() > 1 ? " (and " + (r.damage().size() - 1) + " more damaged places)" : "";
        findings.add(new Finding(file, first.offset(), family, WalSalvage.what(first) + more,
                "moved to " + lostText(file) + "; " + lostWhat, true));
        move(file, "damaged");
    }

    /** How the kept WAL ends: at the first damage that hides needed commits, if any. */
    private void judgeWal(WalSalvage.Result wal, Map<Integer, Family> families) {
        for (WalSalvage.Unneeded u : wal.unneeded()) {
            findings.add(new Finding(u.segment(), u.damageOffset(), null, u.damage(), "moved to " + lostText(u.segment())
                    + "; nothing is lost: every commit in it is in the tables", false));
            move(u.segment(), "damaged; its commits are in the tables");
        }
        if (wal.tornTail() != null) {
            notes.add(relative(wal.tornTail()) + " has a torn tail at offset " + wal.tornTailOffset() + " (a crash while "
                    + "writing, never acknowledged); the open drops it");
        }
        WalSalvage.Cut cut = wal.cut();
        if (cut == null) {
            return;
        }
        long first = cut.firstLostSeqno();
        String range = wal.lastSeen() >= first ? "commits " + first + ".." + wal.lastSeen() + " (at least)"
                : "commits from seqno " + first + " on (how many the unreadable part held is unknown)";
        List<String> hit = new ArrayList<>();
        for (Family f : families.size() > 1 ? families.values() : List.<Family>of()) {
            if (f.flushed < Math.max(first, wal.lastSeen())) {
                hit.add("'" + f.name + "' after seqno " + Math.max(f.flushed, first - 1));
            }
        }
        String where = cut.keepBytes() > 0 ? "cut at offset " + cut.keepBytes() + " (its whole copy goes to "
                + lostText(cut.segment()) + ")" : "moved to " + lostText(cut.segment());
        int later = wal.after().size();
        findings.add(new Finding(cut.segment(), cut.damageOffset(), null, cut.damage(), "the WAL is replayed to seqno "
                + (first - 1) + "; this segment is " + where + (later > 0 ? " and the " + later + " after it are moved there"
                : "") + "; lost: " + range + (hit.isEmpty() ? "" : ", for column families " + String.join(", ", hit)), true));
        if (cut.keepBytes() > 0) {
            moves.add(new Move(cut.segment(), lostName(cut.segment()), RepairPlan.MoveKind.CUT, cut.keepBytes(),
                    "copied whole; the original keeps its records before the damage"));
        } else {
            move(cut.segment(), "damaged");
        }
        for (Path p : wal.after()) {
            move(p, "after the WAL's damage");
        }
    }

    private ManifestState newManifest(ManifestSalvage.Salvaged m, Map<Integer, Family> families, Map<Long, Path> tables,
                                      WalSalvage.Result wal) {
        long nextFile = Math.max(1, m.nextFileNumber());
        for (long n : tables.keySet()) {
            nextFile = Math.max(nextFile, n + 1);
        }
        int nextFamily = Math.max(1, Math.max(m.nextFamilyId(), wal.maxFamilyId() + 1));
        List<FamilyState> out = new ArrayList<>();
        for (Family f : families.values()) {
            nextFamily = Math.max(nextFamily, f.id + 1);
            out.add(new FamilyState(f.id, f.name, f.flushed, List.copyOf(f.files)));
        }
        out.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return new ManifestState(nextFile, nextFamily, List.copyOf(out));
    }

    // ---------------------------------------------------------------- files

    private Map<Long, Path> tableFiles() throws IOException {
        Map<Long, Path> out = new TreeMap<>();
        Path sst = DatabaseLayout.tableDir(dir);
        if (storage.exists(sst)) {
            for (String name : storage.list(sst)) {
                long n = DatabaseLayout.parseTableName(name);
                if (n >= 0) {
                    out.put(n, sst.resolve(name));
                }
            }
        }
        return out;
    }

    private Map<Long, TableVerifier.Result> verifyTables(Map<Long, Path> tables) {
        Map<Long, TableVerifier.Result> out = new TreeMap<>();
        int i = 0;
        for (Map.Entry<Long, Path> e : tables.entrySet()) {
            progress.checking(e.getValue(), i++, tables.size() + 1);
            out.put(e.getKey(), TableVerifier.verify(storage, e.getValue(), e.getKey()));
        }
        return out;
    }

    /** The first seqno of the oldest WAL segment, or {@link Long#MAX_VALUE} when no segment's header reads. */
    private long walStart() throws IOException {
        List<Long> numbers = DatabaseLayout.listSegments(storage, dir, null);
        for (int i = 0; i < numbers.size(); i++) {
            try (SegmentReader r = SegmentReader.open(storage, DatabaseLayout.segmentPath(dir, numbers.get(i)),
                    i == numbers.size() - 1)) {
                if (r.header() != null) {
                    return r.header().firstSeqno();
                }
            } catch (dev.strata.engine.CorruptionException e) {
                return Long.MAX_VALUE; // unreadable: claim nothing about what the WAL holds
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * A family's lost tables may still have every commit in the WAL (the segments a flush covers
     * are deleted only once every family has flushed them, and archives or checkpoints may pin
     * them). Then the family's flushed seqno goes below them and recovery replays them, provided
     * no table the family keeps holds a later commit (which the replay would put under it).
     */
    private static void replayLostFromWal(Family f, long walStart) {
        long smallest = f.lostSmallestSeqno();
        if (f.lost.isEmpty() || walStart > smallest) {
            return;
        }
        for (FileMeta kept : f.files) {
            if (kept.largestSeqno() >= smallest) {
                return;
            }
        }
        f.flushed = Math.min(f.flushed, smallest - 1);
        f.replaysLost = true;
    }

    /** Rewrites the findings of a family's lost tables whose commits the WAL replays. */
    private void reportReplayed(Family f, WalSalvage.Cut cut) {
        for (Map.Entry<Integer, FileMeta> e : f.lost.entrySet()) {
            Finding old = findings.get(e.getKey());
            FileMeta m = e.getValue();
            String moved = old.consequence().startsWith("moved to ")
                    ? old.consequence().substring(0, old.consequence().indexOf("; ") + 2) : "";
            boolean whole = cut == null || cut.firstLostSeqno() > m.largestSeqno();
            String replay = whole ? "the WAL still holds its commits (seqnos " + m.smallestSeqno() + ".." + m.largestSeqno()
                    + ") and replays them: nothing is lost"
                    : "the WAL replays its commits before seqno " + cut.firstLostSeqno() + "; lost: table " + m.fileNumber()
                    + "'s commits from seqno " + cut.firstLostSeqno() + " on";
            findings.set(e.getKey(), new Finding(old.file(), old.offset(), old.columnFamily(), old.damage(), moved + replay,
                    !whole));
        }
    }

    /** {@code <db>/lost/<n>} for the first n not taken. */
    private Path lostDirectory() throws IOException {
        Path root = dir.resolve(LOST_DIR);
        long n = 1;
        if (storage.exists(root)) {
            for (String name : storage.list(root)) {
                if (name.matches("[1-9][0-9]{0,17}")) {
                    n = Math.max(n, Long.parseLong(name) + 1);
                }
            }
        }
        return root.resolve(Long.toString(n));
    }

    private void move(Path file, String why) {
        moves.add(new Move(file, lostName(file), RepairPlan.MoveKind.MOVE, -1, why));
    }

    /** Where a file goes in the lost directory: the same path relative to the database. */
    private Path lostName(Path file) {
        return lost.resolve(dir.relativize(file));
    }

    private String lostText(Path file) {
        return relative(lostName(file));
    }

    private String relative(Path file) {
        return dir.relativize(file).toString();
    }

    private long size(Path file) {
        try {
            return storage.size(file);
        } catch (IOException e) {
            throw new StrataIOException("cannot read the size of " + file, e);
        }
    }

    /** What differs between the manifest's record of a table and the table, or null. */
    private static String disagreement(FileMeta m, long size, TableProperties t) {
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
        return wrong.isEmpty() ? null : String.join("; ", wrong);
    }

    private static String describe(FileMeta m) {
        return "L" + m.level() + ", " + m.entryCount() + " entries, keys " + Bytes.toDisplay(m.smallestKey()) + ".."
                + Bytes.toDisplay(m.largestKey()) + ", seqnos " + m.smallestSeqno() + ".." + m.largestSeqno();
    }

    private static String describe(TableProperties p) {
        return p.entries() + " entries, keys " + Bytes.toDisplay(p.smallestKey()) + ".." + Bytes.toDisplay(p.largestKey())
                + ", seqnos " + p.smallestSeqno() + ".." + p.largestSeqno();
    }

    private String describeSalvage(ManifestSalvage.Salvaged m) {
        String copy = "copied to " + lostText(dir.resolve(Manifest.FILE)) + " and rewritten";
        if (m.familyCount() < 0) {
            return copy + "; nothing in it was readable, so the tables' column families are unknown";
        }
        int files = manifestTables(m);
        return copy + " from its readable part: " + m.families().size() + " of " + m.familyCount() + " column families"
                + (m.complete() ? " and every table entry" : " and " + files + " table entries before the damage")
                + " (each kept only if the table it names agrees with it)";
    }
}
