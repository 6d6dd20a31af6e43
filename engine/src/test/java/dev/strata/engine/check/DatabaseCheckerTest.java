package dev.strata.engine.check;

import dev.strata.engine.Durability;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.TestFiles;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.vfs.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DatabaseChecker} on real databases: a sound one has no problem and is left unchanged;
 * every byte flip in every file is reported in that file; missing, extra and torn files are told
 * apart; and a check beside a running writer sees a sound database.
 */
class DatabaseCheckerTest {
    @TempDir
    Path tmp;

    static StrataOptions small() {
        return StrataOptions.defaults().durability(Durability.SYNC).memtableSize(4 << 10).blockSize(256)
                .targetFileSize(4 << 10).levelBaseSize(8 << 10).levelMultiplier(2)
                .l0CompactionTrigger(2).l0StopWritesTrigger(8).blockCacheSize(0);
    }

    /** Tables on two levels, range tombstones, and WAL records that are not in a table. */
    static Path buildGolden(Path dir) {
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            for (int i = 0; i < 60; i++) {
                db.put(String.format("k%04d", i).getBytes(), ("value-" + i).getBytes());
            }
            db.deleteRange("k0010".getBytes(), "k0020".getBytes());
            db.flush();
            db.compact(null, null);
            for (int i = 0; i < 60; i += 4) {
                db.put(String.format("k%04d", i).getBytes(), ("new-" + i).getBytes());
            }
            db.flush();
            db.remove("k0003".getBytes());
            db.put("unflushed".getBytes(), "in the WAL only".getBytes());
        }
        return dir;
    }

    private static Map<Path, byte[]> contents(Path dir) throws IOException {
        Map<Path, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                m.put(p, Files.readAllBytes(p));
            }
        }
        return m;
    }

    @Test
    void soundDatabaseHasNoProblemAndIsLeftUnchanged() throws IOException {
        Path dir = buildGolden(tmp.resolve("db"));
        Map<Path, byte[]> before = contents(dir);
        List<Path> seen = new ArrayList<>();

        CheckReport r = DatabaseChecker.check(dir, LocalStorage.INSTANCE, (file, index, total) -> {
            assertThat(index).isLessThan(total);
            seen.add(file);
        });

        assertThat(r.problems()).isEmpty();
        assertThat(r.notes()).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.tables()).isGreaterThanOrEqualTo(2);
        assertThat(r.dataBlocks()).isGreaterThanOrEqualTo(r.tables());
        assertThat(r.tableEntries()).isGreaterThan(60);
        assertThat(r.walSegments()).isPositive();
        assertThat(r.walRecords()).as("at least the remove and the last put, which are only in the WAL").isGreaterThanOrEqualTo(2);
        assertThat(seen).contains(dir.resolve(Manifest.FILE)).hasSize(1 + r.tables() + r.walSegments());
        Map<Path, byte[]> after = contents(dir);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        after.forEach((p, b) -> assertThat(b).as("%s unchanged", p).isEqualTo(before.get(p)));
    }

    /**
     * Every byte of the manifest, of every table and of every sealed WAL segment is covered by a
     * checksum, so every flip must be a problem naming that file. In the newest segment a flip
     * may also read as a torn tail (a note), which recovery tolerates.
     */
    @Test
    void everyByteFlipIsReportedInTheFlippedFile() throws IOException {
        Path dir = buildGolden(tmp.resolve("db"));
        List<Long> segments = DatabaseLayout.listSegments(LocalStorage.INSTANCE, dir, null);
        Path newest = DatabaseLayout.segmentPath(dir, segments.get(segments.size() - 1));
        long flips = 0;
        for (Map.Entry<Path, byte[]> f : contents(dir).entrySet()) {
            Path file = f.getKey();
            if (file.getFileName().toString().equals("LOCK")
                    || file.getFileName().toString().endsWith(dev.strata.engine.wal.SegmentSummaryFile.SUFFIX)) {
                continue; // a segment summary is an index: a damaged one is rebuilt at open (GoldenTruncationTest)
            }
            for (long off = 0; off < f.getValue().length; off++) {
                TestFiles.flip(file, off);
                CheckReport r = DatabaseChecker.check(dir);
                TestFiles.flip(file, off);
                flips++;
                boolean problemHere = r.problems().stream().anyMatch(p -> p.file().equals(file));
                boolean noteHere = r.notes().stream().anyMatch(p -> p.file().equals(file));
                assertThat(problemHere || (file.equals(newest) && noteHere))
                        .as("flip at %s offset %d: %s %s", dir.relativize(file), off, r.problems(), r.notes()).isTrue();
                assertThat(r.problems()).as("flip at %s offset %d blames only that file (or the manifest's record of it)",
                        dir.relativize(file), off).allSatisfy(p -> assertThat(p.file()).isIn(file, dir.resolve(Manifest.FILE)));
            }
        }
        assertThat(flips).isGreaterThan(1000);
        assertThat(DatabaseChecker.check(dir).ok()).as("every flip was undone").isTrue();
    }

    @Test
    void aFlipInADataBlockNamesTheBlockOffsetAndTheOtherTablesStillCount() throws IOException {
        Path dir = buildGolden(tmp.resolve("db"));
        CheckReport clean = DatabaseChecker.check(dir);
        Path table;
        try (Stream<Path> s = Files.list(DatabaseLayout.tableDir(dir))) {
            table = s.sorted().findFirst().orElseThrow();
        }
        // The first data block starts right after the 32-byte header.
        TestFiles.flip(table, 40);

        CheckReport r = DatabaseChecker.check(dir);

        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).hasSize(1);
        Problem p = r.problems().get(0);
        assertThat(p.file()).isEqualTo(table);
        assertThat(p.offset()).isEqualTo(32);
        assertThat(p.message()).isEqualTo("block checksum mismatch");
        assertThat(p.columnFamily()).as("the manifest puts the table in the default family").isEqualTo("default");
        assertThat(p.toString()).isEqualTo(table + " at offset 32 (column family 'default'): block checksum mismatch");
        assertThat(r.tables()).isEqualTo(clean.tables());
        assertThat(r.dataBlocks()).isEqualTo(clean.dataBlocks() - 1);
    }

    /**
     * Tables of two families: damage in one is reported with that family's name, a table the
     * manifest does not name has none, and a missing table is the manifest's problem, still
     * naming the family that lost it.
     */
    @Test
    void damageInATableNamesItsColumnFamily() throws IOException {
        Path dir = tmp.resolve("db");
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            db.put("a".getBytes(), "1".getBytes());
            db.getOrCreateColumnFamily("users").put("u".getBytes(), "2".getBytes());
            db.flush();
        }
        DatabaseInventory inv = DatabaseInventory.read(dir, LocalStorage.INSTANCE);
        assertThat(inv.tables()).extracting(DatabaseInventory.Table::columnFamily).containsExactly("default", "users");
        Path users = DatabaseLayout.tablePath(dir, inv.tables().get(1).meta().fileNumber());
        TestFiles.flip(users, 40);

        CheckReport r = DatabaseChecker.check(dir);

        assertThat(r.problems()).hasSize(1);
        assertThat(r.problems().get(0).file()).isEqualTo(users);
        assertThat(r.problems().get(0).columnFamily()).isEqualTo("users");
        assertThat(r.problems().get(0).toString()).contains("(column family 'users')");

        TestFiles.flip(users, 40);
        Files.delete(users);
        Path orphan = DatabaseLayout.tablePath(dir, 999_999);
        Files.write(orphan, new byte[]{1, 2, 3});
        CheckReport missing = DatabaseChecker.check(dir);
        assertThat(missing.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve(Manifest.FILE));
            assertThat(p.columnFamily()).isEqualTo("users");
        });
        assertThat(missing.notes()).singleElement().satisfies(n -> {
            assertThat(n.file()).isEqualTo(orphan);
            assertThat(n.columnFamily()).as("the manifest does not name it").isNull();
        });
    }

    @Test
    void aDamagedManifestIsReportedAndEveryTableIsStillChecked() throws IOException {
        Path dir = buildGolden(tmp.resolve("db"));
        CheckReport clean = DatabaseChecker.check(dir);
        TestFiles.flip(dir.resolve(Manifest.FILE), 20);

        CheckReport r = DatabaseChecker.check(dir);

        assertThat(r.problems()).extracting(Problem::file).containsExactly(dir.resolve(Manifest.FILE));
        assertThat(r.tables()).isEqualTo(clean.tables());
        assertThat(r.walRecords()).isEqualTo(clean.walRecords());
    }

    @Test
    void aMissingTableIsAProblemOfTheManifest() throws IOException {
        Path dir = buildGolden(tmp.resolve("db"));
        Path table;
        try (Stream<Path> s = Files.list(DatabaseLayout.tableDir(dir))) {
            table = s.sorted().findFirst().orElseThrow();
        }
        Files.delete(table);

        CheckReport r = DatabaseChecker.check(dir);

        assertThat(r.problems()).hasSize(1);
        assertThat(r.problems().get(0).file()).isEqualTo(dir.resolve(Manifest.FILE));
        assertThat(r.problems().get(0).offset()).isEqualTo(Problem.WHOLE_FILE);
        assertThat(r.problems().get(0).message()).contains(table.getFileName().toString()).contains("does not exist");
    }

    @Test
    void leftoverFilesAreNotesNotDamage() throws IOException {
        Path dir = buildGolden(tmp.resolve("db"));
        Path orphan = DatabaseLayout.tablePath(dir, 999_999);
        Files.write(orphan, new byte[]{1, 2, 3});
        Files.write(dir.resolve(Manifest.TEMP), new byte[]{1});
        Files.write(DatabaseLayout.walDir(dir).resolve("notes.txt"), new byte[]{1});
        Files.write(DatabaseLayout.tableDir(dir).resolve("junk"), new byte[]{1});

        CheckReport r = DatabaseChecker.check(dir);

        assertThat(r.ok()).isTrue();
        assertThat(r.notes()).extracting(Problem::file).containsExactlyInAnyOrder(orphan, dir.resolve(Manifest.TEMP),
                DatabaseLayout.walDir(dir).resolve("notes.txt"), DatabaseLayout.tableDir(dir).resolve("junk"));
    }

    @Test
    void aTornTailOfTheNewestSegmentIsANoteAndMissingSegmentsAreAProblem() throws IOException {
        Path dir = tmp.resolve("wal-only");
        // No flush: every record stays in the WAL, spread over several 64 KiB segments.
        StrataOptions o = StrataOptions.defaults().walSegmentSize(64 << 10).memtableSize(64L << 20);
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            byte[] v = new byte[1000];
            for (int i = 0; i < 300; i++) {
                db.put(String.format("k%05d", i).getBytes(), v);
            }
        }
        List<Long> segments = DatabaseLayout.listSegments(LocalStorage.INSTANCE, dir, null);
        assertThat(segments.size()).isGreaterThanOrEqualTo(4);
        CheckReport clean = DatabaseChecker.check(dir);
        assertThat(clean.ok()).isTrue();
        assertThat(clean.walRecords()).isEqualTo(300);

        Path newest = DatabaseLayout.segmentPath(dir, segments.get(segments.size() - 1));
        Files.write(newest, new byte[]{9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9},
                java.nio.file.StandardOpenOption.APPEND);
        CheckReport torn = DatabaseChecker.check(dir);
        assertThat(torn.ok()).isTrue();
        assertThat(torn.notes()).hasSize(1);
        assertThat(torn.notes().get(0).file()).isEqualTo(newest);
        assertThat(torn.notes().get(0).message()).contains("torn tail");

        Path middle = DatabaseLayout.segmentPath(dir, segments.get(1));
        Files.delete(middle);
        CheckReport gap = DatabaseChecker.check(dir);
        assertThat(gap.problems()).hasSize(1);
        Problem p = gap.problems().get(0);
        assertThat(p.file()).isEqualTo(DatabaseLayout.segmentPath(dir, segments.get(2)));
        assertThat(p.offset()).isEqualTo(24);
        assertThat(p.message()).contains("records are missing");
    }

    @Test
    void aMissingOrForeignDirectoryIsAnInvalidArgument() throws IOException {
        assertThatThrownBy(() -> DatabaseChecker.check(tmp.resolve("nope")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no such directory");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> DatabaseChecker.check(tmp.resolve("empty")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no Strata database");
    }

    /** The writer flushes and compacts (deleting files) while checks run: each sees a sound database. */
    @Test
    void checksBesideARunningWriterSeeASoundDatabase() throws Exception {
        Path dir = tmp.resolve("live");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            db.put("seed".getBytes(), "x".getBytes());
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        db.put(String.format("k%06d", i % 5000).getBytes(), ("v" + i).getBytes());
                        if (i % 200 == 199) {
                            db.flush();
                        }
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            });
            writer.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            int checks = 0;
            long sawTables = 0;
            try {
                while (System.nanoTime() < deadline || checks < 5) {
                    CheckReport r = DatabaseChecker.check(dir);
                    assertThat(r.problems()).as("check %d beside the writer", checks).isEmpty();
                    sawTables = Math.max(sawTables, r.tables());
                    checks++;
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(writerFailure.get()).isNull();
            assertThat(sawTables).isPositive();
        }
        assertThat(DatabaseChecker.check(dir).ok()).isTrue();
    }

    @Test
    void inventoryListsTablesWithTheirPropertiesAndSegmentsWithTheirHeaders() {
        Path dir = buildGolden(tmp.resolve("db"));

        DatabaseInventory inv = DatabaseInventory.read(dir, LocalStorage.INSTANCE);

        assertThat(inv.tables()).hasSize(DatabaseChecker.check(dir).tables());
        assertThat(inv.tables()).allSatisfy(t -> {
            assertThat(t.properties().entries()).isEqualTo(t.meta().entryCount());
            assertThat(Arrays.equals(t.properties().smallestKey(), t.meta().smallestKey())).isTrue();
        });
        assertThat(inv.manifest().minFlushedSeqno()).isPositive();
        assertThat(inv.segments()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.header()).isNotNull();
            assertThat(s.header().segmentNumber()).isEqualTo(s.number());
            assertThat(s.logOnly()).isFalse();
        });
        assertThatThrownBy(() -> DatabaseInventory.read(tmp.resolve("nope"), LocalStorage.INSTANCE))
                .isInstanceOf(InvalidArgumentException.class);
    }
}
