package dev.strata.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the suite: for each run, one child JVM per engine ({@link BenchChild}), engines in
 * alternating order (given order on odd runs, reversed on even runs) so that no engine always
 * goes first on a warm or cold machine. Then aggregates, prints the table, and writes
 * results.json, results.csv and ratios.svg into the out directory.
 *
 * <p>Shared machines vary up to 2x between runs, so ratios are formed within a run only
 * (Strata and RocksDB of the same run) and every number is reported as a range over runs.
 */
public final class BenchMain {
    static final long DEFAULT_SEED = 20_240_601L;

    private static final Set<String> OPTIONS = Set.of("size", "keys", "engines", "workloads", "runs", "cache-mb",
            "cached-cache-mb", "memtable-mb", "seed", "out", "jvm-args", "timeout-min", "keep-data");
    private static final Set<String> FLAGS = Set.of("help");

    private BenchMain() {
    }

    public static void main(String[] argv) throws IOException, InterruptedException {
        Config c;
        try {
            c = Config.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (c == null) {
            System.out.println(usage());
            return;
        }
        Args a = c.args;
        Size size = c.size;
        List<String> engines = c.engines;
        Set<Workload> workloads = c.workloads;
        int runs = c.runs;
        long cacheMb = c.cacheMb;
        long cachedCacheMb = c.cachedCacheMb;
        long memtableMb = c.memtableMb;
        long seed = c.seed;
        Path out = c.out;
        String jvmArgs = c.jvmArgs;
        long timeoutMin = c.timeoutMin;
        boolean keepData = c.keepData;

        Files.createDirectories(out.resolve("raw"));
        Instant started = Instant.now();
        List<WorkloadResult> all = new ArrayList<>();
        List<String> orders = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            List<String> order = new ArrayList<>(engines);
            if (run % 2 == 0) {
                Collections.reverse(order);
            }
            orders.add(String.join(",", order));
            for (String engine : order) {
                System.err.printf("== run %d/%d, engine %s (order %s)%n", run, runs, engine, order);
                all.addAll(runChild(run, engine, a, size, workloads, cacheMb, cachedCacheMb, memtableMb, seed, out,
                        jvmArgs, timeoutMin, keepData));
            }
        }

        if (!keepData) {
            WorkloadRunner.deleteRecursively(out.resolve("data"));
        }

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("started", started.toString());
        meta.put("finished", Instant.now().toString());
        meta.put("size", size.name());
        meta.put("keys", size.keys());
        meta.put("reads", size.reads());
        meta.put("seeks", size.seeks());
        meta.put("syncOps", size.syncOps());
        meta.put("txnOps", size.txnOps());
        meta.put("mixedOps", size.mixedOps());
        meta.put("keyBytes", Data.KEY_SIZE);
        meta.put("valueBytes", Data.VALUE_SIZE);
        meta.put("seed", seed);
        meta.put("runs", runs);
        meta.put("engineOrderPerRun", String.join(" | ", orders));
        meta.put("cacheMb", cacheMb);
        meta.put("cachedReadCacheMb", cachedCacheMb);
        meta.put("memtableMb", memtableMb);
        meta.put("childJvmArgs", jvmArgs);
        meta.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        meta.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        meta.put("cpus", Runtime.getRuntime().availableProcessors());
        meta.put("writeAmpMethod", "bytes written by the child process (/proc/self/io wchar) during the workload "
                + "and the close after it, divided by key+value bytes the workload wrote");
        Report report = new Report(all, engines, meta);
        System.out.println();
        System.out.print(report.table());
        Files.writeString(out.resolve("results.json"), report.json(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("results.csv"), report.csv(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("ratios.svg"), report.svg(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.resolve("results.json") + ", results.csv, ratios.svg");
        // The exit code makes a quick run usable as a smoke check: every workload completed on
        // every engine or was reported n/a (a missing feature). Timing never fails a run.
        long failed = all.stream().filter(r -> WorkloadResult.ERROR.equals(r.status())
                || WorkloadResult.SKIPPED.equals(r.status())).count();
        if (failed > 0) {
            System.err.println(failed + " workload result(s) failed or were skipped; see the table and "
                    + out.resolve("raw"));
            System.exit(1);
        }
    }

    private static List<WorkloadResult> runChild(int run, String engine, Args a, Size size, Set<Workload> workloads,
                                                 long cacheMb, long cachedCacheMb, long memtableMb, long seed,
                                                 Path out, String jvmArgs, long timeoutMin, boolean keepData)
            throws IOException, InterruptedException {
        Path dataDir = out.resolve("data").resolve("run" + run + "-" + engine);
        Path resultFile = out.resolve("raw").resolve("run" + run + "-" + engine + ".jsonl");
        Files.deleteIfExists(resultFile);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String s : jvmArgs.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                cmd.add(s);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchChild.class.getName());
        cmd.addAll(List.of("--engine", engine, "--run", Integer.toString(run),
                "--workloads", Workload.ids(workloads), "--cache-mb", Long.toString(cacheMb),
                "--cached-cache-mb", Long.toString(cachedCacheMb), "--memtable-mb", Long.toString(memtableMb),
                "--seed", Long.toString(seed), "--dir", dataDir.toString(), "--result", resultFile.toString()));
        if (a.has("keys")) {
            cmd.addAll(List.of("--keys", Long.toString(size.keys())));
        } else {
            cmd.addAll(List.of("--size", size.name()));
        }
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        String failure = null;
        if (!p.waitFor(timeoutMin, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            failure = "child timed out after " + timeoutMin + " min";
        } else if (p.exitValue() != 0) {
            failure = "child exited with code " + p.exitValue();
        }
        List<WorkloadResult> results = new ArrayList<>();
        Set<String> done = new java.util.HashSet<>();
        if (Files.exists(resultFile)) {
            for (String line : Files.readAllLines(resultFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    WorkloadResult r = WorkloadResult.fromJson(line);
                    results.add(r);
                    done.add(r.workload());
                }
            }
        }
        // Workloads the child never reported (it died or hung) are errors, not silently absent.
        for (Workload w : EnumSet.copyOf(workloads)) {
            if (!done.contains(w.id)) {
                results.add(WorkloadResult.notRun(run, engine, w, WorkloadResult.ERROR,
                        failure == null ? "child reported no result" : failure));
            }
        }
        if (failure != null) {
            System.err.println("!! run " + run + " " + engine + ": " + failure);
        }
        if (!keepData) {
            WorkloadRunner.deleteRecursively(dataDir);
        }
        return results;
    }

    /** The command line, validated before anything runs so that a typo costs nothing. */
    private record Config(Args args, Size size, List<String> engines, Set<Workload> workloads, int runs,
                          long cacheMb, long cachedCacheMb, long memtableMb, long seed, Path out, String jvmArgs,
                          long timeoutMin, boolean keepData) {

        /** Null for --help. */
        static Config parse(String[] argv) {
            Args a = Args.parse(argv, OPTIONS, FLAGS);
            if (a.has("help")) {
                return null;
            }
            Size size = a.has("keys") ? Size.ofKeys(a.getLong("keys", 0)) : Size.byName(a.get("size", "quick"));
            int runs = a.getInt("runs", 2);
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1");
            }
            long cacheMb = a.getLong("cache-mb", 32);
            long cachedCacheMb = a.getLong("cached-cache-mb", 512);
            long memtableMb = a.getLong("memtable-mb", EngineSettings.DEFAULT_MEMTABLE_BYTES >> 20);
            if (cacheMb < 1 || cachedCacheMb < 1 || memtableMb < 1) {
                throw new IllegalArgumentException("cache and memtable sizes must be at least 1 MiB");
            }
            return new Config(a, size, Engines.parse(a.get("engines", String.join(",", Engines.ALL))),
                    Workload.parse(a.get("workloads", "all")), runs, cacheMb, cachedCacheMb, memtableMb,
                    a.getLong("seed", DEFAULT_SEED), Path.of(a.get("out", "bench-results")).toAbsolutePath(),
                    a.get("jvm-args", "-Xmx4g"), a.getLong("timeout-min", size == Size.FULL ? 240 : 30),
                    Boolean.parseBoolean(a.get("keep-data", "false")));
        }
    }

    static String usage() {
        return String.join("\n",
                "usage: bench/run [options]",
                "  --size quick|full        quick: 100,000 keys (CI smoke, minutes); full: 1,000,000 keys (default quick)",
                "  --keys N                 custom key count instead of --size (other counts scale with it)",
                "  --engines LIST           comma-separated: " + String.join(",", Engines.ALL) + " (default all)",
                "  --workloads LIST|all     comma-separated ids (default all): "
                        + Workload.ids(EnumSet.allOf(Workload.class)),
                "  --runs N                 runs; each runs every engine in a fresh JVM (default 2)",
                "  --cache-mb N             block/page cache for all engines (default 32)",
                "  --cached-cache-mb N      cache for the *_cached reads, large enough for the data (default 512)",
                "  --memtable-mb N          memtable / write buffer (default 64, Strata's default)",
                "  --seed N                 data and order seed (default " + DEFAULT_SEED + ")",
                "  --out DIR                where results.json, results.csv, ratios.svg go (default bench-results)",
                "  --jvm-args \"...\"         child JVM options (default -Xmx4g)",
                "  --timeout-min N          per child (default 30, full 240)",
                "  --keep-data true         keep the database directories under OUT/data");
    }
}
