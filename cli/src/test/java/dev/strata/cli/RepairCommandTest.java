package dev.strata.cli;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.wal.SegmentReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata repair} on real damaged databases (a flipped byte in a table, a manifest cut in
 * half, a table the manifest names deleted, a damaged WAL record): the plan and the result as
 * golden text and JSON, the confirmation (asked on a terminal, --yes otherwise, nothing changed
 * when declined), what the repaired database holds, that {@code verify} passes after, that what
 * was taken out is in {@code lost/1/}; and the refusals: a database open elsewhere (5), --read-only
 * and the shell (2), no database (3).
 */
class RepairCommandTest {
    @TempDir
    Path tmp;

    private static Cli.Run cli(Path db, String... args) {
        return Cli.run(Cli.withDb(db, args));
    }

    private static Path table(Path db, int index) throws IOException {
        try (Stream<Path> s = Files.list(db.resolve("sst"))) {
            return s.sorted().toList().get(index);
        }
    }

    private static String scan(Path db) {
        Cli.Run r = cli(db, "scan");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

    /**
     * The fixture with everything flushed after a reopen: two tables (commits 1-4 and 5-9) and a
     * WAL that no longer holds them, so a lost table's commits cannot be replayed.
     */
    private static Path flushedFixture(Path dir) {
        Cli.fixture(dir);
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults())) {
            db.flush();
        }
        return dir;
    }

    private static void assertVerifies(Path db) {
        Cli.Run verify = cli(db, "verify");
        assertThat(verify.exitCode()).as(verify.out()).isZero();
    }

    @Test
    void aSoundDatabaseHasNothingToRepair() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Map<Path, byte[]> before = Cli.contents(db);
        Cli.Run text = cli(db, "repair");
        assertThat(text.exitCode()).isZero();
        assertThat(text.err()).as("no question when there is nothing to do").isEmpty();
        Cli.assertGolden("repair/sound", Cli.masked(text.out(), db));
        Cli.Run json = cli(db, "repair", "--json");
        assertThat(json.exitCode()).isZero();
        Cli.assertGolden("repair/sound-json", Cli.masked(json.out(), db));
        Cli.assertSameContents(before, Cli.contents(db));
    }

    @Test
    void aFlippedByteInATableLosesThatTableAfterTheOperatorSaysSo() throws IOException {
        Path db = flushedFixture(tmp.resolve("db"));
        Path damaged = table(db, 0);
        Cli.flip(damaged, 40);
        Map<Path, byte[]> before = Cli.contents(db);

        Cli.Run piped = cli(db, "repair");
        assertThat(piped.exitCode()).isEqualTo(ExitCode.USAGE);
        Cli.assertGolden("repair/flipped-table-plan", Cli.masked(piped.out(), db));
        Cli.Run dryRun = cli(db, "repair", "--dry-run");
        assertThat(dryRun.exitCode()).as("damage found, as verify would say").isEqualTo(ExitCode.CORRUPTION);
        assertThat(dryRun.out()).isEqualTo(piped.out());
        assertThat(dryRun.err()).isEmpty();
        Cli.Run dryRunJson = cli(db, "repair", "--dry-run", "--json");
        assertThat(dryRunJson.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        Cli.assertGolden("repair/flipped-table-dry-run-json", Cli.masked(dryRunJson.out(), db));
        assertThat(piped.err()).isEqualTo("strata: repair asks for confirmation and there is no terminal to answer it; "
                + "add --yes to go ahead without asking\n");
        Cli.Run declined = Cli.run(true, "no\n", Cli.withDb(db, "repair"));
        assertThat(declined.exitCode()).isEqualTo(ExitCode.DECLINED);
        assertThat(declined.out()).isEqualTo(piped.out());
        assertThat(Cli.masked(declined.err(), db)).endsWith("Repair $DB? What goes to lost/1/ is no longer part of the "
                + "database. [y/N] strata: repair: not confirmed; nothing was changed\n");
        Cli.assertSameContents(before, Cli.contents(db));

        Cli.Run repaired = cli(db, "repair", "--yes");
        assertThat(repaired.exitCode()).as(repaired.err()).isZero();
        assertThat(repaired.err()).isEmpty();
        Cli.assertGolden("repair/flipped-table", Cli.masked(repaired.out(), db));
        assertVerifies(db);
        Cli.assertGolden("repair/flipped-table-scan", scan(db));
        assertThat(db.resolve("lost/1/sst").resolve(damaged.getFileName())).hasBinaryContent(before.get(damaged));

        Path other = flushedFixture(tmp.resolve("other"));
        Cli.flip(table(other, 0), 40);
        Cli.Run json = Cli.run(true, "y\n", Cli.withDb(other, "repair", "--json"));
        assertThat(json.exitCode()).isZero();
        Cli.assertGolden("repair/flipped-table-json", Cli.masked(json.out(), other));
        assertThat(json.err()).as("the question and the progress, on stderr").contains("\rreading 1/").contains("[y/N] ");
        assertThat(scan(other)).isEqualTo(scan(db));
    }

    /** In the fixture the table's commits are still in the WAL: the repair replays them and nothing is lost. */
    @Test
    void aLostTableWhoseCommitsTheWalHoldsIsReplayed() throws IOException {
        Path db = Cli.fixture(tmp.resolve("db"));
        String before = scan(db);
        Cli.flip(table(db, 0), 40);
        Cli.Run r = cli(db, "repair", "--yes");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Cli.assertGolden("repair/flipped-table-replayed", Cli.masked(r.out(), db));
        assertVerifies(db);
        assertThat(scan(db)).isEqualTo(before);
    }

    @Test
    void aManifestCutInHalfIsRebuiltAndNothingIsLost() throws IOException {
        Path db = Cli.fixture(tmp.resolve("db"));
        String before = scan(db);
        Path manifest = db.resolve("MANIFEST");
        try (RandomAccessFile f = new RandomAccessFile(manifest.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        assertThat(cli(db, "scan").exitCode()).isEqualTo(ExitCode.CORRUPTION);
        Cli.Run r = cli(db, "repair", "-y");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Cli.assertGolden("repair/cut-manifest", Cli.masked(r.out(), db));
        assertVerifies(db);
        assertThat(scan(db)).isEqualTo(before);
        assertThat(db.resolve("lost/1/MANIFEST")).exists();
    }

    @Test
    void aDeletedTableIsReportedLost() throws IOException {
        Path db = flushedFixture(tmp.resolve("db"));
        Files.delete(table(db, 0));
        Cli.Run r = cli(db, "repair", "--yes");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Cli.assertGolden("repair/deleted-table", Cli.masked(r.out(), db));
        assertVerifies(db);
        // The same loss as a damaged first table: its commits are gone, the WAL's are there.
        Cli.assertGolden("repair/flipped-table-scan", scan(db));
    }

    @Test
    void aDamagedWalRecordKeepsTheCommitsBeforeIt() throws IOException {
        Path db = Cli.fixture(tmp.resolve("db"));
        Path segment;
        try (Stream<Path> s = Files.list(db.resolve("wal"))) {
            segment = s.sorted().findFirst().orElseThrow();
        }
        long fig;
        try (SegmentReader r = SegmentReader.open(LocalStorage.INSTANCE, segment, false)) {
            do {
                assertThat(r.next()).isTrue();
            } while (r.expectedSeqno() - 1 < 7);
            fig = r.recordOffset(); // seqno 7 puts fig; 1 to 4 are also in the table
        }
        Cli.flip(segment, fig + 20);
        Cli.Run json = cli(db, "repair", "--yes", "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        Cli.assertGolden("repair/damaged-wal-json", Cli.masked(json.out(), db));
        assertVerifies(db);
        Cli.assertGolden("repair/damaged-wal-scan", scan(db));
        try (StrataDatabase d = StrataDatabase.open(db, StrataOptions.defaults().readOnly(true))) {
            assertThat(d.latestSeqno()).as("commits 1 to 6").isEqualTo(6);
        }
    }

    @Test
    void refusals() throws IOException {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.flip(table(db, 0), 40);
        try (StrataDatabase holder = openWithoutChecks(db)) {
            Cli.Run locked = cli(db, "repair", "--yes");
            assertThat(locked.exitCode()).isEqualTo(ExitCode.LOCKED);
            assertThat(locked.out()).isEmpty();
            assertThat(Cli.masked(locked.err(), db)).startsWith("strata: cannot repair: $DB is locked by another process");
        }
        Map<Path, byte[]> before = Cli.contents(db);
        Cli.Run readOnly = cli(db, "--read-only", "repair", "--yes");
        assertThat(readOnly.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(readOnly.err()).isEqualTo("strata: repair changes the database's files; it cannot run with --read-only\n");
        Cli.Run missing = Cli.run("--db", tmp.resolve("none").toString(), "repair", "--yes");
        assertThat(missing.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        Cli.Run foreign = Cli.run("--db", tmp.toString(), "repair", "--yes");
        assertThat(foreign.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        Cli.assertSameContents(before, Cli.contents(db));

        Path sound = Cli.fixture(tmp.resolve("sound"));
        Cli.Run shell = Cli.run(false, "repair --yes\nget apple\n", "--db", sound.toString(), "shell");
        assertThat(shell.out()).isEqualTo("red\n");
        assertThat(shell.err()).isEqualTo("strata: repair needs the database closed, and this shell holds it open; "
                + "leave the shell ('exit') and run 'strata repair'\n");
    }

    /** A writable open of a database with a damaged table: the damage is met only when the table is read. */
    private static StrataDatabase openWithoutChecks(Path db) {
        return StrataDatabase.open(db, StrataOptions.defaults());
    }

    @Test
    void everyCaseLeavesTheLostFilesUntouchedAcrossASecondRepair() throws IOException {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.flip(table(db, 0), 40);
        assertThat(cli(db, "repair", "--yes").exitCode()).isZero();
        List<Path> lost;
        try (Stream<Path> s = Files.walk(db.resolve("lost"))) {
            lost = s.filter(Files::isRegularFile).toList();
        }
        Cli.flip(table(db, 0), 40);
        Cli.Run second = cli(db, "repair", "--yes");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).contains("lost/2/sst/");
        for (Path p : lost) {
            assertThat(p).exists();
        }
        assertVerifies(db);
    }
}
