package dev.strata.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reading commands (get, scan, count, columns list, stats, properties) against the fixture
 * databases ({@link Cli#fixture}, and {@link Cli#familyFixture} for the column-family cases), each
 * case's stdout compared with its golden file, exit code and stderr asserted. Reading commands
 * open read-only, so the fixtures are shared by every case and must come out unchanged.
 */
class ReadCommandsGoldenTest {
    @TempDir
    static Path tmp;
    static Path db;
    static Path families;
    static Map<Path, byte[]> files;
    static Map<Path, byte[]> familyFiles;

    @BeforeAll
    static void buildFixtures() {
        db = Cli.fixture(tmp.resolve("db"));
        files = Cli.contents(db);
        families = Cli.familyFixture(tmp.resolve("families"));
        familyFiles = Cli.contents(families);
    }

    @AfterAll
    static void readingChangedNoFile() {
        Cli.assertSameContents(files, Cli.contents(db));
        Cli.assertSameContents(familyFiles, Cli.contents(families));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("get/text", 0, List.of("get", "apple")),
                Arguments.of("get/overwritten", 0, List.of("get", "cherry")),
                Arguments.of("get/binary-escaped", 0, List.of("get", "bin\\x00\\xff")),
                Arguments.of("get/binary-hex", 0, List.of("--format", "hex", "get", "62696e00ff")),
                Arguments.of("get/binary-base64", 0, List.of("get", "--format=base64", "YmluAP8=")),
                Arguments.of("get/json", 0, List.of("get", "apple", "--json")),
                Arguments.of("get/utf8", 0, List.of("get", "fig", "--format", "UTF8")),
                Arguments.of("get/escaped-non-ascii", 0, List.of("get", "fig")),
                Arguments.of("get/backslash", 0, List.of("get", "elderberry")),
                Arguments.of("scan/all", 0, List.of("scan")),
                Arguments.of("scan/json", 0, List.of("scan", "--json")),
                Arguments.of("scan/keys-only", 0, List.of("scan", "--keys-only")),
                Arguments.of("scan/bounds-inclusive-exclusive", 0, List.of("scan", "--start", "banana", "--end", "date")),
                Arguments.of("scan/bounds-exclusive-inclusive", 0,
                        List.of("scan", "--start", "apple", "--start-exclusive", "--end", "date", "--end-inclusive")),
                Arguments.of("scan/reverse-limit", 0, List.of("scan", "--reverse", "--limit", "2")),
                Arguments.of("scan/prefix", 0, List.of("scan", "--prefix", "b")),
                Arguments.of("scan/hex", 0, List.of("scan", "--format", "hex", "--limit", "2")),
                Arguments.of("scan/empty-range", 0, List.of("scan", "--prefix", "zzz")),
                Arguments.of("count/all", 0, List.of("count")),
                Arguments.of("count/range", 0, List.of("count", "--start", "b", "--end", "e")),
                Arguments.of("count/json", 0, List.of("count", "--prefix", "b", "--json")),
                Arguments.of("count/estimate-json", 0, List.of("count", "--estimate", "--json")),
                Arguments.of("stats/text", 0, List.of("stats")),
                Arguments.of("stats/json", 0, List.of("stats", "--json")),
                Arguments.of("properties/text", 0, List.of("properties")),
                Arguments.of("properties/json", 0, List.of("properties", "--json")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsItsGoldenOutput(String name, int exitCode, List<String> args) {
        assertGoldenRun(db, name, exitCode, args);
    }

    static Stream<Arguments> familyCases() {
        return Stream.of(
                Arguments.of("columns/list", 0, List.of("columns", "list")),
                Arguments.of("columns/list-json", 0, List.of("cf", "ls", "--json")),
                Arguments.of("get/family", 0, List.of("get", "-c", "users", "alice")),
                Arguments.of("get/family-json", 0, List.of("get", "apple", "--column-family", "users", "--json")),
                Arguments.of("get/family-default", 0, List.of("get", "apple", "-c", "default")),
                Arguments.of("scan/family", 0, List.of("scan", "-c", "users")),
                Arguments.of("scan/family-json", 0, List.of("scan", "-c", "users", "--json", "--reverse")),
                Arguments.of("scan/family-default", 0, List.of("scan")),
                Arguments.of("scan/family-empty", 0, List.of("scan", "-c", "empty")),
                Arguments.of("count/family", 0, List.of("count", "-c", "users", "--start", "b")),
                Arguments.of("count/family-estimate-json", 0, List.of("count", "-c", "users", "--estimate", "--json")),
                Arguments.of("stats/families", 0, List.of("stats")),
                Arguments.of("stats/families-json", 0, List.of("stats", "--json")),
                Arguments.of("stats/family", 0, List.of("stats", "-c", "users")),
                Arguments.of("stats/family-json", 0, List.of("stats", "--column-family", "users", "--json")),
                Arguments.of("properties/families", 0, List.of("properties")),
                Arguments.of("properties/families-json", 0, List.of("properties", "--json")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("familyCases")
    void columnFamilyCasePrintsItsGoldenOutput(String name, int exitCode, List<String> args) {
        assertGoldenRun(families, name, exitCode, args);
    }

    private static void assertGoldenRun(Path dir, String name, int exitCode, List<String> args) {
        List<String> all = new ArrayList<>(List.of("--db", dir.toString()));
        all.addAll(args);

        Cli.Run r = Cli.run(all.toArray(new String[0]));

        assertThat(r.err()).as("stderr of %s", name).isEmpty();
        assertThat(r.exitCode()).isEqualTo(exitCode);
        Cli.assertGolden(name, Cli.masked(r.out(), dir));
    }

    /** Every command that takes -c says which family is missing, on stderr only, with exit code 3. */
    @Test
    void aMissingColumnFamilyIsExitCodeThree() {
        String missing = "strata: ERR_COLUMN_FAMILY_NOT_FOUND: no column family named 'nope' in " + families
                + " ('strata columns list' lists them)\n";
        for (List<String> args : List.of(List.of("get", "-c", "nope", "apple"), List.of("scan", "-c", "nope"),
                List.of("count", "--column-family", "nope"), List.of("count", "-c", "nope", "--estimate"),
                List.of("stats", "-c", "nope"), List.of("stats", "-c", "nope", "--json"),
                List.of("get", "-c", "", "apple"))) {
            List<String> all = new ArrayList<>(List.of("--db", families.toString()));
            all.addAll(args);
            Cli.Run r = Cli.run(all.toArray(new String[0]));
            assertThat(r.exitCode()).as("%s", args).isEqualTo(ExitCode.NOT_FOUND);
            assertThat(r.out()).as("%s", args).isEmpty();
            assertThat(r.err()).as("%s", args).isEqualTo(args.contains("") ? missing.replace("'nope'", "''") : missing);
        }
    }

    @Test
    void aKeyMissingFromAFamilySaysWhichFamily() {
        Cli.Run removed = Cli.run("--db", families.toString(), "get", "-c", "users", "bob");
        assertThat(removed.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(removed.err()).isEqualTo("strata: key not found in column family 'users': bob\n");
        Cli.Run otherFamily = Cli.run("--db", families.toString(), "get", "alice");
        assertThat(otherFamily.exitCode()).as("alice is only in users").isEqualTo(ExitCode.NOT_FOUND);
        assertThat(otherFamily.err()).isEqualTo("strata: key not found: alice\n");
    }

    @Test
    void aMissingKeyIsExitCodeThreeWithTheReasonOnStderrOnly() {
        Cli.Run r = Cli.run("--db", db.toString(), "get", "banana");
        assertThat(r.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("strata: key not found: banana\n");

        Cli.Run json = Cli.run("--db", db.toString(), "get", "nope", "--json");
        assertThat(json.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(json.out()).as("errors never go to stdout, whatever the format").isEmpty();
        assertThat(json.err()).isEqualTo("strata: key not found: nope\n");
    }

    @Test
    void jsonScanIsOneObjectPerLineWithBase64KeysAndValues() {
        Cli.Run r = Cli.run("--db", db.toString(), "scan", "--json");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines).allSatisfy(l -> assertThat(l).matches("\\{\"key\":\"[A-Za-z0-9+/=]*\",\"value\":\"[A-Za-z0-9+/=]*\"}"));
        String binKey = Base64.getEncoder().encodeToString(new byte[]{'b', 'i', 'n', 0, (byte) 0xFF});
        String binValue = Base64.getEncoder().encodeToString(new byte[]{0, 1, 2, (byte) 0xFE});
        assertThat(lines).contains("{\"key\":\"" + binKey + "\",\"value\":\"" + binValue + "\"}");
    }

    @Test
    void badRangeArgumentsAreUsageErrors() {
        for (List<String> bad : List.of(
                List.of("scan", "--prefix", "a", "--start", "b"),
                List.of("scan", "--start-exclusive"),
                List.of("scan", "--end-inclusive"),
                List.of("scan", "--limit", "-1"),
                List.of("count", "--estimate", "--prefix", "a"),
                List.of("scan", "--limit", "many"),
                List.of("get", "zz", "--format", "hex"),
                List.of("get", "a\\q"),
                List.of("get"),
                List.of("get", "a", "b"))) {
            List<String> all = new ArrayList<>(List.of("--db", db.toString()));
            all.addAll(bad);
            Cli.Run r = Cli.run(all.toArray(new String[0]));
            assertThat(r.exitCode()).as("%s", bad).isEqualTo(ExitCode.USAGE);
            assertThat(r.out()).as("%s", bad).isEmpty();
            assertThat(r.err()).as("%s", bad).startsWith("strata: ");
        }
    }
}
