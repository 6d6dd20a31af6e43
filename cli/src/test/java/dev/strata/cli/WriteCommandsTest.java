package dev.strata.cli;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writing commands (put, remove, flush, compact): their output (golden), their effect on
 * the database (read back through the engine), and how they refuse: a database locked by
 * another writer (exit 5), --read-only (exit 2), a missing or foreign directory (exit 3).
 */
class WriteCommandsTest {
    @TempDir
    Path tmp;

    private static Cli.Run cli(Path db, String... args) {
        return Cli.run(Cli.withDb(db, args));
    }

    private static byte[] read(Path db, String key) {
        try (StrataDatabase d = StrataDatabase.open(db, StrataOptions.defaults().readOnly(true))) {
            return d.get(Cli.b(key));
        }
    }

    @Test
    void putAndRemoveCommitAndPrintTheirSeqno() {
        Path db = Cli.fixture(tmp.resolve("db"));

        Cli.Run put = cli(db, "put", "grape", "green");
        assertThat(put.exitCode()).isZero();
        assertThat(put.err()).isEmpty();
        Cli.assertGolden("put/text", put.out());
        assertThat(read(db, "grape")).isEqualTo(Cli.b("green"));

        Cli.Run putHex = cli(db, "--format", "hex", "--json", "put", "00ff", "0102");
        assertThat(putHex.exitCode()).isZero();
        Cli.assertGolden("put/json-hex", putHex.out());
        try (StrataDatabase d = StrataDatabase.open(db, StrataOptions.defaults().readOnly(true))) {
            assertThat(d.get(new byte[]{0, (byte) 0xFF})).containsExactly(1, 2);
        }

        Cli.Run remove = cli(db, "remove", "apple");
        assertThat(remove.exitCode()).isZero();
        Cli.assertGolden("remove/text", remove.out());
        assertThat(read(db, "apple")).isNull();

        Cli.Run rm = cli(db, "rm", "grape", "--json");
        assertThat(rm.exitCode()).isZero();
        Cli.assertGolden("remove/json-alias", rm.out());
        assertThat(read(db, "grape")).isNull();
    }

    @Test
    void putWithTtlExpiresTheKey() {
        Path db = Cli.fixture(tmp.resolve("db"));
        assertThat(cli(db, "put", "short", "lived", "--ttl", "200ms").exitCode()).isZero();
        assertThat(cli(db, "put", "long", "lived", "--ttl", "PT1H").exitCode()).isZero();
        assertThat(read(db, "long")).isEqualTo(Cli.b("lived"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (read(db, "short") != null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(read(db, "short")).as("expired within 10 s of a 200 ms ttl").isNull();
        Cli.Run bad = cli(db, "put", "k", "v", "--ttl", "soon");
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("'soon' is not a duration");
    }

    @Test
    void flushMovesTheWalIntoATableAndCompactMovesTablesDown() {
        Path db = Cli.fixture(tmp.resolve("db"));

        Cli.Run flush = cli(db, "flush");
        assertThat(flush.exitCode()).isZero();
        Cli.assertGolden("flush/text", flush.out());

        Cli.Run compact = cli(db, "compact");
        assertThat(compact.exitCode()).isZero();
        assertThat(compact.err()).as("no progress when no terminal watches").isEmpty();
        Cli.assertGolden("compact/text", compact.out());

        Cli.Run json = cli(db, "compact", "--start", "a", "--end", "c", "--json");
        assertThat(json.exitCode()).isZero();
        Cli.assertGolden("compact/range-json", json.out());
        assertThat(cli(db, "flush", "--json").out()).startsWith("{\"latestSeqno\":9,\"levels\":[");
        assertThat(read(db, "cherry")).isEqualTo(Cli.b("red"));
    }

    @Test
    void compactShowsProgressOnlyToATerminal() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.Run r = Cli.run(true, "", "--db", db.toString(), "compact");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).as("a progress line, erased at the end").contains("\rcompacting: ").endsWith("\r");
        assertThat(r.out()).doesNotContain("compacting:");
    }

    @Test
    void writesRefuseWhenAnotherWriterHoldsTheLock() {
        Path db = Cli.fixture(tmp.resolve("db"));
        try (StrataDatabase holder = StrataDatabase.open(db, StrataOptions.defaults())) {
            for (String[] args : new String[][]{{"put", "k", "v"}, {"remove", "k"}, {"flush"}, {"compact"}, {"shell"}}) {
                Cli.Run r = cli(db, args);
                assertThat(r.exitCode()).as("%s", (Object) args).isEqualTo(ExitCode.LOCKED);
                assertThat(r.out()).isEmpty();
                assertThat(r.err()).startsWith("strata: cannot ").contains("is locked by another process")
                        .contains("work beside it");
            }
            // Reading works beside the writer, and sees what it committed.
            holder.put(Cli.b("live"), Cli.b("yes"));
            Cli.Run get = cli(db, "get", "live");
            assertThat(get.exitCode()).isZero();
            assertThat(get.out()).isEqualTo("yes\n");
            assertThat(cli(db, "verify").exitCode()).isZero();
        }
        assertThat(cli(db, "put", "k", "v").exitCode()).as("the lock is free again").isZero();
    }

    @Test
    void readOnlyRefusesWrites() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.Run r = cli(db, "--read-only", "put", "k", "v");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("strata: put writes to the database; it cannot run with --read-only\n");
        assertThat(read(db, "k")).isNull();
    }

    @Test
    void aMissingDirectoryIsNotFoundUnlessAskedToCreateIt() throws Exception {
        Path missing = tmp.resolve("missing");
        for (String[] args : new String[][]{{"get", "k"}, {"put", "k", "v"}, {"scan"}, {"verify"}, {"properties"},
                {"stats"}, {"count"}, {"flush"}}) {
            Cli.Run r = cli(missing, args);
            assertThat(r.exitCode()).as("%s", (Object) args).isEqualTo(ExitCode.NOT_FOUND);
            assertThat(r.err()).isEqualTo("strata: no such directory: " + missing + "\n");
        }
        assertThat(missing).doesNotExist();

        Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(tmp.resolve("foreign/notes.txt"), "not a database");
        Cli.Run foreign = cli(tmp.resolve("foreign"), "get", "k");
        assertThat(foreign.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(foreign.err()).contains("no Strata database in");
        assertThat(cli(tmp.resolve("foreign"), "--create-if-missing", "put", "k", "v").exitCode())
                .as("never creates a database among other files").isEqualTo(ExitCode.USAGE);

        Cli.Run create = cli(missing, "--create-if-missing", "put", "k", "v");
        assertThat(create.exitCode()).isZero();
        assertThat(read(missing, "k")).isEqualTo(Cli.b("v"));
        assertThat(Cli.run("get", "k").exitCode()).as("no --db and no STRATA_DB")
                .isEqualTo(System.getenv("STRATA_DB") == null ? ExitCode.USAGE : ExitCode.NOT_FOUND);
    }
}
