package dev.strata.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Help on every command, the version, completion scripts, and usage errors (exit code 2). */
class UsageTest {
    private static final List<String> COMMANDS = List.of("get", "put", "remove", "scan", "count", "columns",
            "columns list", "columns create", "columns drop", "stats", "properties", "flush", "compact", "verify",
            "repair", "checkpoint", "backup", "backup create", "backup list", "backup verify", "backup delete",
            "backup purge", "backup restore", "shell", "generate-completion");

    @Test
    void everyCommandHasHelp() {
        for (String c : COMMANDS) {
            List<String> words = new java.util.ArrayList<>(List.of(c.split(" ")));
            words.add("--help");
            Cli.Run r = Cli.run(words.toArray(new String[0]));
            assertThat(r.exitCode()).as(c).isZero();
            assertThat(r.err()).as(c).isEmpty();
            assertThat(r.out()).as(c).startsWith("Usage: strata " + c).contains("--help");
            if (!c.contains(" ")) {
                Cli.Run viaHelp = Cli.run("help", c);
                assertThat(viaHelp.out()).as("help %s", c).isEqualTo(r.out());
            }
        }
        for (String c : List.of("get", "put", "remove", "scan", "count", "compact", "stats", "shell")) {
            assertThat(Cli.run(c, "--help").out()).as("%s takes a column family", c).contains("-c, --column-family=NAME");
        }
        assertThat(Cli.run("columns", "--help").out()).contains("list").contains("create").contains("drop");
        assertThat(Cli.run("columns", "drop", "--help").out()).contains("-y, --yes");
        assertThat(Cli.run("repair", "--help").out()).contains("-y, --yes").contains("--dry-run");
        assertThat(Cli.run("backup", "restore", "--help").out()).contains("-y, --yes").contains("--seqno=N")
                .contains("--timestamp=TIME").contains("--to=DB_DIR");
        assertThat(Cli.run("backup", "create", "--help").out()).contains("--meta=KEY=VALUE").contains("--no-wal")
                .contains("--no-flush");
        Cli.Run root = Cli.run("--help");
        assertThat(root.exitCode()).isZero();
        Cli.assertGolden("usage/root-help", root.out());
    }

    @Test
    void versionNamesTheToolAndItsFormats() {
        Cli.Run r = Cli.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("strata " + VersionInfo.version() + "\nformats: WAL 1, table 1, manifest 2\nJava ");
        assertThat(VersionInfo.version()).as("filled in by the build").matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(Cli.run("get", "--version").out()).isEqualTo(r.out());
    }

    @Test
    void completionScriptCoversTheCommands() {
        Cli.Run r = Cli.run("generate-completion");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("complete -F").contains("_picocli_strata");
        for (String c : COMMANDS) {
            assertThat(r.out()).as(c).contains(c);
        }
        assertThat(r.out()).contains("--start-exclusive").contains("--keys-only").contains("--column-family")
                .contains("columns").contains("create").contains("drop").contains("--timestamp").contains("--keep");
    }

    @Test
    void usageErrorsExitWithTwoAndExplainOnStderr() {
        for (List<String> bad : List.of(List.<String>of(), List.of("bogus"), List.of("scan", "--bogus"),
                List.of("--format", "rot13", "get", "k"), List.of("get", "k", "--db"))) {
            Cli.Run r = Cli.run(bad.toArray(new String[0]));
            assertThat(r.exitCode()).as("%s", bad).isEqualTo(ExitCode.USAGE);
            assertThat(r.out()).as("%s", bad).isEmpty();
            assertThat(r.err()).as("%s", bad).startsWith("strata: ");
        }
        assertThat(Cli.run("scan", "--bogus").err()).contains("Try 'strata scan --help'");
    }
}
