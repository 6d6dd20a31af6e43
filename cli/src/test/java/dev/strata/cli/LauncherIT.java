package dev.strata.cli;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: the {@code strata} launcher script at the repository root runs the built
 * {@code cli/target/strata.jar} as a separate process (run by failsafe after {@code package}).
 * Exit codes, stdout and stderr are those of the real process; the lock test holds the database
 * open in this JVM, so the tool meets a writer in another process.
 */
class LauncherIT {
    @TempDir
    Path tmp;

    static Path launcher;

    record Proc(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void findLauncher() {
        launcher = Path.of(System.getProperty("strata.cli.launcher", "../strata"));
        assertThat(launcher).as("the launcher script").isExecutable();
        assertThat(Path.of(System.getProperty("strata.cli.jar", "target/strata.jar"))).as("the built jar").isRegularFile();
    }

    private Proc strata(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STRATA_JAR", System.getProperty("strata.cli.jar", "target/strata.jar"));
        pb.environment().remove("STRATA_DB");
        File out = tmp.resolve("out.txt").toFile();
        File err = tmp.resolve("err.txt").toFile();
        pb.redirectOutput(out).redirectError(err);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("strata %s finished", String.join(" ", args)).isTrue();
        return new Proc(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }

    @Test
    void theLauncherRunsTheToolAsAProcess() throws Exception {
        String db = tmp.resolve("db").toString();

        Proc version = strata("", "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("strata ");

        Proc put = strata("", "--db", db, "--create-if-missing", "put", "apple", "red");
        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(put.out()).isEqualTo("OK, seqno 1\n");
        assertThat(put.err()).isEmpty();

        Proc get = strata("", "get", "apple", "--db", db);
        assertThat(get.exitCode()).isZero();
        assertThat(get.out()).isEqualTo("red\n");

        Proc missing = strata("", "--db", db, "get", "pear");
        assertThat(missing.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).isEqualTo("strata: key not found: pear\n");

        Proc shell = strata("put pear green\nflush\nscan --json\n", "--db", db, "shell");
        assertThat(shell.exitCode()).as(shell.err()).isZero();
        assertThat(shell.out()).as("no prompts when piped").endsWith(
                "{\"key\":\"YXBwbGU=\",\"value\":\"cmVk\"}\n{\"key\":\"cGVhcg==\",\"value\":\"Z3JlZW4=\"}\n");

        Proc verify = strata("", "--db", db, "verify");
        assertThat(verify.exitCode()).as(verify.out()).isZero();
        assertThat(verify.err()).as("no progress when piped").isEmpty();

        Proc usage = strata("", "--db", db, "scan", "--limit");
        assertThat(usage.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(usage.out()).isEmpty();
    }

    @Test
    void columnFamiliesAsAProcessSeesThem() throws Exception {
        String db = tmp.resolve("db").toString();

        Proc create = strata("", "--db", db, "--create-if-missing", "columns", "create", "users");
        assertThat(create.exitCode()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("OK, created column family 'users' (id 1), seqno 1\n");

        Proc shell = strata("put -c users alice admin\nuse users\nget alice\ncolumns list --json\n", "--db", db, "shell");
        assertThat(shell.exitCode()).as(shell.err()).isZero();
        assertThat(shell.out()).isEqualTo("OK, seqno 2\nadmin\n{\"columnFamilies\":["
                + "{\"id\":0,\"name\":\"default\",\"tables\":0,\"bytes\":0,\"estimatedCount\":0},"
                + "{\"id\":1,\"name\":\"users\",\"tables\":0,\"bytes\":0,\"estimatedCount\":1}]}\n");

        Proc missing = strata("", "--db", db, "get", "-c", "nope", "alice");
        assertThat(missing.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).startsWith("strata: ERR_COLUMN_FAMILY_NOT_FOUND: no column family named 'nope'");

        Proc piped = strata("y\n", "--db", db, "columns", "drop", "users");
        assertThat(piped.exitCode()).as("stdin is not a terminal: a piped 'y' is no confirmation").isEqualTo(ExitCode.USAGE);
        assertThat(piped.err()).contains("add --yes");

        Proc drop = strata("", "--db", db, "columns", "drop", "users", "--yes", "--json");
        assertThat(drop.exitCode()).as(drop.err()).isZero();
        assertThat(drop.out()).isEqualTo("{\"id\":1,\"name\":\"users\",\"seqno\":3}\n");
    }

    @Test
    void aWriterInAnotherProcessLocksOutWritesButNotReads() throws Exception {
        Path db = tmp.resolve("db");
        try (StrataDatabase writer = StrataDatabase.open(db, StrataOptions.defaults())) {
            writer.put(Cli.b("k"), Cli.b("v"));
            Proc put = strata("", "--db", db.toString(), "put", "k", "other");
            assertThat(put.exitCode()).isEqualTo(ExitCode.LOCKED);
            assertThat(put.out()).isEmpty();
            assertThat(put.err()).contains("is locked by another process");

            Proc get = strata("", "--db", db.toString(), "get", "k");
            assertThat(get.exitCode()).isZero();
            assertThat(get.out()).isEqualTo("v\n");
        }
    }

    @Test
    void verifyOfADamagedTableExitsWithFour() throws Exception {
        Path db = Cli.fixture(tmp.resolve("db"));
        Path table;
        try (Stream<Path> s = Files.list(db.resolve("sst"))) {
            table = s.sorted().findFirst().orElseThrow();
        }
        Cli.flip(table, 40);
        Proc verify = strata("", "--db", db.toString(), "verify", "--json");
        assertThat(verify.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        assertThat(verify.out()).contains("\"offset\":32").contains("block checksum mismatch");
        assertThat(verify.err()).startsWith("strata: verify found 1 problem");
    }

    @Test
    void backupsCheckpointsAndRepairAsProcesses() throws Exception {
        Path db = Cli.fixture(tmp.resolve("db"));
        String bk = tmp.resolve("backups").toString();

        Proc create = strata("", "--db", db.toString(), "backup", "create", bk, "--meta", "by=launcher");
        assertThat(create.exitCode()).as(create.err()).isZero();
        assertThat(create.out()).startsWith("OK, backup 1 of seqno 9 in " + bk + ": copied ");
        assertThat(create.err()).as("no progress bar when piped").isEmpty();
        Proc list = strata("", "backup", "list", bk, "--json");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("\"id\":1,\"ok\":true").contains("\"seqno\":9").contains("\"metadata\":{\"by\":\"launcher\"}");
        Proc badId = strata("", "backup", "delete", bk, "7");
        assertThat(badId.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(badId.err()).startsWith("strata: no backup 7 in ");

        Path restored = tmp.resolve("restored");
        Proc restore = strata("", "backup", "restore", bk, "--to", restored.toString());
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        Proc get = strata("", "--db", restored.toString(), "get", "cherry");
        assertThat(get.out()).isEqualTo("red\n");

        Path cp = tmp.resolve("cp");
        Proc checkpoint = strata("", "--db", db.toString(), "checkpoint", cp.toString(), "--json");
        assertThat(checkpoint.exitCode()).as(checkpoint.err()).isZero();
        assertThat(checkpoint.out()).startsWith("{\"directory\":\"" + cp + "\",\"seqno\":9,");

        Path table;
        try (Stream<Path> s = Files.list(cp.resolve("sst"))) {
            table = s.sorted().findFirst().orElseThrow();
        }
        Files.copy(table, tmp.resolve("table-copy")); // the checkpoint linked it: damage a copy, not the database's
        Files.delete(table);
        Files.move(tmp.resolve("table-copy"), table);
        Cli.flip(table, 40);
        Proc unconfirmed = strata("y\n", "--db", cp.toString(), "repair");
        assertThat(unconfirmed.exitCode()).as("a piped answer is no confirmation").isEqualTo(ExitCode.USAGE);
        Proc repair = strata("", "--db", cp.toString(), "repair", "--yes");
        assertThat(repair.exitCode()).as(repair.err()).isZero();
        assertThat(repair.out()).contains("DAMAGE  sst/").contains("OK, repaired: latest seqno 9");
        assertThat(strata("", "--db", cp.toString(), "verify").exitCode()).isZero();
        assertThat(dev.strata.engine.check.DatabaseChecker.check(db).ok()).as("the database itself was not touched").isTrue();
    }

    @Test
    void withoutTheJarTheLauncherSaysHowToBuildIt() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--version");
        pb.environment().put("STRATA_JAR", tmp.resolve("absent.jar").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(ExitCode.INTERNAL);
        assertThat(text).contains("not found; build it with: mvn -B -pl cli -am package -DskipTests");
    }
}
