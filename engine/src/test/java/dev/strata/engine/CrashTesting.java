package dev.strata.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Shared by the crash and fault tests: the seed and scale properties, a fast scratch directory,
 * and reading a whole database into a map for comparison with a model.
 *
 * <p>{@code -Dstrata.seed=N} replays a run (every test prints its seed); {@code
 * -Dstrata.test.scale=soak} runs the long tier.
 */
public final class CrashTesting {
    static {
        // Thousands of recoveries each log "Recovered N records" and torn-tail warnings; keep the
        // test output readable unless asked (best effort: takes effect if these loggers are not
        // yet created in this JVM).
        for (String logger : new String[] {"dev.strata.engine.StrataDatabase", "dev.strata.engine.wal.WalRecovery"}) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "error");
            }
        }
    }

    private CrashTesting() {
    }

    /**
     * Turns the given loggers off (best effort, as above): for fault tests that make the engine
     * log thousands of expected background failures.
     */
    public static void silence(String... loggers) {
        for (String logger : loggers) {
            System.setProperty("org.slf4j.simpleLogger.log." + logger, "off");
        }
    }

    /**
     * The options of every crash test's database: a tiny tree (4 KiB memtables, small tables and
     * levels), so flushes, compactions, manifest installs and WAL segment deletion all run while
     * the writers are killed. Both the child and the verifying parent open with these.
     */
    public static StrataOptions options(Durability durability) {
        return StrataOptions.defaults().durability(durability).memtableSize(16 << 10).blockSize(512)
                .targetFileSize(16 << 10).levelBaseSize(64 << 10).levelMultiplier(4)
                .l0CompactionTrigger(2).l0StopWritesTrigger(8).walSegmentSize(64 << 10).walKeepSize(128 << 10)
                .transactionLogRetentionCheckInterval(java.time.Duration.ofMillis(100));
    }

    /** The seed from {@code strata.seed}, or a fresh one. */
    public static long seed() {
        String s = System.getProperty("strata.seed");
        return s == null || s.isBlank() ? System.nanoTime() ^ 0x5DEECE66DL : Long.parseLong(s.trim());
    }

    public static boolean soak() {
        return "soak".equalsIgnoreCase(System.getProperty("strata.test.scale", "ci").trim());
    }

    /** {@code ci} normally, {@code soak} under {@code -Dstrata.test.scale=soak}. */
    public static int scaled(int ci, int soak) {
        return soak() ? soak : ci;
    }

    /**
     * A new scratch directory, on tmpfs ({@code /dev/shm}) when there is one: power-loss images
     * are written and forced by the thousand, and their fsyncs would dominate on a disk.
     */
    public static Path scratchDir(String prefix) throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, prefix);
        }
        return Files.createTempDirectory(prefix);
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Every key and value of the latest state, as ISO-8859-1 strings. */
    public static TreeMap<String, String> contents(StrataDatabase db) {
        TreeMap<String, String> m = new TreeMap<>();
        try (StrataIterator<KeyValue> it = db.iterator(RangeOptions.all())) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                m.put(s(kv.key()), s(kv.value()));
            }
        }
        return m;
    }

    /**
     * Every key and value of every column family: the default family's keys as they are, another
     * family's as {@link KvOp#modelKey} qualifies them ({@code family + ":" + key}).
     */
    public static TreeMap<String, String> contentsOfEveryFamily(StrataDatabase db) {
        TreeMap<String, String> m = contents(db);
        for (String family : db.columnFamilies()) {
            ColumnFamily f = db.columnFamily(family);
            if (f.id() == db.defaultColumnFamily().id()) {
                continue;
            }
            try (StrataIterator<KeyValue> it = f.iterator(RangeOptions.all())) {
                while (it.hasNext()) {
                    KeyValue kv = it.next();
                    m.put(KvOp.modelKey(family, s(kv.key())), s(kv.value()));
                }
            }
        }
        return m;
    }

    /** An exception and its causes, each with its first stack frames, on one line: for failure messages. */
    public static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t == e ? "" : " caused by ").append(t).append(" at ")
                    .append(java.util.Arrays.stream(t.getStackTrace()).limit(6).map(String::valueOf)
                            .collect(java.util.stream.Collectors.joining(" < ")));
        }
        return b.toString();
    }

    /** The first difference between two states, for failure messages. */
    public static String diff(TreeMap<String, String> expected, TreeMap<String, String> actual) {
        for (var e : expected.entrySet()) {
            String a = actual.get(e.getKey());
            if (!e.getValue().equals(a)) {
                return "key " + e.getKey() + ": expected " + abbrev(e.getValue()) + ", found " + abbrev(a);
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                return "key " + k + ": expected absent, found " + abbrev(actual.get(k));
            }
        }
        return "equal";
    }

    private static String abbrev(String v) {
        return v == null ? "absent" : v.length() > 24 ? v.substring(0, 24) + "...(" + v.length() + ")" : v;
    }
}
