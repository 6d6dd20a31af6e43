package dev.strata.cli;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.log.LogEntry;
import dev.strata.engine.log.LogEntryIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata log list|query|tail|purge|parse} against a database whose transactions wrote
 * entries to two logs: golden output (text, and NDJSON with base64 data; times masked), the query
 * bounds by seqno and time, {@code tail --follow} picking up entries another writer commits,
 * purge and its confirmation, parse of a sound and of a damaged segment, and the exit codes.
 */
class LogCommandsTest {
    @TempDir
    Path tmp;

    private static Cli.Run cli(Path db, String... args) {
        return Cli.run(Cli.withDb(db, args));
    }

    private String masked(Cli.Run r) {
        return Cli.maskedTmp(r.out(), tmp);
    }

    /**
     * Seqno 1 puts k1 with an audit entry; 2 is two audit entries and no data; 3 puts k2 with an
     * events entry; 4 puts k3 and writes no entry; 5 is an audit entry of binary bytes.
     */
    static Path logFixture(Path dir) {
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults())) {
            db.transaction((txn, attempt) -> {
                txn.put(Cli.b("k1"), Cli.b("v1"));
                txn.addLogEntry(Cli.b("audit"), Cli.b("created k1"));
                return null;
            });
            db.transaction((txn, attempt) -> {
                db.useLog("audit").addEntry(Cli.b("first of two"), txn);
                db.useLog("audit").addEntry(Cli.b("second of two"), txn);
                return null;
            });
            db.transaction((txn, attempt) -> {
                txn.put(Cli.b("k2"), Cli.b("v2"));
                txn.addLogEntry(Cli.b("events"), Cli.b("{\"k2\":\"v2\"}"));
                return null;
            });
            db.put(Cli.b("k3"), Cli.b("v3"));
            db.transaction((txn, attempt) -> {
                txn.addLogEntry(Cli.b("audit"), new byte[]{'b', 'i', 'n', 0, (byte) 0xFF});
                return null;
            });
        }
        return dir;
    }

    private static List<LogEntry> entries(Path db, String log) {
        List<LogEntry> out = new ArrayList<>();
        try (StrataDatabase d = StrataDatabase.open(db, StrataOptions.defaults().readOnly(true));
             LogEntryIterator it = d.useLog(log).query()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static Path firstSegment(Path db) throws IOException {
        try (Stream<Path> s = Files.list(db.resolve("wal"))) {
            return s.filter(p -> p.toString().endsWith(".wal")).sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void listAndQueryAsTextAndNdjson() {
        Path db = logFixture(tmp.resolve("db"));
        Cli.Run list = cli(db, "log", "list");
        assertThat(list.exitCode()).as(list.err()).isZero();
        Cli.assertGolden("log/list", masked(list));
        Cli.Run listJson = cli(db, "log", "ls", "--json");
        assertThat(listJson.exitCode()).isZero();
        Cli.assertGolden("log/list-json", masked(listJson));

        Cli.Run query = cli(db, "log", "query", "audit");
        assertThat(query.exitCode()).as(query.err()).isZero();
        assertThat(query.err()).isEmpty();
        Cli.assertGolden("log/query", masked(query));
        Cli.Run json = cli(db, "log", "query", "audit", "--json");
        assertThat(json.exitCode()).isZero();
        Cli.assertGolden("log/query-json", masked(json));
        assertThat(json.out().lines().count()).as("NDJSON: one entry a line").isEqualTo(4);
        Cli.Run hex = cli(db, "--format", "hex", "log", "query", "audit", "--from-seqno", "5");
        assertThat(hex.out()).contains("62696e00ff").contains("(1 entry)");
    }

    @Test
    void queryBoundsBySeqnoTimeAndLimit() {
        Path db = logFixture(tmp.resolve("db"));
        Cli.Run seqnos = cli(db, "log", "query", "audit", "--from-seqno", "2", "--to-seqno", "2", "--json");
        assertThat(seqnos.out().lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"seqno\":2,"));
        assertThat(seqnos.out().lines().toList().get(1)).as("the transaction's last entry").endsWith("\"endTxn\":true}");
        Cli.Run limited = cli(db, "log", "query", "audit", "-n", "1", "--json");
        assertThat(limited.out().lines().toList()).singleElement().satisfies(l -> assertThat(l).contains("\"seqno\":1,"));

        List<LogEntry> audit = entries(db, "audit");
        long third = audit.get(3).timestamp();
        Cli.Run since = cli(db, "log", "query", "audit", "--start", Long.toString(third), "--json");
        long expected = audit.stream().filter(e -> e.timestamp() >= third).count();
        assertThat(since.out().lines().count()).isEqualTo(expected);
        Cli.Run before = cli(db, "log", "query", "audit", "--end", java.time.Instant.ofEpochMilli(audit.get(0).timestamp())
                .toString(), "--json");
        assertThat(before.exitCode()).isZero();
        assertThat(before.out()).as("end is exclusive").isEmpty();

        Cli.Run events = cli(db, "log", "query", "events");
        assertThat(events.out()).contains("{\"k2\":\"v2\"}").contains("(1 entry)");
    }

    @Test
    void tailPrintsTheNewestAndFollowsWhatAnotherWriterCommits() throws Exception {
        Path db = logFixture(tmp.resolve("db"));
        Cli.Run tail = cli(db, "log", "tail", "audit", "-n", "2");
        assertThat(tail.exitCode()).isZero();
        Cli.assertGolden("log/tail", masked(tail));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Session s = new Session(new PrintWriter(out, true), new PrintWriter(err, true), new BufferedReader(new StringReader("")),
                () -> false, DatabaseAccess.perCommand());
        AtomicInteger code = new AtomicInteger(-1);
        Thread follower = new Thread(() -> code.set(StrataCli.run(s, "--db", db.toString(), "log", "tail", "audit", "-n", "1",
                "--follow", "--interval", "20ms", "--json")));
        follower.start();
        try (StrataDatabase writer = StrataDatabase.open(db, StrataOptions.defaults())) {
            awaitOutput(out, "\"seqno\":5,");
            for (int i = 0; i < 3; i++) {
                int n = i;
                writer.transaction((txn, attempt) -> {
                    txn.addLogEntry(Cli.b("audit"), Cli.b("live " + n));
                    txn.addLogEntry(Cli.b("events"), Cli.b("not audit " + n));
                    return null;
                });
            }
            awaitOutput(out, "bGl2ZSAy"); // "live 2"
        } finally {
            follower.interrupt();
            follower.join(10_000);
        }
        assertThat(follower.isAlive()).isFalse();
        assertThat(code.get()).isZero();
        List<String> lines;
        synchronized (out) {
            lines = out.toString().lines().toList();
        }
        assertThat(lines).as("the newest entry, then each new one once, in order, no other log's").hasSize(4);
        assertThat(lines.get(0)).contains("\"seqno\":5,");
        assertThat(lines.get(1)).contains("\"data\":\"bGl2ZSAw\"").contains("\"endTxn\":true");
        assertThat(lines.get(3)).contains("\"data\":\"bGl2ZSAy\"");
        assertThat(err.toString()).isEmpty();
    }

    private static void awaitOutput(StringWriter out, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!out.toString().contains(text)) {
            assertThat(System.nanoTime()).as("'%s' printed within 30 s; printed: %s", text, out).isLessThan(deadline);
            Thread.sleep(10); // polls a condition with a deadline
        }
    }

    @Test
    void purgeAndDestroy() {
        Path db = logFixture(tmp.resolve("db"));
        Cli.Run purge = cli(db, "log", "purge", "audit", "--before", Long.toString(System.currentTimeMillis() + 60_000));
        assertThat(purge.exitCode()).as(purge.err()).isZero();
        assertThat(purge.out()).as("the segments are kept whole (walKeepSize): their entries stay").isEqualTo("OK, nothing to "
                + "purge (segments still needed whole keep their entries until retention may touch them)\n");
        Cli.Run json = cli(db, "log", "purge", "--json");
        assertThat(json.out()).isEqualTo("{\"files\":[],\"entries\":0}\n");

        Cli.Run piped = cli(db, "log", "purge", "audit", "--destroy");
        assertThat(piped.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(piped.err()).contains("add --yes");
        Cli.Run declined = Cli.run(true, "n\n", Cli.withDb(db, "log", "purge", "audit", "--destroy"));
        assertThat(declined.exitCode()).isEqualTo(ExitCode.DECLINED);
        assertThat(declined.err()).startsWith("Remove every entry of transaction log 'audit' and forget its name? [y/N] ");
        assertThat(entries(db, "audit")).hasSize(4);
        Cli.Run noName = cli(db, "log", "purge", "--destroy", "--yes");
        assertThat(noName.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noName.err()).isEqualTo("strata: --destroy needs the NAME of one log\n");
    }

    @Test
    void parseShowsEveryRecordAndDamage() throws IOException {
        Path db = logFixture(tmp.resolve("db"));
        Path segment = firstSegment(db);
        Cli.Run text = Cli.run("log", "parse", segment.toString(), "--data");
        assertThat(text.exitCode()).as(text.err()).isZero();
        Cli.assertGolden("log/parse", masked(text));
        Cli.Run json = Cli.run("log", "parse", segment.toString(), "--json");
        assertThat(json.exitCode()).isZero();
        Cli.assertGolden("log/parse-json", masked(json));

        Cli.flip(segment, 100);
        Cli.Run damaged = Cli.run("log", "parse", segment.toString());
        assertThat(damaged.exitCode()).isEqualTo(ExitCode.CORRUPTION);
        assertThat(damaged.out()).contains("DAMAGE  at offset ").contains("(0 records)");
        assertThat(damaged.err()).isEqualTo("strata: " + segment.getFileName() + " is damaged at offset 40\n");
    }

    @Test
    void errorsHaveTheirExitCodes() {
        Path db = logFixture(tmp.resolve("db"));
        record Case(int code, String err, String... args) {
        }
        for (Case c : List.of(
                new Case(ExitCode.NOT_FOUND, "strata: no transaction log named 'nope' in $TMP/db ('strata log list' lists "
                        + "them)\n", "--db", db.toString(), "log", "query", "nope"),
                new Case(ExitCode.NOT_FOUND, null, "--db", db.toString(), "log", "tail", "nope"),
                new Case(ExitCode.NOT_FOUND, null, "--db", db.toString(), "log", "purge", "nope"),
                new Case(ExitCode.NOT_FOUND, "strata: no such file: $TMP/none.wal\n", "log", "parse", tmp.resolve("none.wal").toString()),
                new Case(ExitCode.USAGE, "strata: log needs a subcommand: list, query, tail, purge or parse\nTry 'strata log "
                        + "--help' for more information.\n", "--db", db.toString(), "log"),
                new Case(ExitCode.USAGE, "strata: --exact-start needs --start\n", "--db", db.toString(), "log", "query", "audit",
                        "--exact-start"),
                new Case(ExitCode.USAGE, null, "--db", db.toString(), "log", "query", "audit", "--from-seqno", "5", "--to-seqno", "2"),
                new Case(ExitCode.USAGE, null, "--db", db.toString(), "log", "query", "audit", "--start", "yesterday"),
                new Case(ExitCode.USAGE, null, "--db", db.toString(), "log", "tail", "audit", "--interval", "0s", "--follow"),
                new Case(ExitCode.USAGE, null, "--db", db.toString(), "--read-only", "log", "purge"))) {
            Cli.Run r = Cli.run(c.args());
            assertThat(r.exitCode()).as("%s: %s", List.of(c.args()), r.err()).isEqualTo(c.code());
            assertThat(r.out()).as("%s", List.of(c.args())).isEmpty();
            if (c.err() != null) {
                assertThat(Cli.maskedTmp(r.err(), tmp)).isEqualTo(c.err());
            } else {
                assertThat(r.err()).startsWith("strata: ");
            }
        }
        try (StrataDatabase holder = StrataDatabase.open(db, StrataOptions.defaults())) {
            Cli.Run locked = cli(db, "log", "purge");
            assertThat(locked.exitCode()).isEqualTo(ExitCode.LOCKED);
            Cli.Run query = cli(db, "log", "query", "audit", "--json");
            assertThat(query.exitCode()).as("queries open read-only beside the writer").isZero();
            assertThat(query.out().lines().count()).isEqualTo(4);
        }
    }
}
