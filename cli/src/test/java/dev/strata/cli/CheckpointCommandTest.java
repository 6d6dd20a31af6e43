package dev.strata.cli;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata checkpoint DIR}: golden output (text, JSON), the copy opens and holds what the
 * database held, and the refusals: a directory that is not empty or is a file (exit 2, nothing
 * written), a target inside the database (exit 2), --read-only (exit 2), a database open elsewhere
 * (exit 5), no database (exit 3).
 */
class CheckpointCommandTest {
    @TempDir
    Path tmp;

    private static String scan(Path db) {
        Cli.Run r = Cli.run("--db", db.toString(), "scan", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

    @Test
    void aCheckpointIsAnOpenableCopyAtOneCommit() throws IOException {
        Path db = Cli.fixture(tmp.resolve("db"));
        String before = scan(db);
        Path cp = tmp.resolve("cp");

        Cli.Run text = Cli.run("--db", db.toString(), "checkpoint", cp.toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.err()).isEmpty();
        Cli.assertGolden("checkpoint/text", Cli.maskedTmp(text.out(), tmp));
        assertThat(scan(cp)).isEqualTo(before);
        try (StrataDatabase copy = StrataDatabase.open(cp, StrataOptions.defaults())) {
            assertThat(copy.latestSeqno()).isEqualTo(9);
            copy.put(Cli.b("only-in-the-copy"), Cli.b("x"));
        }
        assertThat(scan(db)).as("the copy is independent").isEqualTo(before);

        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        Cli.Run json = Cli.run("--db", db.toString(), "--json", "checkpoint", empty.toString());
        assertThat(json.exitCode()).as("an empty directory will do").isZero();
        Cli.assertGolden("checkpoint/json", Cli.maskedTmp(json.out(), tmp));
        assertThat(scan(empty)).isEqualTo(before);
    }

    @Test
    void refusalsHaveTheirExitCodes() throws IOException {
        Path db = Cli.fixture(tmp.resolve("db"));
        Path cp = tmp.resolve("cp");
        Files.createDirectories(cp);
        Files.writeString(cp.resolve("keep.txt"), "mine");
        Files.writeString(tmp.resolve("file"), "a file");

        Cli.Run notEmpty = Cli.run("--db", db.toString(), "checkpoint", cp.toString());
        assertThat(notEmpty.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(Cli.maskedTmp(notEmpty.err(), tmp)).isEqualTo("strata: $TMP/cp is not empty; a checkpoint needs a new or "
                + "empty directory\n");
        assertThat(cp.resolve("keep.txt")).hasContent("mine");
        Cli.Run file = Cli.run("--db", db.toString(), "checkpoint", tmp.resolve("file").toString());
        assertThat(file.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(file.err()).contains("is a file");
        Cli.Run inside = Cli.run("--db", db.toString(), "checkpoint", db.resolve("cp").toString());
        assertThat(inside.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(inside.err()).contains("would be inside the database");
        Cli.Run readOnly = Cli.run("--db", db.toString(), "--read-only", "checkpoint", tmp.resolve("x").toString());
        assertThat(readOnly.exitCode()).isEqualTo(ExitCode.USAGE);
        Cli.Run missing = Cli.run("--db", tmp.resolve("none").toString(), "checkpoint", tmp.resolve("x").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        try (StrataDatabase holder = StrataDatabase.open(db, StrataOptions.defaults())) {
            Cli.Run locked = Cli.run("--db", db.toString(), "checkpoint", tmp.resolve("x").toString());
            assertThat(locked.exitCode()).isEqualTo(ExitCode.LOCKED);
            assertThat(locked.err()).contains("cannot checkpoint: ").contains("is locked by another process");
        }
        assertThat(tmp.resolve("x")).doesNotExist();
        for (Cli.Run r : new Cli.Run[]{notEmpty, file, inside, readOnly, missing}) {
            assertThat(r.out()).isEmpty();
        }
    }
}
