package dev.strata.cli;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands that change column families ({@code columns create}, {@code columns drop}) and
 * the writing commands given {@code -c} (put, remove, compact): their output (golden), their
 * effect read back through the engine, the drop's confirmation (asked on a terminal, refused
 * when piped without --yes, declined), and how they refuse: a missing family (3), the default
 * family or a taken name (2), --read-only (2), a database locked by another writer (5).
 */
class ColumnsCommandTest {
    @TempDir
    Path tmp;

    private static Cli.Run cli(Path db, String... args) {
        return Cli.run(Cli.withDb(db, args));
    }

    private static List<String> families(Path db) {
        try (StrataDatabase d = StrataDatabase.open(db, StrataOptions.defaults().readOnly(true))) {
            return d.columnFamilies();
        }
    }

    private static byte[] read(Path db, String family, String key) {
        try (StrataDatabase d = StrataDatabase.open(db, StrataOptions.defaults().readOnly(true))) {
            return d.columnFamily(family).get(Cli.b(key));
        }
    }

    private static List<Path> tables(Path db) throws IOException {
        try (Stream<Path> s = Files.list(db.resolve("sst"))) {
            return s.sorted().toList();
        }
    }

    @Test
    void createMakesAFamilyThatPutAndRemoveWriteApartFromTheDefaultOne() {
        Path db = Cli.fixture(tmp.resolve("db"));

        Cli.Run create = cli(db, "columns", "create", "users");
        assertThat(create.exitCode()).isZero();
        assertThat(create.err()).isEmpty();
        Cli.assertGolden("columns/create", create.out());
        Cli.Run json = cli(db, "--json", "cf", "create", "orders");
        assertThat(json.exitCode()).isZero();
        Cli.assertGolden("columns/create-json", json.out());
        assertThat(families(db)).containsExactly("default", "users", "orders");

        assertThat(cli(db, "put", "-c", "users", "apple", "a user's").out()).isEqualTo("OK, seqno 12\n");
        assertThat(cli(db, "put", "--column-family", "users", "pear", "p").exitCode()).isZero();
        assertThat(read(db, "users", "apple")).isEqualTo(Cli.b("a user's"));
        assertThat(read(db, "default", "apple")).as("the default family keeps its own apple").isEqualTo(Cli.b("red"));
        assertThat(read(db, "default", "pear")).isNull();
        assertThat(cli(db, "remove", "-c", "users", "apple").out()).isEqualTo("OK, seqno 14\n");
        assertThat(read(db, "users", "apple")).isNull();
        assertThat(read(db, "default", "apple")).isEqualTo(Cli.b("red"));
        assertThat(cli(db, "get", "-c", "users", "pear").out()).isEqualTo("p\n");
    }

    @Test
    void createRefusesATakenOrInvalidNameAndWritesRefuseAMissingFamily() {
        Path db = Cli.fixture(tmp.resolve("db"));
        assertThat(cli(db, "columns", "create", "users").exitCode()).isZero();

        Cli.Run taken = cli(db, "columns", "create", "users");
        assertThat(taken.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(taken.out()).isEmpty();
        assertThat(taken.err()).isEqualTo("strata: ERR_INVALID_ARGUMENT: column family 'users' exists\n");
        Cli.Run empty = cli(db, "columns", "create", "");
        assertThat(empty.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(empty.err()).contains("a column family name is 1 to 255 UTF-8 bytes");
        assertThat(cli(db, "columns", "create", "x".repeat(256)).exitCode()).isEqualTo(ExitCode.USAGE);

        for (String[] args : new String[][]{{"put", "-c", "nope", "k", "v"}, {"remove", "-c", "nope", "k"},
                {"compact", "-c", "nope"}, {"columns", "drop", "nope", "--yes"}}) {
            Cli.Run r = cli(db, args);
            assertThat(r.exitCode()).as("%s", (Object) args).isEqualTo(ExitCode.NOT_FOUND);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("strata: ERR_COLUMN_FAMILY_NOT_FOUND: no column family named 'nope' in "
                    + db + " ('strata columns list' lists them)\n");
        }
        assertThat(families(db)).containsExactly("default", "users");
    }

    @Test
    void dropWithYesDeletesTheFamilyAndItsTables() throws IOException {
        Path db = Cli.familyFixture(tmp.resolve("db"));
        List<Path> before = tables(db);
        assertThat(before).as("a table for default, one for users").hasSize(2);

        Cli.Run drop = cli(db, "columns", "drop", "users", "--yes");
        assertThat(drop.exitCode()).isZero();
        assertThat(drop.err()).as("no question when --yes is given").isEmpty();
        Cli.assertGolden("columns/drop", drop.out());
        assertThat(families(db)).containsExactly("default", "empty");
        assertThat(tables(db)).as("the users table is deleted, the default one kept").containsExactly(before.get(0));
        assertThat(read(db, "default", "apple")).isEqualTo(Cli.b("red"));

        Cli.Run json = cli(db, "columns", "drop", "-y", "empty", "--json");
        assertThat(json.exitCode()).isZero();
        Cli.assertGolden("columns/drop-json", json.out());
        assertThat(families(db)).containsExactly("default");
        Cli.Run again = cli(db, "columns", "drop", "empty", "--yes");
        assertThat(again.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
    }

    @Test
    void dropAsksOnATerminalAndRefusesWithoutOneUnlessGivenYes() {
        Path db = Cli.familyFixture(tmp.resolve("db"));

        Cli.Run piped = cli(db, "columns", "drop", "users");
        assertThat(piped.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(piped.out()).isEmpty();
        assertThat(piped.err()).isEqualTo("strata: columns drop users asks for confirmation and there is no terminal "
                + "to answer it; add --yes to go ahead without asking\n");

        Cli.Run declined = Cli.run(true, "n\n", Cli.withDb(db, "columns", "drop", "users"));
        assertThat(declined.exitCode()).isEqualTo(ExitCode.DECLINED);
        assertThat(declined.out()).isEmpty();
        assertThat(declined.err()).as("what goes, then the answer's outcome").matches("Drop column family 'users' "
                + "\\(id 1: 1 table, \\d+ B, about 6 keys\\)\\? Every key in it is deleted\\. \\[y/N] "
                + "strata: columns drop users: not confirmed; nothing was changed\n");
        Cli.Run endOfInput = Cli.run(true, "", Cli.withDb(db, "columns", "drop", "users"));
        assertThat(endOfInput.exitCode()).as("no answer is no").isEqualTo(ExitCode.DECLINED);
        assertThat(families(db)).containsExactly("default", "users", "empty");

        Cli.Run confirmed = Cli.run(true, " YES \n", Cli.withDb(db, "columns", "drop", "users"));
        assertThat(confirmed.exitCode()).isZero();
        assertThat(confirmed.out()).isEqualTo("OK, dropped column family 'users' (id 1), seqno 11\n");
        assertThat(families(db)).containsExactly("default", "empty");
    }

    @Test
    void theDefaultFamilyCannotBeDropped() {
        Path db = Cli.familyFixture(tmp.resolve("db"));
        for (Cli.Run r : List.of(cli(db, "columns", "drop", "default", "--yes"),
                Cli.run(true, "y\n", Cli.withDb(db, "columns", "drop", "default")))) {
            assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).as("refused before asking").isEqualTo("strata: the default column family cannot be dropped\n");
        }
        assertThat(families(db)).contains("default");
    }

    @Test
    void compactOfOneFamilyShowsThatFamilysLevels() {
        Path db = Cli.familyFixture(tmp.resolve("db"));
        Cli.Run text = cli(db, "compact", "-c", "users");
        assertThat(text.exitCode()).isZero();
        Cli.assertGolden("compact/family", text.out());
        Cli.Run json = cli(db, "compact", "--column-family", "users", "--json");
        assertThat(json.exitCode()).isZero();
        Cli.assertGolden("compact/family-json", json.out());
        try (StrataDatabase d = StrataDatabase.open(db, StrataOptions.defaults().readOnly(true))) {
            ColumnFamily users = d.columnFamily("users");
            assertThat(users.stats().levelFiles()[0]).as("users' tables left L0").isZero();
            assertThat(d.defaultColumnFamily().stats().levelFiles()[0]).as("the default family was not compacted").isEqualTo(1);
            assertThat(users.get(Cli.b("dave"))).isEqualTo(Cli.b("qa"));
            assertThat(users.get(Cli.b("bob"))).isNull();
        }
    }

    @Test
    void familyChangesRefuseReadOnlyAndALockedDatabaseButListingWorksBesideTheWriter() {
        Path db = Cli.familyFixture(tmp.resolve("db"));
        Cli.Run readOnly = cli(db, "--read-only", "columns", "create", "x");
        assertThat(readOnly.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(readOnly.err()).isEqualTo("strata: create column family 'x' writes to the database; it cannot run "
                + "with --read-only\n");
        try (StrataDatabase holder = StrataDatabase.open(db, StrataOptions.defaults())) {
            holder.createColumnFamily("live");
            for (String[] args : new String[][]{{"columns", "create", "x"}, {"columns", "drop", "users", "--yes"},
                    {"put", "-c", "users", "k", "v"}}) {
                Cli.Run r = cli(db, args);
                assertThat(r.exitCode()).as("%s", (Object) args).isEqualTo(ExitCode.LOCKED);
                assertThat(r.err()).contains("is locked by another process");
            }
            Cli.Run list = cli(db, "columns", "list", "--json");
            assertThat(list.exitCode()).isZero();
            assertThat(list.out()).contains("\"name\":\"live\"");
        }
        assertThat(families(db)).containsExactly("default", "users", "empty", "live");
    }

    @Test
    void columnsWithoutASubcommandIsAUsageError() {
        Path db = Cli.fixture(tmp.resolve("db"));
        Cli.Run r = cli(db, "columns");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("strata: columns needs a subcommand: list, create or drop\n"
                + "Try 'strata columns --help' for more information.\n");
    }
}
