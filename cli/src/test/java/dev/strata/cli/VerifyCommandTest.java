package dev.strata.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata verify} on a sound database (exit 0) and on one with a flipped byte in a table
 * (exit 4, the file and offset on stdout, a summary on stderr), as text and JSON; and the other
 * commands on the damaged database report corruption with exit code 4.
 */
class VerifyCommandTest {
    @TempDir
    Path tmp;

    private static Path firstTable(Path db) throws IOException {
        try (Stream<Path> s = Files.list(db.resolve("sst"))) {
            return s.sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void aSoundDatabaseVerifies() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.Run r = Cli.run("--db", db.toString(), "verify");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        Cli.assertGolden("verify/sound", r.out());
        Cli.Run json = Cli.run("--db", db.toString(), "verify", "--json");
        assertThat(json.exitCode()).isZero();
        Cli.assertGolden("verify/sound-json", json.out());
    }

    @Test
    void aFlippedByteInATableIsReportedWithFileAndOffsetAndExitCodeFour() throws IOException {
        Path db = Cli.fixture(tmp.resolve("db"));
        Path table = firstTable(db);
        Cli.flip(table, 40); // inside the first data block, which starts after the 32-byte header

        Cli.Run r = Cli.run("--db", db.toString(), "verify");
        assertThat(r.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        Cli.assertGolden("verify/flipped-table", r.out());
        assertThat(r.err()).isEqualTo("strata: verify found 1 problem in " + db + "\n");

        Cli.Run json = Cli.run("--db", db.toString(), "--json", "verify");
        assertThat(json.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        Cli.assertGolden("verify/flipped-table-json", json.out());

        // Reading the damaged block is corruption too, named with file and offset, exit code 4.
        Cli.Run scan = Cli.run("--db", db.toString(), "scan");
        assertThat(scan.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        assertThat(scan.err()).startsWith("strata: ERR_CORRUPTION: block checksum mismatch in " + table + " at offset 32");
    }

    /** The manifest says which family a table is in, so the damage line names it. */
    @Test
    void damageInAFamilysTableNamesTheFamily() throws IOException {
        Path db = Cli.familyFixture(tmp.resolve("db"));
        Path usersTable;
        try (Stream<Path> s = Files.list(db.resolve("sst"))) {
            usersTable = s.sorted().skip(1).findFirst().orElseThrow(); // the flush wrote default's table first
        }
        Cli.flip(usersTable, 40);

        Cli.Run r = Cli.run("--db", db.toString(), "verify");
        assertThat(r.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        Cli.assertGolden("verify/flipped-family-table", r.out());
        Cli.Run json = Cli.run("--db", db.toString(), "verify", "--json");
        assertThat(json.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        Cli.assertGolden("verify/flipped-family-table-json", json.out());

        Cli.Run otherFamily = Cli.run("--db", db.toString(), "scan");
        assertThat(otherFamily.exitCode()).as("the default family's table is sound").isZero();
        Cli.Run damagedFamily = Cli.run("--db", db.toString(), "scan", "-c", "users");
        assertThat(damagedFamily.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        assertThat(damagedFamily.err()).startsWith("strata: ERR_CORRUPTION: block checksum mismatch in " + usersTable);
    }

    @Test
    void aDamagedManifestFailsEveryOpenWithExitCodeFour() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.flip(db.resolve("MANIFEST"), 12);
        for (String[] args : new String[][]{{"get", "apple"}, {"properties"}, {"put", "k", "v"}, {"verify"}}) {
            Cli.Run r = Cli.run(Cli.withDb(db, args));
            assertThat(r.exitCode()).as("%s", (Object) args).isEqualTo(ExitCode.CORRUPTION);
            assertThat(r.err() + r.out()).as("%s", (Object) args).contains("MANIFEST");
        }
    }

    @Test
    void progressIsShownOnlyToATerminal() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.Run watched = Cli.run(true, "", "--db", db.toString(), "verify");
        assertThat(watched.exitCode()).isZero();
        assertThat(watched.err()).contains("\rverifying 1/").contains("MANIFEST").contains("sst/").contains("wal/");
        Cli.Run piped = Cli.run(false, "", "--db", db.toString(), "verify");
        assertThat(piped.err()).isEmpty();
        assertThat(watched.out()).isEqualTo(piped.out());
    }
}
