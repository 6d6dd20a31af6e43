package dev.strata.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every workload completes on every engine with the expected operation counts, and reads find
 * exactly what was written. In-process and tiny; no timing is asserted (CI machines vary).
 */
class BenchSmokeTest {
    private static final long KEYS = 2_000;
    private static final Size SIZE = Size.ofKeys(KEYS);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"strata", "rocksdb", "mvstore"})
    void everyWorkloadCompletes(String engine) throws Exception {
        List<WorkloadResult> sunk = new ArrayList<>();
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        WorkloadRunner runner = new WorkloadRunner(Engines.factory(engine), tmp.resolve(engine), SIZE,
                new EngineSettings(false, 8L << 20, 4L << 20, false), 64L << 20, 7, 1, sunk::add, log);
        List<WorkloadResult> results = runner.run(EnumSet.allOf(Workload.class));
        String logText = logBytes.toString(StandardCharsets.UTF_8);

        assertEquals(results, sunk, "every result is also streamed to the sink");
        Map<String, WorkloadResult> byId = results.stream()
                .collect(Collectors.toMap(WorkloadResult::workload, r -> r));
        assertEquals(Workload.values().length, byId.size(), "one result per workload: " + byId.keySet());

        for (Workload w : Workload.values()) {
            WorkloadResult r = byId.get(w.id);
            assertEquals(WorkloadResult.OK, r.status(), w.id + " on " + engine + ": " + r.note() + "\n" + logText);
            assertEquals(expectedOps(w), r.ops(), w.id + " ops");
            assertTrue(r.seconds() > 0, w.id + " has a duration");
            assertTrue(r.p50Us() >= 0 && r.p99Us() >= r.p50Us() && r.p999Us() >= r.p99Us(), w.id + " percentiles");
            assertTrue(r.diskBytes() > 0, w.id + " disk measured");
            if (w.writes) {
                assertTrue(r.userWriteBytes() > 0, w.id + " counts user bytes");
            }
        }
        // Reads found exactly what was written.
        assertEquals(SIZE.reads(), byId.get("readrandom1").found(), "readrandom1 hits");
        assertEquals(SIZE.reads(), byId.get("readrandom2").found(), "readrandom2 hits");
        // Each cached twin reads the same keys as its default-cache workload, so finds the same.
        for (Workload w : Workload.values()) {
            if (w.wholeSetCached()) {
                assertEquals(byId.get(w.uncached().id).found(), byId.get(w.id).found(), w.id + " hits");
                assertEquals(byId.get(w.uncached().id).ops(), byId.get(w.id).ops(), w.id + " ops");
            }
        }
        assertEquals(0, byId.get("readmissing").found(), "readmissing must miss");
        assertEquals(KEYS, byId.get("readseq").found(), "readseq sees every key once");
        WorkloadResult seek = byId.get("seekrandom");
        assertTrue(seek.found() > SIZE.seeks() * 9 && seek.found() <= SIZE.seeks() * 10,
                "seekrandom reads up to 10 entries per seek, got " + seek.found());
        WorkloadResult mixed = byId.get("mixed90_10");
        long mixedWrites = mixed.userWriteBytes() / (Data.KEY_SIZE + Data.VALUE_SIZE);
        assertEquals(SIZE.mixedOps() - mixedWrites, mixed.found(), "every mixed read hits");
        assertTrue(mixedWrites > SIZE.mixedOps() / 20 && mixedWrites < SIZE.mixedOps() / 5, "about 10% writes");
        // deleterandom checks itself that a sample of keys is gone, and fails the workload if not.
        assertFalse(logText.contains("failed"), logText);
    }

    private static long expectedOps(Workload w) {
        return switch (w.uncached()) {
            case FILLSEQ, FILLBATCH, FILLRANDOM, OVERWRITE, DELETERANDOM, READSEQ -> KEYS;
            case FILLSYNC1, FILLSYNC4 -> SIZE.syncOps();
            case TRANSACTIONS -> SIZE.txnOps();
            case READRANDOM1, READRANDOM2, READMISSING -> SIZE.reads();
            case SEEKRANDOM -> SIZE.seeks();
            case MIXED -> SIZE.mixedOps();
            default -> throw new IllegalArgumentException("no expected count for " + w);
        };
    }

    @Test
    void readsRunAtTheDefaultCacheAndWithTheWholeSetCached() throws Exception {
        long defaultCache = 8L << 20;
        long wholeSet = 64L << 20;
        List<Long> cachePerOpen = new ArrayList<>();
        Set<Workload> chain = EnumSet.range(Workload.FILLRANDOM, Workload.READSEQ_CACHED);
        WorkloadRunner runner = new WorkloadRunner(
                () -> new SettingsRecorder(Engines.factory("strata").get(), s -> cachePerOpen.add(s.cacheBytes())),
                tmp.resolve("cache"), SIZE, new EngineSettings(false, defaultCache, 4L << 20, false), wholeSet, 7, 1,
                r -> { }, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        List<WorkloadResult> results = runner.run(chain);

        assertTrue(results.stream().allMatch(WorkloadResult::ok), results.toString());
        // One open per workload, in workload order.
        List<Long> expected = new ArrayList<>();
        for (Workload w : chain) {
            expected.add(w.wholeSetCached() ? wholeSet : defaultCache);
        }
        assertEquals(expected, cachePerOpen);
        assertEquals(5, chain.stream().filter(Workload::wholeSetCached).count(), "a cached twin per read workload");
    }

    @Test
    void permutationVisitsEveryIndexOnce() {
        for (long n : new long[] {1, 2, 3, 100, 1_000, 4_097}) {
            Data.Permutation p = new Data.Permutation(n, 42, 1);
            Set<Long> seen = new HashSet<>();
            for (long i = 0; i < n; i++) {
                long x = p.apply(i);
                assertTrue(x >= 0 && x < n);
                assertTrue(seen.add(x), "duplicate " + x + " for n=" + n);
            }
        }
    }

    @Test
    void missingKeysSortBetweenWrittenKeys() {
        assertTrue(Arrays.compareUnsigned(Data.key(5), Data.missingKey(5)) < 0);
        assertTrue(Arrays.compareUnsigned(Data.missingKey(5), Data.key(6)) < 0);
        assertTrue(Arrays.compareUnsigned(Data.key(255), Data.key(256)) < 0);
    }

    @Test
    void valuesAreHalfCompressibleAndCheckable() {
        Data d = new Data(1);
        byte[] v = d.value(123, 0);
        assertEquals(Data.VALUE_SIZE, v.length);
        assertTrue(d.isValue(v, 123, 0));
        assertFalse(d.isValue(v, 123, 1) && d.isValue(v, 124, 0), "values differ by key and version");
        // The second half repeats the first: db_bench's compression ratio 0.5.
        assertTrue(Arrays.equals(v, 0, 50, v, 50, 100));
    }

    @Test
    void resultsRoundTripThroughJsonAndReport() {
        List<WorkloadResult> rows = new ArrayList<>();
        for (int run = 1; run <= 2; run++) {
            rows.add(new WorkloadResult(run, "strata", "fillseq", "ok", "a \"quoted\", note", 1, 100, 100, 0.5,
                    200.0 * run, 1.5, 1, 2, 3, 4, "op", 11600, 20000, 1.72, 4096));
            rows.add(new WorkloadResult(run, "rocksdb", "fillseq", "ok", "", 1, 100, 100, 0.25, 400, 3, 1, 2, 3, 4,
                    "op", 11600, 30000, 2.5, 8192));
            rows.add(WorkloadResult.notRun(run, "strata", Workload.TRANSACTIONS, WorkloadResult.NOT_APPLICABLE,
                    "an engine without transactions"));
        }
        for (WorkloadResult r : rows) {
            assertEquals(r.toJson(), WorkloadResult.fromJson(r.toJson()).toJson());
        }
        Report report = new Report(rows, List.of("strata", "rocksdb"), Map.of("size", "test", "keys", 100, "runs", 2));
        assertEquals(List.of(0.5, 1.0), report.ratios("fillseq"));
        String table = report.table();
        assertTrue(table.contains("0.50-1.00"), table);
        assertTrue(table.contains("n/a (an engine without transactions)"), table);
        String svg = report.svg();
        assertTrue(svg.startsWith("<svg") && svg.contains(">fillseq<") && svg.contains("n/a ("), svg);
        assertEquals(rows.size() + 1, report.csv().lines().count());
        assertTrue(report.json().contains("\"ratioStrataRocksdbGeoMean\""));
    }
}
