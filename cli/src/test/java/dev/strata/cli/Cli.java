package dev.strata.cli;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the tool in-process, as {@code strata ARGS} would run, and compares its output with the
 * golden files under {@code src/test/resources/golden/<command>/<case>.out}. The database path
 * in output is replaced by {@code $DB}, so golden files do not depend on the temporary directory.
 * Run with {@code -Dstrata.cli.golden.update=true} to rewrite the golden files from the current
 * output (then review the diff).
 */
final class Cli {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    private Cli() {
    }

    static Run run(String... args) {
        return run(false, "", args);
    }

    /** Runs with {@code stdin} as input; {@code terminal} pretends a person watches (progress, prompts). */
    static Run run(boolean terminal, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Session s = new Session(new PrintWriter(out, true), new PrintWriter(err, true),
                new BufferedReader(new StringReader(stdin)), () -> terminal, DatabaseAccess.perCommand());
        int code = StrataCli.run(s, args);
        return new Run(code, out.toString(), err.toString());
    }

    /** {@code --db DIR} followed by {@code args}: a command line on one database. */
    static String[] withDb(Path db, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--db";
        all[1] = db.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    /** {@code text} with the database directory written as {@code $DB}. */
    static String masked(String text, Path db) {
        return text.replace(db.toAbsolutePath().normalize().toString(), "$DB");
    }

    /**
     * {@code text} with {@code tmp} (the test's temporary directory) written as {@code $TMP} and
     * times (ISO-8601 instants, {@code "timestamp":} milliseconds) as {@code $TIME} / {@code $MS},
     * for golden files of commands whose output names several directories or the time.
     */
    static String maskedTmp(String text, Path tmp) {
        return text.replace(tmp.toAbsolutePath().normalize().toString(), "$TMP")
                .replaceAll("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z", "\\$TIME")
                .replaceAll("\"timestamp\":\\d+", "\"timestamp\":\\$MS");
    }

    static void assertGolden(String name, String actual) {
        Path file = GOLDEN.resolve(name + ".out");
        try {
            if (Boolean.getBoolean("strata.cli.golden.update")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            }
            assertThat(file).as("golden file %s (create it with -Dstrata.cli.golden.update=true)", file).exists();
            assertThat(actual).as("stdout against %s", file).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    /**
     * The fixture every golden test reads: fruit keys, one binary key and one binary value, a
     * delete and an overwrite; the first half flushed into a table, the rest only in the WAL.
     */
    static Path fixture(Path dir) {
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults())) {
            db.put(b("apple"), b("red"));
            db.put(b("banana"), b("yellow"));
            db.put(b("cherry"), b("dark red"));
            db.put(new byte[]{'b', 'i', 'n', 0, (byte) 0xFF}, new byte[]{0, 1, 2, (byte) 0xFE});
            db.flush();
            db.put(b("date"), b("brown"));
            db.put(b("elderberry"), "purple\\black".getBytes(StandardCharsets.UTF_8));
            db.put(b("fig"), "violet – ripe".getBytes(StandardCharsets.UTF_8));
            db.remove(b("banana"));
            db.put(b("cherry"), b("red"));
        }
        return dir;
    }

    /**
     * The fixture of the column-family cases: the default family holds apple and banana; "users"
     * holds alice, bob and carol and its own apple, all flushed, then bob removed and dave added
     * (only in the WAL); "empty" was created last and holds nothing. Seqnos: 1-2 default, 3 the
     * create of users, 4-7 its puts, 8-9 its remove and put, 10 the create of empty.
     */
    static Path familyFixture(Path dir) {
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults())) {
            db.put(b("apple"), b("red"));
            db.put(b("banana"), b("yellow"));
            ColumnFamily users = db.createColumnFamily("users");
            users.put(b("alice"), b("admin"));
            users.put(b("bob"), b("dev"));
            users.put(b("carol"), b("ops"));
            users.put(b("apple"), b("a user's apple"));
            db.flush();
            users.remove(b("bob"));
            users.put(b("dave"), b("qa"));
            db.createColumnFamily("empty");
        }
        return dir;
    }

    /** Every regular file under {@code dir} and its bytes, to show a command changed nothing. */
    static java.util.Map<Path, byte[]> contents(Path dir) {
        java.util.Map<Path, byte[]> m = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                m.put(p, Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + dir, e);
        }
        return m;
    }

    static void assertSameContents(java.util.Map<Path, byte[]> before, java.util.Map<Path, byte[]> after) {
        assertThat(after.keySet()).isEqualTo(before.keySet());
        after.forEach((p, bytes) -> assertThat(bytes).as("%s unchanged", p).isEqualTo(before.get(p)));
    }

    /** XORs the byte at {@code offset} of {@code file} with 0xFF. */
    static void flip(Path file, long offset) {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int v = f.read();
            f.seek(offset);
            f.write(v ^ 0xFF);
        } catch (IOException e) {
            throw new AssertionError("cannot flip a byte of " + file, e);
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
