package dev.strata.engine.repair;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.CorruptionException;
import dev.strata.engine.DatabaseLockedException;
import dev.strata.engine.Durability;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.TestFiles;
import dev.strata.engine.check.DatabaseChecker;
import dev.strata.engine.check.DatabaseLayout;
import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.manifest.ManifestState;
import dev.strata.engine.repair.RepairPlan.Finding;
import dev.strata.engine.repair.RepairPlan.ManifestStatus;
import dev.strata.engine.repair.RepairPlan.MoveKind;
import dev.strata.engine.sst.TableOptions;
import dev.strata.engine.sst.TableProperties;
import dev.strata.engine.sst.TableWriter;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.StorageFile;
import dev.strata.engine.wal.SegmentReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DatabaseRepair} on real damaged databases: a flipped byte in a table, a table the
 * manifest names deleted, a manifest cut at every kind of length (one family and several), a
 * damaged WAL record (sealed segment, and one whose commits the tables already hold), a WAL cut
 * below another family's flushed seqno. After every repair the database opens, the checker finds
 * no damage, nothing the files did not hold appears (every pair read back was written to that
 * key in that family), and every file the database had is still on disk, in the database or in
 * {@code lost/}.
 */
class DatabaseRepairTest {
    @TempDir
    Path tmp;

    /**
     * Fixtures are written without a force per commit (a clean close makes them durable); a
     * fresh instance each time, since options are mutable.
     */
    private static StrataOptions fast() {
        return StrataOptions.defaults().durability(Durability.ASYNC);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Every value each key of each family was ever given, and the state after the last commit. */
    private static final class History {
        final Map<String, Map<String, Set<String>>> written = new HashMap<>();
        final Map<String, TreeMap<String, String>> state = new HashMap<>();

        History() {
            // What assertRepairedDatabaseIsSound writes after a repair.
            written.computeIfAbsent("default", x -> new HashMap<>()).put("after-repair", Set.of("written"));
        }

        void put(ColumnFamily cf, String k, String v) {
            cf.put(b(k), b(v));
            written.computeIfAbsent(cf.name(), x -> new HashMap<>()).computeIfAbsent(k, x -> new HashSet<>()).add(v);
            state.computeIfAbsent(cf.name(), x -> new TreeMap<>()).put(k, v);
        }

        void remove(ColumnFamily cf, String k) {
            cf.remove(b(k));
            state.computeIfAbsent(cf.name(), x -> new TreeMap<>()).remove(k);
        }

        TreeMap<String, String> state(String family) {
            return state.getOrDefault(family, new TreeMap<>());
        }

        /** Nothing invented: every pair of every family was written to that key of that family. */
        void assertNothingInvented(Path dir) {
            try (StrataDatabase db = StrataDatabase.open(dir)) {
                for (String family : db.columnFamilies()) {
                    contents(db.columnFamily(family)).forEach((k, v) -> assertThat(written.getOrDefault(family, Map.of())
                            .getOrDefault(k, Set.of())).as("%s of family %s", k, family).contains(v));
                }
            }
        }
    }

    private static TreeMap<String, String> contents(ColumnFamily cf) {
        TreeMap<String, String> m = new TreeMap<>();
        try (StrataIterator<KeyValue> it = cf.iterator(RangeOptions.all())) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                m.put(s(kv.key()), s(kv.value()));
            }
        }
        return m;
    }

    private static TreeMap<String, String> contents(Path dir, String family) {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            return contents(db.columnFamily(family));
        }
    }

    /** Every regular file under {@code dir} (the lock file left out), by path relative to it. */
    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> st = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) st.filter(Files::isRegularFile)::iterator) {
                if (!p.getFileName().toString().equals("LOCK")) {
                    m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        return m;
    }

    /**
     * Every file the damaged database had is still there byte for byte, in the database or
     * under {@code lost/1/}; the one exception is a file the plan cut or rewrote, whose whole
     * copy is in {@code lost/1/}.
     */
    private static void assertNothingDeleted(Map<String, byte[]> before, Path dir, RepairPlan plan) throws IOException {
        Map<String, byte[]> after = files(dir);
        Set<String> changedInPlace = new HashSet<>();
        Set<String> moved = new HashSet<>();
        plan.moves().forEach(m -> (m.kind() == MoveKind.MOVE ? moved : changedInPlace).add(dir.relativize(m.from()).toString()));
        before.forEach((name, bytes) -> {
            byte[] kept = after.get(name);
            byte[] aside = after.get("lost/1/" + name);
            if (changedInPlace.contains(name) || moved.contains(name)) {
                assertThat(aside).as("whole copy of %s in lost/1", name).isEqualTo(bytes);
            } else if (name.equals(Manifest.FILE)) {
                assertThat(kept).as("a sound manifest is replaced by one naming what was kept").isNotNull();
            } else if (kept != null) {
                assertThat(kept).as("%s unchanged", name).isEqualTo(bytes);
            } else {
                // Retired by the repaired database itself: its flush and compaction replace
                // tables and WAL segments as any open database does.
                assertThat(name).as("%s gone without being moved aside", name).matches("(sst|wal)/.*");
            }
        });
    }

    private static void assertRepairedDatabaseIsSound(Path dir, RepairResult r) {
        assertThat(r.check().problems()).as("verify after the repair").isEmpty();
        assertThat(DatabaseChecker.check(dir).ok()).isTrue();
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            long next = db.put(b("after-repair"), b("written")).seqno();
            assertThat(next).isGreaterThan(r.latestSeqno());
        }
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(db.get(b("after-repair"))).isEqualTo(b("written"));
        }
        assertThat(DatabaseChecker.check(dir).ok()).as("verify after a write and a reopen").isTrue();
    }

    private static List<Path> tables(Path dir) throws IOException {
        try (Stream<Path> st = Files.list(DatabaseLayout.tableDir(dir))) {
            return st.sorted().toList();
        }
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> st = Files.list(DatabaseLayout.walDir(dir))) {
            return st.sorted().toList();
        }
    }

    /** Keys a0..a49 in one table, b0..b49 in a second, c0..c9 only in the WAL; a3 then removed (in the WAL). */
    private static History threeParts(Path dir) {
        History h = new History();
        try (StrataDatabase db = StrataDatabase.open(dir, fast())) {
            ColumnFamily d = db.defaultColumnFamily();
            for (int i = 0; i < 50; i++) {
                h.put(d, "a" + i, "first-" + i);
            }
            db.flush();
            for (int i = 0; i < 50; i++) {
                h.put(d, "b" + i, "second-" + i);
            }
            db.flush();
            for (int i = 0; i < 10; i++) {
                h.put(d, "c" + i, "wal-" + i);
            }
            h.remove(d, "a3");
        }
        return h;
    }

    @Test
    void aSoundDatabaseNeedsNoRepairAndTheLockIsReleased() {
        Path dir = tmp.resolve("db");
        threeParts(dir);
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.needed()).isFalse();
            assertThat(plan.findings()).isEmpty();
            assertThat(plan.moves()).isEmpty();
            assertThat(plan.manifestStatus()).isEqualTo(ManifestStatus.SOUND);
            assertThatThrownBy(plan::execute).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("nothing to repair");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(db.get(b("c1"))).isEqualTo(b("wal-1"));
        }
    }

    @Test
    void anOpenDatabaseIsRefusedAndAMissingOneIsAnInvalidArgument() {
        Path dir = tmp.resolve("db");
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            db.put(b("k"), b("v"));
            assertThatThrownBy(() -> DatabaseRepair.plan(dir)).isInstanceOf(DatabaseLockedException.class)
                    .hasMessageContaining("cannot repair");
        }
        assertThatThrownBy(() -> DatabaseRepair.plan(tmp.resolve("absent"))).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no such directory");
        assertThatThrownBy(() -> DatabaseRepair.plan(tmp)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no Strata database");
    }

    @Test
    void aFlippedByteLosesItsTableOnlyAndTheTableIsMovedAside() throws IOException {
        Path dir = tmp.resolve("db");
        History h = threeParts(dir);
        Path first = tables(dir).get(0);
        TestFiles.flip(first, 40);
        Map<String, byte[]> before = files(dir);
        assertThatThrownBy(() -> contents(dir, "default")).isInstanceOf(CorruptionException.class);

        RepairResult r;
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.needed()).isTrue();
            assertThat(plan.findings()).hasSize(1);
            Finding f = plan.findings().get(0);
            assertThat(f.file()).isEqualTo(first);
            assertThat(f.offset()).as("the damaged block's offset").isEqualTo(32);
            assertThat(f.columnFamily()).isEqualTo("default");
            assertThat(f.damage()).contains("checksum");
            assertThat(f.consequence()).contains("lost/1/sst/" + first.getFileName()).contains("50 entries")
                    .contains("keys a0..a9");
            assertThat(f.losesData()).isTrue();
            assertThat(plan.keptTables()).isEqualTo(1);
            r = plan.execute();
            assertNothingDeleted(before, dir, plan);
        }
        assertRepairedDatabaseIsSound(dir, r);
        TreeMap<String, String> expected = new TreeMap<>(h.state("default"));
        expected.keySet().removeIf(k -> k.startsWith("a"));
        assertThat(contents(dir, "default")).as("the b table and the WAL whole, the a table gone")
                .containsAllEntriesOf(expected).hasSize(expected.size() + 1);
        h.assertNothingInvented(dir);
        assertThat(Files.readAllBytes(dir.resolve("lost/1/sst/" + first.getFileName()))).isEqualTo(before.get("sst/" + first.getFileName()));
    }

    /**
     * A table flushed from the segment still being written: the WAL holds its commits, so the
     * repair replays them (the family's flushed seqno goes below the table) and nothing is lost.
     * A WAL record damaged among them stops the replay there, and only the rest is lost.
     */
    @Test
    void aLostTableWhoseCommitsTheWalStillHoldsIsReplayed() throws IOException {
        Path dir = tmp.resolve("db");
        History h = new History();
        try (StrataDatabase db = StrataDatabase.open(dir, fast())) {
            for (int i = 0; i < 40; i++) {
                h.put(db.defaultColumnFamily(), "k" + i, "v" + i);
            }
            db.flush();
            h.put(db.defaultColumnFamily(), "later", "in the WAL only");
        }
        Path copy = tmp.resolve("copy");
        TestFiles.copyDir(dir, copy);
        TestFiles.flip(tables(dir).get(0), 40);
        RepairResult r;
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.findings()).singleElement().satisfies(f -> {
                assertThat(f.losesData()).isFalse();
                assertThat(f.consequence()).contains("the WAL still holds its commits (seqnos 1..40) and replays them");
            });
            assertThat(plan.walReplaysTo()).isEqualTo(41);
            r = plan.execute();
        }
        assertRepairedDatabaseIsSound(dir, r);
        TreeMap<String, String> state = contents(dir, "default");
        state.remove("after-repair");
        assertThat(state).isEqualTo(h.state("default"));

        Files.delete(tables(copy).get(0));
        Path segment = segments(copy).get(0);
        TestFiles.flip(segment, frameOffset(segment, 30) + 20); // seqno 31
        try (RepairPlan plan = DatabaseRepair.plan(copy)) {
            assertThat(plan.findings()).hasSize(2);
            assertThat(plan.findings().get(0).consequence()).contains("the WAL replays its commits before seqno 31; lost: "
                    + "table 1's commits from seqno 31 on");
            assertThat(plan.findings().get(0).losesData()).isTrue();
            r = plan.execute();
        }
        assertRepairedDatabaseIsSound(copy, r);
        assertThat(contents(copy, "default")).containsEntry("k29", "v29").doesNotContainKey("k30").doesNotContainKey("later");
    }

    @Test
    void aDeletedTableTheManifestNamesIsReportedLostAndDroppedFromTheManifest() throws IOException {
        Path dir = tmp.resolve("db");
        History h = threeParts(dir);
        Path first = tables(dir).get(0);
        Files.delete(first);

        RepairResult r;
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.findings()).singleElement().satisfies(f -> {
                assertThat(f.file()).isEqualTo(first);
                assertThat(f.offset()).isEqualTo(-1);
                assertThat(f.damage()).contains("the file does not exist");
                assertThat(f.consequence()).as("the b table is newer: the WAL cannot be replayed under it")
                        .isEqualTo("lost: table 1 (L0, 50 entries, keys a0..a9, seqnos 1..50)");
                assertThat(f.losesData()).isTrue();
            });
            assertThat(plan.moves()).isEmpty();
            assertThat(plan.newManifest().allFiles()).hasSize(1);
            r = plan.execute();
        }
        assertRepairedDatabaseIsSound(dir, r);
        TreeMap<String, String> expected = new TreeMap<>(h.state("default"));
        expected.keySet().removeIf(k -> k.startsWith("a"));
        assertThat(contents(dir, "default")).containsAllEntriesOf(expected).doesNotContainKey("a0");
    }

    /**
     * Tables on L0 and below from background compactions of random overwrites and deletes, then
     * commits only in the WAL.
     */
    private static History layered(Path dir, StrataOptions options) {
        History h = new History();
        java.util.Random random = new java.util.Random(42);
        try (StrataDatabase db = StrataDatabase.open(dir, options)) {
            ColumnFamily d = db.defaultColumnFamily();
            for (int i = 0; i < 2500; i++) {
                String k = String.format("k%04d", random.nextInt(400));
                if (random.nextInt(10) == 0) {
                    h.remove(d, k);
                } else {
                    h.put(d, k, "v" + i + "-" + "x".repeat(random.nextInt(40)));
                }
            }
            db.flush();
            h.put(d, "k0002", "v3-wal");
            h.put(d, "zz", "wal only");
        }
        return h;
    }

    static StrataOptions small() {
        return StrataOptions.defaults().durability(Durability.ASYNC).memtableSize(4 << 10).blockSize(256)
                .targetFileSize(4 << 10).levelBaseSize(8 << 10).levelMultiplier(2)
                .l0CompactionTrigger(2).l0StopWritesTrigger(16).blockCacheSize(0);
    }

    @Test
    void aManifestCutAtAnyLengthOfAOneFamilyDatabaseLosesNothingOnceItsHeaderReads() throws IOException {
        Path golden = tmp.resolve("golden");
        History h = layered(golden, small());
        long size = Files.size(golden.resolve(Manifest.FILE));
        try (StrataDatabase db = StrataDatabase.open(golden)) {
            int[] levelFiles = db.lsmStats().levelFiles();
            assertThat(levelFiles[1] + levelFiles[2]).as("tables on L1 and below").isGreaterThan(2);
        }
        Set<Long> lengths = new java.util.TreeSet<>();
        for (long len = 0; len < size; len += Math.max(1, size / 10)) {
            lengths.add(len);
        }
        lengths.add(size - 4); // only the checksum cut off
        lengths.add(28L);      // the header only
        for (long len : lengths) {
            Path dir = tmp.resolve("cut-" + len);
            TestFiles.copyDir(golden, dir);
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(Manifest.FILE).toFile(), "rw")) {
                f.setLength(len);
            }
            RepairResult r;
            Map<String, byte[]> before = files(dir);
            try (RepairPlan plan = DatabaseRepair.plan(dir)) {
                assertThat(plan.manifestStatus()).as("cut at %d", len).isEqualTo(ManifestStatus.DAMAGED);
                assertThat(plan.findings().get(0).file()).isEqualTo(dir.resolve(Manifest.FILE));
                r = plan.execute();
                assertNothingDeleted(before, dir, plan);
            }
            assertRepairedDatabaseIsSound(dir, r);
            h.assertNothingInvented(dir);
            TreeMap<String, String> state = contents(dir, "default");
            state.remove("after-repair");
            if (len >= 28) {
                assertThat(state).as("cut at %d: every table kept, reads see the newest versions", len)
                        .isEqualTo(h.state("default"));
            } else {
                assertThat(state).as("cut at %d: tables in no known family; the WAL's commits stay", len)
                        .containsEntry("zz", "wal only").containsEntry("k0002", "v3-wal");
                assertThat(Files.list(dir.resolve("lost/1/sst")).count()).isEqualTo(tables(golden).size());
            }
        }
    }

    @Test
    void aManifestCutInASecondFamilysEntryKeepsWhatItNamesAndMovesTheRestAside() throws IOException {
        Path dir = tmp.resolve("db");
        History h = new History();
        try (StrataDatabase db = StrataDatabase.open(dir, fast())) {
            ColumnFamily users = db.createColumnFamily("users");
            ColumnFamily items = db.createColumnFamily("items");
            for (int i = 0; i < 20; i++) {
                h.put(db.defaultColumnFamily(), "d" + i, "default-" + i);
                h.put(users, "u" + i, "user-" + i);
                h.put(items, "i" + i, "item-" + i);
            }
            db.flush();
        }
        byte[] manifest = Files.readAllBytes(dir.resolve(Manifest.FILE));
        int itemsName = indexOf(manifest, b("items"));
        assertThat(itemsName).isPositive();
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(Manifest.FILE).toFile(), "rw")) {
            f.setLength(itemsName + 30); // inside the items family's table entry
        }
        RepairResult r;
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.findings()).hasSize(2);
            assertThat(plan.findings().get(0).consequence()).contains("3 of 3 column families").contains("2 table entries");
            Finding unknown = plan.findings().get(1);
            assertThat(unknown.damage()).contains("column family is unknown");
            assertThat(unknown.consequence()).contains("keys i0..i9").contains("lost/1/sst/");
            r = plan.execute();
        }
        assertRepairedDatabaseIsSound(dir, r);
        h.assertNothingInvented(dir);
        assertThat(contents(dir, "users")).isEqualTo(h.state("users"));
        assertThat(contents(dir, "items")).as("its table's family is unknown: moved aside, not put anywhere").isEmpty();
        assertThat(contents(dir, "default")).containsAllEntriesOf(h.state("default"));
    }

    /**
     * The manifest cut just before a family's entry: that family is unknown, so its table goes
     * to lost/ and its commits in the WAL are reported lost (recovery skips commits to a family
     * the manifest does not name, as it does a dropped family's).
     */
    @Test
    void aFamilyWhoseManifestEntryIsLostLosesItsTableAndItsWalCommitsVisibly() throws IOException {
        Path dir = tmp.resolve("db");
        History h = new History();
        try (StrataDatabase db = StrataDatabase.open(dir, fast())) {
            ColumnFamily users = db.createColumnFamily("users");
            ColumnFamily items = db.createColumnFamily("items");
            for (int i = 0; i < 20; i++) {
                h.put(users, "u" + i, "user-" + i);
                h.put(items, "i" + i, "item-" + i);
            }
            db.flush();
            h.put(items, "late", "only in the WAL");
        }
        byte[] manifest = Files.readAllBytes(dir.resolve(Manifest.FILE));
        int itemsEntry = indexOf(manifest, b("items")) - 5; // its id (u32) and the name's length (one byte)
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(Manifest.FILE).toFile(), "rw")) {
            f.setLength(itemsEntry);
        }
        RepairResult r;
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.findings()).extracting(Finding::damage).hasSize(3);
            assertThat(plan.findings().get(0).consequence()).contains("2 of 3 column families");
            assertThat(plan.findings().get(1).damage()).contains("column family is unknown");
            assertThat(plan.findings().get(2).damage()).isEqualTo("names no column family with id 2, which commits in "
                    + "the WAL write to");
            assertThat(plan.findings().get(2).losesData()).isTrue();
            r = plan.execute();
        }
        assertRepairedDatabaseIsSound(dir, r);
        h.assertNothingInvented(dir);
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(db.columnFamilies()).containsExactly("default", "users");
        }
        assertThat(contents(dir, "users")).isEqualTo(h.state("users"));
    }

    /** A table no manifest names is moved aside (a note, not damage) instead of being deleted by the open. */
    @Test
    void anUnnamedTableIsMovedAsideAndAPlanRunsOnce() throws IOException {
        Path dir = tmp.resolve("db");
        threeParts(dir);
        Path orphan = DatabaseLayout.tablePath(dir, 99);
        Files.copy(tables(dir).get(1), orphan);
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.needed()).as("an unnamed table alone is not damage").isFalse();
            assertThat(plan.notes()).isEmpty();
        }
        TestFiles.flip(tables(dir).get(0), 40);
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.notes()).singleElement().satisfies(n -> assertThat(n).startsWith("sst/" + orphan.getFileName()
                    + " is not named by the manifest"));
            assertThat(plan.moves()).extracting(RepairPlan.Move::from).contains(orphan);
            assertRepairedDatabaseIsSound(dir, plan.execute());
            assertThatThrownBy(plan::execute).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("executed");
        }
        assertThat(dir.resolve("lost/1/sst/" + orphan.getFileName())).exists();
    }

    /**
     * Two sound tables where the deeper one (L2) holds the older version of k but the larger
     * seqnos (a compaction pushed a newer key down with it). Placed on L0 without their levels,
     * the newest-first order of L0 would read the older version: the repair compacts the family.
     */
    @Test
    void tablesPlacedWithoutTheirLevelsAreCompactedSoReadsSeeTheNewestVersion() throws IOException {
        Path dir = tmp.resolve("db");
        Files.createDirectories(dir.resolve("wal"));
        Files.createDirectories(dir.resolve("sst"));
        FileMeta upper = table(dir, 5, 1, new Object[][]{{"k", 3L, "new"}});
        FileMeta lower = table(dir, 6, 2, new Object[][]{{"k", 1L, "old"}, {"z", 4L, "zz"}});
        ManifestState state = new ManifestState(7, 1, List.of(new ManifestState.FamilyState(0, "default", 4,
                List.of(upper, lower))));
        Manifest.write(LocalStorage.INSTANCE, dir, state);
        assertThat(contents(dir, "default")).as("sound: L1 before L2").containsEntry("k", "new");
        long header = 28 + 4 + 1 + "default".length() + 8 + 4; // up to the family's file count
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(Manifest.FILE).toFile(), "rw")) {
            f.setLength(header + 10);
        }
        RepairResult r;
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.notes()).hasSize(2).allSatisfy(n -> assertThat(n).contains("kept on L0 of the default family"));
            r = plan.execute();
        }
        assertThat(r.check().ok()).isTrue();
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(db.get(b("k"))).isEqualTo(b("new"));
            assertThat(db.get(b("z"))).isEqualTo(b("zz"));
        }
    }

    /** Writes table {@code number} with {@code entries} (key, seqno, value) and returns its manifest record. */
    private static FileMeta table(Path dir, long number, int level, Object[][] entries) throws IOException {
        Path p = DatabaseLayout.tablePath(dir, number);
        try (StorageFile f = LocalStorage.INSTANCE.create(p)) {
            TableWriter w = new TableWriter(f, TableOptions.DEFAULTS);
            for (Object[] e : entries) {
                w.put(b((String) e[0]), (Long) e[1], b((String) e[2]));
            }
            TableProperties t = w.finish();
            return new FileMeta(number, level, w.fileSize(), t.entries(), t.smallestSeqno(), t.largestSeqno(),
                    t.smallestKey(), t.largestKey());
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** {@code commits} commits, each one put ({@link #key}(i) = "v" + i, seqno i + 1), in 64 KiB WAL segments, no table. */
    private static History walOnly(Path dir, int commits) {
        History h = new History();
        try (StrataDatabase db = StrataDatabase.open(dir, fast().walSegmentSize(64 << 10))) {
            for (int i = 0; i < commits; i++) {
                h.put(db.defaultColumnFamily(), key(i), "v" + i);
            }
        }
        return h;
    }

    /** The key of commit i + 1 in the WAL tests: 1,700 keys, so later commits overwrite earlier ones. */
    private static String key(int i) {
        return String.format("k%05d", i % 1700);
    }

    /** Offset of the frame of the {@code n}-th record (from 0) of a segment. */
    private static long frameOffset(Path segment, int n) throws IOException {
        try (SegmentReader r = SegmentReader.open(LocalStorage.INSTANCE, segment, false)) {
            for (int i = 0; i <= n; i++) {
                assertThat(r.next()).isTrue();
            }
            return r.recordOffset();
        }
    }

    @Test
    void aDamagedWalRecordKeepsTheCommitsBeforeItAndNothingAfterIt() throws IOException {
        Path dir = tmp.resolve("db");
        walOnly(dir, 3000);
        List<Path> segs = segments(dir);
        assertThat(segs).as("several sealed segments").hasSizeGreaterThan(2);
        Path second = segs.get(1);
        long firstOfSecond;
        try (SegmentReader sr = SegmentReader.open(LocalStorage.INSTANCE, second, false)) {
            firstOfSecond = sr.header().firstSeqno();
        }
        long frame = frameOffset(second, 5);
        TestFiles.flip(second, frame + 20);
        Map<String, byte[]> before = files(dir);

        RepairResult r;
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            Finding f = plan.findings().get(0);
            assertThat(plan.findings()).hasSize(1);
            assertThat(f.file()).isEqualTo(second);
            assertThat(f.offset()).isEqualTo(frame);
            assertThat(f.consequence()).contains("replayed to seqno " + (firstOfSecond + 4))
                    .contains("commits " + (firstOfSecond + 5) + "..3000");
            assertThat(plan.walReplaysTo()).isEqualTo(firstOfSecond + 4);
            assertThat(plan.moves()).first().satisfies(m -> {
                assertThat(m.kind()).isEqualTo(MoveKind.CUT);
                assertThat(m.keepBytes()).isEqualTo(frame);
            });
            assertThat(plan.moves()).hasSize(segs.size() - 1);
            r = plan.execute();
            assertNothingDeleted(before, dir, plan);
        }
        long kept = firstOfSecond + 4;
        assertThat(r.latestSeqno()).isEqualTo(kept);
        assertThat(r.emptyCommitSeqno()).isEqualTo(-1);
        TreeMap<String, String> prefix = new TreeMap<>();
        for (int i = 0; i < kept; i++) {
            prefix.put(key(i), "v" + i);
        }
        assertThat(contents(dir, "default")).as("exactly the commits before the damage").isEqualTo(prefix);
        assertRepairedDatabaseIsSound(dir, r);
    }

    @Test
    void aWalCutBelowAnotherFamilysTablesContinuesEveryFamilyFromOneSeqno() throws IOException {
        Path dir = tmp.resolve("db");
        History h = new History();
        try (StrataDatabase db = StrataDatabase.open(dir, fast().memtableSize(4 << 10))) {
            ColumnFamily quiet = db.createColumnFamily("quiet");
            ColumnFamily busy = db.createColumnFamily("busy");
            for (int i = 0; i < 20; i++) {
                h.put(quiet, "q" + i, "quiet-" + i);
            }
            for (int i = 0; i < 400; i++) {
                h.put(busy, String.format("b%04d", i), "busy value number " + i);
            }
            assertThat(busy.stats().tableBytes()).as("busy flushed by itself").isPositive();
            assertThat(quiet.stats().tableBytes()).isZero();
        }
        Path first = segments(dir).get(0);
        long frame = frameOffset(first, 12); // seqno 13: quiet's 11th put
        TestFiles.flip(first, frame + 30);

        RepairResult r;
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.findings()).singleElement().satisfies(f -> assertThat(f.consequence())
                    .contains("commits 13..").contains("'quiet' after seqno 12"));
            assertThat(plan.notes()).anySatisfy(n -> assertThat(n).contains("empty commit"));
            r = plan.execute();
        }
        assertThat(r.emptyCommitSeqno()).as("after busy's tables").isGreaterThan(13);
        assertRepairedDatabaseIsSound(dir, r);
        TreeMap<String, String> quiet = contents(dir, "quiet");
        assertThat(quiet).hasSize(10).containsEntry("q9", "quiet-9").doesNotContainKey("q10");
        assertThat(contents(dir, "busy")).as("what busy's tables hold").isNotEmpty();
        h.assertNothingInvented(dir);
        for (int i = 0; i < 2; i++) {
            try (StrataDatabase db = StrataDatabase.open(dir)) {
                db.columnFamily("quiet").put(b("again" + i), b("x"));
            }
        }
        assertThat(DatabaseChecker.check(dir).ok()).isTrue();
    }

    @Test
    void aDamagedSegmentWhoseCommitsAreInTheTablesIsMovedAsideWithoutLoss() throws IOException {
        Path dir = tmp.resolve("db");
        History h = walOnly(dir, 2500);
        StrataOptions options = fast().walSegmentSize(64 << 10);
        Path oldest = segments(dir).get(0);
        byte[] copy = Files.readAllBytes(oldest);
        try (StrataDatabase db = StrataDatabase.open(dir, options)) {
            db.flush();
        }
        assertThat(Files.exists(oldest)).as("deleted once its commits were in a table").isFalse();
        Files.write(oldest, copy); // as an archive or a checkpoint could have kept it
        TestFiles.flip(oldest, frameOffset(oldest, 3) + 25);

        RepairResult r;
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.findings()).singleElement().satisfies(f -> {
                assertThat(f.file()).isEqualTo(oldest);
                assertThat(f.losesData()).isFalse();
                assertThat(f.consequence()).contains("nothing is lost");
            });
            r = plan.execute();
        }
        assertRepairedDatabaseIsSound(dir, r);
        TreeMap<String, String> state = contents(dir, "default");
        state.remove("after-repair");
        assertThat(state).isEqualTo(h.state("default"));
        assertThat(dir.resolve("lost/1/wal/" + oldest.getFileName())).exists();
    }

    @Test
    void aSecondRepairUsesTheNextLostDirectory() throws IOException {
        Path dir = tmp.resolve("db");
        threeParts(dir);
        TestFiles.flip(tables(dir).get(0), 40);
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            plan.execute();
        }
        TestFiles.flip(tables(dir).get(0), 40);
        try (RepairPlan plan = DatabaseRepair.plan(dir)) {
            assertThat(plan.lostDirectory()).isEqualTo(dir.resolve("lost/2"));
            plan.execute();
        }
        assertThat(dir.resolve("lost/1/sst")).isDirectory();
        assertThat(Files.list(dir.resolve("lost/2/sst")).count()).isEqualTo(1);
    }
}
