package dev.strata.cli;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata shell} reading a script from its input: every line runs against the one open
 * database (its writes are visible to the next line), errors go to stderr and the session goes
 * on, history and recall work, abbreviations resolve, and the exit code is the last line's.
 */
class ShellTest {
    @TempDir
    Path tmp;

    @Test
    void aScriptRunsAgainstOneOpenDatabase() {
        Path db = Cli.fixture(tmp.resolve("db"));
        String script = String.join("\n",
                "# a comment, then a blank line",
                "",
                "put grape green",
                "get grape",
                "get 'apple'",
                "get nothing",
                "sc --prefix g",
                "put \"two words\" 'it''s'",
                "get \"two words\" --json",
                "count",
                "history",
                "!2",
                "remove grape",
                "scan --start 66 --format hex --keys-only",
                "get grape",
                "shell",
                "get 'unclosed",
                "stats --json --db " + tmp.resolve("other"),
                "exit",
                "put never run") + "\n";

        Cli.Run r = Cli.run(false, script, "--db", db.toString(), "shell");

        Cli.assertGolden("shell/script", Cli.masked(r.out(), db));
        Cli.assertGolden("shell/script-stderr", Cli.masked(r.err(), db).replace(tmp.toString(), "$TMP"));
        assertThat(r.exitCode()).as("the last command run (the --db mismatch) was a usage error").isEqualTo(ExitCode.USAGE);
        try (StrataDatabase d = StrataDatabase.open(db, StrataOptions.defaults().readOnly(true))) {
            assertThat(d.get(Cli.b("two words"))).isEqualTo(Cli.b("its"));
            assertThat(d.get(Cli.b("grape"))).isNull();
            assertThat(d.get(Cli.b("never run"))).isNull();
        }
    }

    @Test
    void aScriptManagesColumnFamiliesAndUsePicksTheFamilyOfLaterLines() {
        Path db = Cli.fixture(tmp.resolve("db"));
        String script = String.join("\n",
                "columns create users",
                "put -c users alice admin",
                "use users",
                "put bob dev",
                "get bob",
                "get -c default bob",
                "use",
                "scan",
                "count --estimate",
                "columns list",
                "use nope",
                "use users extra",
                "columns drop users",
                "columns drop users --yes",
                "get bob",
                "use") + "\n";

        Cli.Run r = Cli.run(false, script, "--db", db.toString(), "shell");

        Cli.assertGolden("shell/families", Cli.masked(r.out(), db));
        Cli.assertGolden("shell/families-stderr", Cli.masked(r.err(), db));
        assertThat(r.exitCode()).isZero();
        try (StrataDatabase d = StrataDatabase.open(db, StrataOptions.defaults().readOnly(true))) {
            assertThat(d.columnFamilies()).containsExactly("default");
            assertThat(d.get(Cli.b("bob"))).as("bob went to users, never to default").isNull();
        }
    }

    @Test
    void onATerminalThePromptShowsTheFamilyAndDropAsksOnTheNextLine() {
        Path db = Cli.familyFixture(tmp.resolve("db"));
        Cli.Run r = Cli.run(true, "get alice\ncolumns drop users\nyes\nget apple\n", "--db", db.toString(),
                "shell", "-c", "users");
        assertThat(r.exitCode()).isZero();
        assertThat(Cli.masked(r.out(), db)).isEqualTo("strata shell on $DB. 'help' lists the commands, 'use NAME' "
                + "picks a column family, 'history' the lines so far, 'exit' leaves.\n"
                + "strata:users> admin\n"
                + "strata:users> OK, dropped column family 'users' (id 1), seqno 11\n"
                + "strata> red\n"
                + "strata> ");
        assertThat(r.err()).startsWith("Drop column family 'users' (id 1: 1 table, ")
                .endsWith("Every key in it is deleted. [y/N] strata: column family 'users' is gone; lines use 'default' again\n");

        Cli.Run missing = Cli.run(false, "get apple\n", "--db", db.toString(), "shell", "-c", "nope");
        assertThat(missing.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).contains("no column family named 'nope'");
    }

    @Test
    void endOfInputEndsTheShellWithTheLastExitCode() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.Run ok = Cli.run(false, "get apple\n", "--db", db.toString(), "shell");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).isEqualTo("red\n");
        Cli.Run missing = Cli.run(false, "get apple\nget banana", "--db", db.toString(), "shell");
        assertThat(missing.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(missing.err()).isEqualTo("strata: key not found: banana\n");
    }

    @Test
    void aReadOnlyShellReadsBesideAWriterAndRefusesWrites() {
        Path db = Cli.fixture(tmp.resolve("db"));
        try (StrataDatabase holder = StrataDatabase.open(db, StrataOptions.defaults())) {
            holder.put(Cli.b("live"), Cli.b("yes"));
            Cli.Run r = Cli.run(false, "get live\nput k v\ncount\n", "--db", db.toString(), "--read-only", "shell");
            assertThat(r.out()).isEqualTo("yes\n7\n");
            assertThat(r.err()).isEqualTo("strata: this shell opened " + db + " read-only; put writes "
                    + "(start the shell without --read-only)\n");
            assertThat(r.exitCode()).isZero();
        }
    }

    @Test
    void onATerminalTheShellGreetsAndPrompts() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.Run r = Cli.run(true, "get apple\n", "--db", db.toString(), "shell");
        assertThat(Cli.masked(r.out(), db)).isEqualTo("strata shell on $DB. 'help' lists the commands, 'use NAME' "
                + "picks a column family, 'history' the lines so far, 'exit' leaves.\nstrata> red\nstrata> ");
    }

    @Test
    void helpInTheShellListsTheCommands() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.Run r = Cli.run(false, "help\n", "--db", db.toString(), "shell");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: strata").contains("scan").contains("verify").contains("Exit codes:");
    }
}
