package dev.strata.cli;

import dev.strata.engine.CommitResult;
import dev.strata.engine.Durability;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.backup.BackupInfo;
import dev.strata.engine.backup.Backups;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata backup create|list|verify|delete|purge|restore} against real databases and
 * backup directories: golden output (text and JSON; the temporary directory and times masked),
 * what the commands did read back through the engine, exit codes for a missing directory, a
 * bad id, a damaged backup, a locked database, refusals of directories that hold other files,
 * point-in-time restores through the WAL archive, and progress bars only on a terminal.
 */
class BackupCommandsTest {
    @TempDir
    Path tmp;

    private Cli.Run cli(Path db, String... args) {
        return Cli.run(Cli.withDb(db, args));
    }

    private String masked(Cli.Run r) {
        return Cli.maskedTmp(r.out(), tmp);
    }

    /** The fixture and two backups of it: 1 with metadata, 2 after one more commit. */
    private Path twoBackups(Path db, Path bk) {
        Cli.fixture(db);
        assertThat(cli(db, "backup", "create", bk.toString(), "--meta", "env=prod", "--meta", "owner=ops").exitCode()).isZero();
        assertThat(cli(db, "put", "grape", "green").exitCode()).isZero();
        assertThat(cli(db, "backup", "create", bk.toString()).exitCode()).isZero();
        return bk;
    }

    private static String scan(Path db) {
        Cli.Run r = Cli.run("--db", db.toString(), "scan", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

    @Test
    void createListVerifyAndDeleteAsTextAndJson() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Path bk = tmp.resolve("backups");

        Cli.Run create = cli(db, "backup", "create", bk.toString(), "--meta", "env=prod", "--meta", "owner=ops");
        assertThat(create.exitCode()).as(create.err()).isZero();
        assertThat(create.err()).isEmpty();
        Cli.assertGolden("backup/create", masked(create));
        assertThat(cli(db, "put", "grape", "green").exitCode()).isZero();
        Cli.Run json = cli(db, "backup", "create", bk.toString(), "--json");
        assertThat(json.exitCode()).isZero();
        Cli.assertGolden("backup/create-json", masked(json));
        List<BackupInfo> infos = Backups.list(bk);
        assertThat(infos).extracting(BackupInfo::seqno).containsExactly(9L, 10L);
        assertThat(new String(infos.get(0).metadata())).isEqualTo("env=prod\nowner=ops\n");

        Cli.Run list = Cli.run("backup", "list", bk.toString());
        assertThat(list.exitCode()).isZero();
        Cli.assertGolden("backup/list", masked(list));
        Cli.Run listJson = Cli.run("backup", "ls", bk.toString(), "--json");
        assertThat(listJson.exitCode()).isZero();
        Cli.assertGolden("backup/list-json", masked(listJson));

        Cli.Run verify = Cli.run("backup", "verify", bk.toString());
        assertThat(verify.exitCode()).isZero();
        assertThat(verify.err()).isEmpty();
        Cli.assertGolden("backup/verify", masked(verify));
        Cli.Run verifyOne = Cli.run("backup", "verify", bk.toString(), "2", "--json");
        assertThat(verifyOne.exitCode()).isZero();
        Cli.assertGolden("backup/verify-one-json", masked(verifyOne));

        Cli.Run delete = Cli.run("backup", "delete", bk.toString(), "1");
        assertThat(delete.exitCode()).isZero();
        Cli.assertGolden("backup/delete", masked(delete));
        assertThat(Backups.list(bk)).extracting(BackupInfo::id).containsExactly(2L);
        Cli.Run again = Cli.run("backup", "delete", bk.toString(), "1", "--json");
        assertThat(again.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(again.out()).isEmpty();
        assertThat(Cli.maskedTmp(again.err(), tmp)).isEqualTo("strata: no backup 1 in $TMP/backups (it holds 2; "
                + "'strata backup list $TMP/backups' lists them)\n");
    }

    @Test
    void aDamagedBackupFailsVerifyWithItsFileAndOffsetAndCannotBeRestored() throws IOException {
        Path db = tmp.resolve("db");
        Path bk = twoBackups(db, tmp.resolve("backups"));
        Path table;
        try (Stream<Path> s = Files.list(bk.resolve("shared"))) {
            table = s.sorted().findFirst().orElseThrow(); // held by both backups
        }
        Cli.flip(table, 10);

        Cli.Run verify = Cli.run("backup", "verify", bk.toString());
        assertThat(verify.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        Cli.assertGolden("backup/verify-damaged", masked(verify));
        assertThat(Cli.maskedTmp(verify.err(), tmp)).isEqualTo("strata: backup verify found 2 damaged backups in $TMP/backups\n");
        Cli.Run json = Cli.run("backup", "verify", bk.toString(), "1", "--json");
        assertThat(json.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        Cli.assertGolden("backup/verify-damaged-json", masked(json));

        try (RandomAccessFile f = new RandomAccessFile(table.toFile(), "rw")) {
            f.setLength(100);
        }
        Cli.Run cut = Cli.run("backup", "verify", bk.toString(), "2");
        assertThat(cut.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        assertThat(cut.out()).startsWith("backup 2: DAMAGED  shared/").contains(" at offset 100: is 100 bytes, the metadata says ");

        Path target = tmp.resolve("restored");
        Cli.Run restore = Cli.run("backup", "restore", bk.toString(), "2", "--to", target.toString());
        assertThat(restore.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        assertThat(restore.err()).startsWith("strata: ERR_CORRUPTION: backup 2: shared/");
        assertThat(target).doesNotExist();
    }

    @Test
    void restoreByIdAndNewestAsksBeforeReplacingADatabase() {
        Path db = tmp.resolve("db");
        Path bk = twoBackups(db, tmp.resolve("backups"));
        String atBackup2 = scan(db);
        Path target = tmp.resolve("restored");

        Cli.Run first = Cli.run("backup", "restore", bk.toString(), "1", "--to", target.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).as("no question: nothing was there").isEmpty();
        Cli.assertGolden("backup/restore", masked(first));
        String atBackup1 = scan(target);
        assertThat(atBackup1).doesNotContain("Z3JhcGU="); // grape came after backup 1
        assertThat(atBackup2).contains("Z3JhcGU=");

        Cli.Run piped = Cli.run("backup", "restore", bk.toString(), "--to", target.toString());
        assertThat(piped.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(piped.err()).contains("add --yes");
        Cli.Run declined = Cli.run(true, "n\n", "backup", "restore", bk.toString(), "--to", target.toString());
        assertThat(declined.exitCode()).isEqualTo(ExitCode.DECLINED);
        assertThat(Cli.maskedTmp(declined.err(), tmp)).isEqualTo("Replace the database in $TMP/restored with the newest "
                + "good backup? What it holds now is deleted. [y/N] strata: backup restore: not confirmed; nothing was changed\n");
        assertThat(scan(target)).isEqualTo(atBackup1);

        Cli.Run confirmed = Cli.run(true, "y\n", "backup", "restore", bk.toString(), "--to", target.toString(), "--json");
        assertThat(confirmed.exitCode()).isZero();
        Cli.assertGolden("backup/restore-newest-json", masked(confirmed));
        assertThat(confirmed.err()).as("the question, then the progress bar drawn and erased").contains("[y/N] ")
                .contains("\rrestoring [").endsWith("\r");
        assertThat(scan(target)).isEqualTo(atBackup2);

        Cli.Run viaDb = Cli.run("--db", target.toString(), "backup", "restore", bk.toString(), "1", "--yes");
        assertThat(viaDb.exitCode()).as("--db is the target when --to is not given").isZero();
        assertThat(scan(target)).isEqualTo(atBackup1);
    }

    @Test
    void pointInTimeRestoresReadTheWalArchive() {
        Path db = tmp.resolve("db");
        Path bk = tmp.resolve("backups");
        List<CommitResult> commits = new ArrayList<>();
        StrataOptions options = StrataOptions.defaults().durability(Durability.ASYNC).walSegmentSize(64 << 10).walArchive(bk);
        long backupSeqno;
        try (StrataDatabase source = StrataDatabase.open(db, options)) {
            for (int i = 0; i < 3000; i++) {
                commits.add(source.put(String.format("k%05d", i).getBytes(), new byte[40]));
                if (i == 999) {
                    backupSeqno = source.backup(bk).seqno();
                    assertThat(backupSeqno).isEqualTo(1000);
                }
            }
        }
        Path atSeqno = tmp.resolve("at-seqno");
        Cli.Run r = Cli.run("backup", "restore", bk.toString(), "--to", atSeqno.toString(), "--seqno", "2500");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Cli.maskedTmp(r.out(), tmp)).isEqualTo("OK, restored $TMP/at-seqno to seqno 2500: backup 1 (seqno 1000), "
                + "then the archived WAL up to that commit\n");
        try (StrataDatabase copy = StrataDatabase.open(atSeqno)) {
            assertThat(copy.latestSeqno()).isEqualTo(2500);
            assertThat(copy.count(RangeOptions.all())).isEqualTo(2500);
        }

        CommitResult middle = commits.get(1999);
        long expected = 0;
        for (CommitResult c : commits) {
            if (c.timestamp() <= middle.timestamp()) {
                expected = c.seqno();
            }
        }
        for (String time : List.of(Instant.ofEpochMilli(middle.timestamp()).toString(), Long.toString(middle.timestamp()))) {
            Path atTime = tmp.resolve("at-" + time.replace(':', '-'));
            Cli.Run t = Cli.run("backup", "restore", bk.toString(), "--to", atTime.toString(), "--timestamp", time, "--json");
            assertThat(t.exitCode()).as(t.err()).isZero();
            assertThat(t.out()).contains("\"backupId\":1,\"seqno\":" + expected + ",");
            try (StrataDatabase copy = StrataDatabase.open(atTime)) {
                assertThat(copy.latestSeqno()).isEqualTo(expected);
            }
        }

        Path never = tmp.resolve("never");
        Cli.Run beyond = Cli.run("backup", "restore", bk.toString(), "--to", never.toString(), "--seqno", "99999");
        assertThat(beyond.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(Cli.maskedTmp(beyond.err(), tmp)).startsWith("strata: cannot restore its state at seqno 99999 from "
                + "$TMP/backups: ERR_INVALID_ARGUMENT: ").contains("end at seqno 3000").endsWith("; $TMP/never is unchanged\n");
        Cli.Run before = Cli.run("backup", "restore", bk.toString(), "--to", never.toString(), "--seqno", "10");
        assertThat(before.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(before.err()).contains("no good backup");
        assertThat(never).doesNotExist();
    }

    @Test
    void purgeKeepsTheNewestBackups() {
        Path db = tmp.resolve("db");
        Path bk = twoBackups(db, tmp.resolve("backups"));
        assertThat(cli(db, "put", "kiwi", "brown").exitCode()).isZero();
        assertThat(cli(db, "backup", "create", bk.toString(), "--no-flush", "--no-wal").exitCode()).isZero();
        assertThat(Backups.list(bk)).hasSize(3);

        Cli.Run purge = Cli.run("backup", "purge", bk.toString(), "--keep", "1");
        assertThat(purge.exitCode()).as(purge.err()).isZero();
        assertThat(purge.out()).matches("OK, deleted backups 1 and 2; kept 3 \\(\\d+(\\.\\d)? (B|KiB) reclaimed\\)\n");
        assertThat(Backups.list(bk)).extracting(BackupInfo::id).containsExactly(3L);
        Cli.Run nothing = Cli.run("backup", "purge", bk.toString(), "--keep", "5", "--json");
        assertThat(nothing.exitCode()).isZero();
        assertThat(nothing.out()).isEqualTo("{\"kept\":[3],\"deleted\":[],\"bytesReclaimed\":0}\n");
        Cli.Run text = Cli.run("backup", "purge", bk.toString(), "--keep", "1");
        assertThat(text.out()).isEqualTo("OK, nothing to delete: 1 backup, --keep 1\n");

        Path target = tmp.resolve("restored");
        assertThat(Cli.run("backup", "restore", bk.toString(), "--to", target.toString()).exitCode()).isZero();
        assertThat(scan(target)).as("backup 3 was taken without flush and without WAL: only what was in tables")
                .doesNotContain("a2l3aQ==");
    }

    @Test
    void errorsHaveTheirExitCodes() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Path bk = tmp.resolve("backups");
        assertThat(cli(db, "backup", "create", bk.toString()).exitCode()).isZero();

        record Case(int code, String err, List<String> args) {
        }
        String foreign = tmp.resolve("foreign").toString();
        try {
            Files.createDirectories(tmp.resolve("foreign"));
            Files.writeString(tmp.resolve("foreign/notes.txt"), "not a backup");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        String b = bk.toString();
        for (Case c : List.of(
                new Case(ExitCode.NOT_FOUND, "strata: no such directory: $TMP/none\n", List.of("backup", "list", tmp.resolve("none").toString())),
                new Case(ExitCode.NOT_FOUND, "strata: no Strata backups in $TMP/db (it has no meta/ directory)\n",
                        List.of("backup", "verify", db.toString())),
                new Case(ExitCode.NOT_FOUND, "strata: no backup 7 in $TMP/backups (it holds 1; 'strata backup list $TMP/backups' lists them)\n",
                        List.of("backup", "verify", b, "7")),
                new Case(ExitCode.NOT_FOUND, null, List.of("backup", "restore", b, "7", "--to", tmp.resolve("r").toString())),
                new Case(ExitCode.USAGE, "strata: backup needs a subcommand: create, list, verify, delete, purge or restore\n"
                        + "Try 'strata backup --help' for more information.\n", List.of("backup")),
                new Case(ExitCode.USAGE, "strata: $TMP/foreign is not empty and holds no Strata backups; back up into a new "
                        + "or empty directory, or one that holds backups\n", List.of("--db", db.toString(), "backup", "create", foreign)),
                new Case(ExitCode.USAGE, "strata: back up the database writes to the database; it cannot run with --read-only\n",
                        List.of("--db", db.toString(), "--read-only", "backup", "create", b)),
                new Case(ExitCode.USAGE, "strata: --meta takes KEY=VALUE (a key of at least one character, no line breaks), "
                        + "not '=x'\n", List.of("--db", db.toString(), "backup", "create", b, "--meta", "=x")),
                new Case(ExitCode.USAGE, "strata: --meta gives key 'a' twice\n",
                        List.of("--db", db.toString(), "backup", "create", b, "--meta", "a=1", "--meta", "a=2")),
                new Case(ExitCode.USAGE, null, List.of("--db", db.toString(), "backup", "create", b, "--threads", "0")),
                new Case(ExitCode.USAGE, null, List.of("--db", db.toString(), "backup", "create", db.resolve("inside").toString())),
                new Case(ExitCode.USAGE, null, List.of("backup", "purge", b)),
                new Case(ExitCode.USAGE, "strata: --keep must be 0 or more, was -1\n", List.of("backup", "purge", b, "--keep", "-1")),
                new Case(ExitCode.USAGE, null, List.of("backup", "delete", b, "one")),
                new Case(ExitCode.USAGE, "strata: give a backup ID or a point in time (--seqno, --timestamp), not both\n",
                        List.of("backup", "restore", b, "1", "--seqno", "3", "--to", tmp.resolve("r").toString())),
                new Case(ExitCode.USAGE, "strata: give --seqno or --timestamp, not both\n",
                        List.of("backup", "restore", b, "--seqno", "3", "--timestamp", "5", "--to", tmp.resolve("r").toString())),
                new Case(ExitCode.USAGE, "strata: 'soon' is not a time: give ISO-8601 ($TIME, " // masked like any time
                        + "2026-11-25T11:15:30+01:00) or milliseconds since the epoch\n",
                        List.of("backup", "restore", b, "--timestamp", "soon", "--to", tmp.resolve("r").toString())),
                new Case(ExitCode.USAGE, "strata: no target given: use --to DB_DIR (or --db)\n", List.of("backup", "restore", b)),
                new Case(ExitCode.USAGE, "strata: cannot restore into $TMP/backups/r: it and the backup directory $TMP/backups "
                        + "contain each other\n", List.of("backup", "restore", b, "--to", bk.resolve("r").toString())),
                new Case(ExitCode.USAGE, "strata: $TMP/foreign is not empty and holds no Strata database; a restore replaces "
                        + "the whole directory, so restore into a new or empty one\n", List.of("backup", "restore", b, "--to", foreign)))) {
            Cli.Run r = Cli.run(c.args().toArray(new String[0]));
            assertThat(r.exitCode()).as("%s: %s", c.args(), r.err()).isEqualTo(c.code());
            assertThat(r.out()).as("%s", c.args()).isEmpty();
            if (c.err() != null) {
                assertThat(Cli.maskedTmp(r.err(), tmp)).as("%s", c.args()).isEqualTo(c.err());
            } else {
                assertThat(r.err()).as("%s", c.args()).startsWith("strata: ");
            }
        }
        assertThat(tmp.resolve("foreign/notes.txt")).hasContent("not a backup");
        assertThat(Backups.list(bk)).hasSize(1);
    }

    @Test
    void aDatabaseOpenElsewhereCannotBeBackedUpNorRestoredOver() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Path bk = tmp.resolve("backups");
        assertThat(cli(db, "backup", "create", bk.toString()).exitCode()).isZero();
        try (StrataDatabase holder = StrataDatabase.open(db, StrataOptions.defaults())) {
            holder.put(Cli.b("live"), Cli.b("1"));
            Cli.Run create = cli(db, "backup", "create", bk.toString());
            assertThat(create.exitCode()).isEqualTo(ExitCode.LOCKED);
            assertThat(create.err()).contains("cannot back up the database: ").contains("is locked by another process");
            Cli.Run restore = Cli.run("backup", "restore", bk.toString(), "--to", db.toString(), "--yes");
            assertThat(restore.exitCode()).isEqualTo(ExitCode.LOCKED);
            assertThat(restore.err()).contains("ERR_LOCKED").contains("the database is open");
            Cli.Run list = Cli.run("backup", "list", bk.toString());
            assertThat(list.exitCode()).as("the backup directory alone is not locked").isZero();
        }
        assertThat(Backups.list(bk)).hasSize(1);
        try (StrataDatabase d = StrataDatabase.open(db)) {
            assertThat(d.get(Cli.b("live"))).as("the open database was not replaced").isEqualTo(Cli.b("1"));
        }
    }

    @Test
    void progressBarsOnlyOnATerminal() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.Run watched = Cli.run(true, "", Cli.withDb(db, "backup", "create", tmp.resolve("a").toString()));
        assertThat(watched.exitCode()).isZero();
        assertThat(watched.err()).contains("\rbacking up [").contains("] 100%");
        Cli.Run piped = Cli.run(false, "", Cli.withDb(db, "backup", "create", tmp.resolve("b").toString()));
        assertThat(piped.exitCode()).isZero();
        assertThat(piped.err()).isEmpty();
        Cli.Run verify = Cli.run(true, "", "backup", "verify", tmp.resolve("a").toString());
        assertThat(verify.err()).contains("\rverifying backup 1 (1 of 1)");
        assertThat(Cli.run(false, "", "backup", "verify", tmp.resolve("a").toString()).err()).isEmpty();
    }
}
