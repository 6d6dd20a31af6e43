package dev.strata.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One engine, one run, in its own JVM (started by {@link BenchMain}): runs the workloads on a
 * fresh directory and appends one JSON line per workload to the result file as each finishes, so
 * a crash part-way still leaves the finished ones. Progress goes to stderr.
 */
public final class BenchChild {
    private static final Set<String> OPTIONS = Set.of("engine", "run", "size", "keys", "workloads", "cache-mb",
            "cached-cache-mb", "memtable-mb", "seed", "dir", "result");

    private BenchChild() {
    }

    public static void main(String[] argv) throws IOException {
        Args a = Args.parse(argv, OPTIONS, Set.of());
        String engine = a.get("engine", null);
        if (engine == null || !a.has("dir") || !a.has("result")) {
            throw new IllegalArgumentException("BenchChild needs --engine, --dir and --result");
        }
        Size size = a.has("keys") ? Size.ofKeys(a.getLong("keys", 0)) : Size.byName(a.get("size", "quick"));
        EngineSettings settings = new EngineSettings(false, a.getLong("cache-mb", 32) << 20,
                a.getLong("memtable-mb", EngineSettings.DEFAULT_MEMTABLE_BYTES >> 20) << 20, false);
        Path dir = Path.of(a.get("dir", null));
        Path result = Path.of(a.get("result", null));
        Files.createDirectories(dir);
        if (result.getParent() != null) {
            Files.createDirectories(result.getParent());
        }
        try (BufferedWriter out = Files.newBufferedWriter(result, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            WorkloadRunner runner = new WorkloadRunner(Engines.factory(engine), dir, size, settings,
                    a.getLong("cached-cache-mb", 512) << 20, a.getLong("seed", BenchMain.DEFAULT_SEED),
                    a.getInt("run", 1), r -> {
                        try {
                            out.write(r.toJson());
                            out.newLine();
                            out.flush();
                        } catch (IOException e) {
                            throw new UncheckedIOException("writing " + result, e);
                        }
                    }, System.err);
            runner.run(Workload.parse(a.get("workloads", "all")));
        }
    }
}
