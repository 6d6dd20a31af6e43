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
 * The reading commands (get, scan, count, stats, properties) against the fixture database, each
 * case's stdout compared with its golden file, exit code and stderr asserted. Reading commands
 * open read-only, so the fixture is shared by every case and must come out unchanged.
 */
class ReadCommandsGoldenTest {
    @TempDir
    static Path tmp;
    static Path db;
    static Map<Path, byte[]> files;

    @BeforeAll
    static void buildFixture() {
        db = Cli.fixture(tmp.resolve("db"));
        files = Cli.contents(db);
    }

    @AfterAll
    static void readingChangedNoFile() {
        Cli.assertSameContents(files, Cli.contents(db));
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
        List<String> all = new ArrayList<>(List.of("--db", db.toString()));
        all.addAll(args);

        Cli.Run r = Cli.run(all.toArray(new String[0]));

        assertThat(r.err()).as("stderr of %s", name).isEmpty();
        assertThat(r.exitCode()).isEqualTo(exitCode);
        Cli.assertGolden(name, Cli.masked(r.out(), db));
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
