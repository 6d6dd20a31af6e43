package dev.strata.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Runs the selected workloads, in {@link Workload} order, on one engine, in one process. Used by
 * {@link BenchChild} (one JVM per engine and run) and directly by the smoke test.
 *
 * <p>The fills that need their own configuration (fillseq, fillbatch, fillsync, transactions)
 * each get a fresh database that is deleted afterwards. The rest form a chain on one database:
 * fillrandom writes every key, the reads read it, overwrite rewrites it, mixed90_10 reads and
 * writes it, deleterandom empties it. If fillrandom is not selected, an untimed load stands in.
 * The {@code *_cached} reads reopen that database with a cache holding all of it and warm it
 * with a full scan before timing (see {@link Workload#uncached()}).
 * Every workload opens the engine, runs, and closes it (close flushes), so each one starts from
 * table files with a cold engine cache, and space and bytes written include the flush.
 *
 * <p>Only the engine calls are timed; keys and values are built outside the timed region.
 */
public final class WorkloadRunner {
    public static final int BATCH_SIZE = 1_000;
    private static final int SEEK_NEXT = 10;
    private static final int DELETE_CHECK_SAMPLE = 1_000;

    // Salts give each workload its own key order from the one seed.
    private static final long SALT_FILLRANDOM = 1;
    private static final long SALT_OVERWRITE = 2;
    private static final long SALT_FILLSYNC = 3;
    private static final long SALT_DELETE = 4;
    private static final long SALT_TXN = 5;
    private static final long SALT_READS = 100;

    private final Supplier<Engine> factory;
    private final Path baseDir;
    private final Size size;
    private final EngineSettings defaults;
    private final long cachedReadCacheBytes;
    private final Data data;
    private final int run;
    private final Consumer<WorkloadResult> sink;
    private final PrintStream log;

    /** Value version every key currently holds in the chain database (0 fill, 1 overwrite). */
    private int version;

    public WorkloadRunner(Supplier<Engine> factory, Path baseDir, Size size, EngineSettings defaults,
                          long cachedReadCacheBytes, long seed, int run, Consumer<WorkloadResult> sink,
                          PrintStream log) {
        this.factory = factory;
        this.baseDir = baseDir;
        this.size = size;
        this.defaults = defaults;
        this.cachedReadCacheBytes = cachedReadCacheBytes;
        this.data = new Data(seed);
        this.run = run;
        this.sink = sink;
        this.log = log;
    }

    public List<WorkloadResult> run(Set<Workload> selected) throws IOException {
        List<WorkloadResult> results = new ArrayList<>();
        String engineName = factory.get().name();
        for (Workload w : EnumSet.range(Workload.FILLSEQ, Workload.TRANSACTIONS)) {
            if (selected.contains(w)) {
                Path dir = freshDir(w.id);
                results.add(emit(runOrReport(w, dir, engineName)));
                deleteRecursively(dir);
            }
        }
        Set<Workload> chain = EnumSet.range(Workload.FILLRANDOM, Workload.DELETERANDOM);
        chain.retainAll(selected);
        if (chain.isEmpty()) {
            return results;
        }
        Path dir = freshDir("main");
        version = 0;
        boolean failed = false;
        if (!chain.contains(Workload.FILLRANDOM)) {
            try {
                untimedLoad(dir);
            } catch (RuntimeException | IOException e) {
                logFailure("[" + engineName + "] untimed load failed", e);
                failed = true;
            }
        }
        for (Workload w : chain) {
            if (failed) {
                results.add(emit(WorkloadResult.notRun(run, engineName, w, WorkloadResult.SKIPPED,
                        "an earlier workload on this database failed")));
                continue;
            }
            WorkloadResult r = runOrReport(w, dir, engineName);
            failed = WorkloadResult.ERROR.equals(r.status());
            results.add(emit(r));
        }
        deleteRecursively(dir);
        return results;
    }

    private WorkloadResult emit(WorkloadResult r) {
        sink.accept(r);
        if (r.ok()) {
            log.printf(Locale.ROOT, "[run %d %s] %-18s %9d ops %8.2f s %12.0f ops/s  p99 %.1f us%n", run, r.engine(),
                    r.workload(), r.ops(), r.seconds(), r.opsPerSec(), r.p99Us());
        } else {
            log.printf(Locale.ROOT, "[run %d %s] %-18s %s: %s%n", run, r.engine(), r.workload(), r.status(), r.note());
        }
        return r;
    }

    /** Writes a failure and its causes, frame by frame, to the child's log (which the report points at). */
    private void logFailure(String what, Throwable e) {
        log.println(what + ":");
        for (Throwable t = e; t != null; t = t.getCause()) {
            log.println((t == e ? "  " : "  caused by: ") + t);
            for (StackTraceElement frame : t.getStackTrace()) {
                log.println("      at " + frame);
            }
        }
    }

    /** Runs one workload; a failure becomes an error result (with the stack trace in the log). */
    private WorkloadResult runOrReport(Workload w, Path dir, String engineName) {
        try {
            return runOne(w, dir);
        } catch (RuntimeException | IOException | AssertionError e) {
            logFailure("[run " + run + " " + engineName + "] " + w.id + " failed", e);
            return WorkloadResult.notRun(run, engineName, w, WorkloadResult.ERROR, String.valueOf(e));
        }
    }

    private WorkloadResult runOne(Workload w, Path dir) throws IOException {
        EngineSettings settings = switch (w) {
            case FILLSYNC1, FILLSYNC4 -> defaults.withSync(true);
            case TRANSACTIONS -> defaults.withTransactional(true);
            default -> w.wholeSetCached() ? defaults.withCacheBytes(cachedReadCacheBytes) : defaults;
        };
        Engine engine = factory.get();
        if (w == Workload.TRANSACTIONS && !engine.supportsTransactions()) {
            return WorkloadResult.notRun(run, engine.name(), w, WorkloadResult.NOT_APPLICABLE,
                    engine.name() + " has no transactions yet");
        }
        engine.open(dir, settings);
        boolean open = true;
        try {
            if (w.wholeSetCached()) {
                // Fill the (large) cache so the timed reads measure the cached path.
                engine.scan(null, Long.MAX_VALUE, (k, v) -> { });
            }
            long ioBefore = IoCounter.writtenBytes();
            // A cached twin runs its default-cache workload's body, salts included: the same keys
            // in the same order, so only the cache differs between the two rows.
            Measured m = execute(w.uncached(), engine);
            open = false;
            engine.close();
            long ioAfter = IoCounter.writtenBytes();
            long io = ioBefore < 0 || ioAfter < 0 ? -1 : ioAfter - ioBefore;
            long disk = Engine.diskUsage(dir);
            String note = m.note;
            if (settings.sync()) {
                note = (note.isEmpty() ? "" : note + "; ") + "sync: " + engine.syncMeaning();
            }
            return m.toResult(run, engine.name(), w, note, io, disk);
        } finally {
            if (open) {
                closeAfterFailure(engine);
            }
        }
    }

    /** Closes after a failure without hiding it: a close error is logged, the first one propagates. */
    private void closeAfterFailure(Engine engine) {
        try {
            engine.close();
        } catch (IOException | RuntimeException closeError) {
            log.println("[" + engine.name() + "] close after a failed workload also failed: " + closeError);
        }
    }

    private void untimedLoad(Path dir) throws IOException {
        try (Engine engine = factory.get()) {
            engine.open(dir, defaults);
            Data.Permutation perm = new Data.Permutation(size.keys(), data.seed(), SALT_FILLRANDOM);
            for (long start = 0; start < size.keys(); start += BATCH_SIZE) {
                try (Engine.Batch b = engine.newBatch()) {
                    for (long i = start; i < Math.min(size.keys(), start + BATCH_SIZE); i++) {
                        long idx = perm.apply(i);
                        b.put(Data.key(idx), data.value(idx, 0));
                    }
                    engine.write(b);
                }
            }
        }
    }

    private Measured execute(Workload w, Engine e) {
        long n = size.keys();
        int kv = Data.KEY_SIZE + Data.VALUE_SIZE;
        switch (w) {
            case FILLSEQ:
                return parallel(1, n, "op", (t, share, h, tally) -> {
                    for (long i = 0; i < n; i++) {
                        byte[] k = Data.key(i);
                        byte[] v = data.value(i, 0);
                        long t0 = System.nanoTime();
                        e.put(k, v);
                        h.recordValue(System.nanoTime() - t0);
                        tally.wrote(kv);
                    }
                });
            case FILLBATCH:
                return parallel(1, n, "batch of " + BATCH_SIZE, (t, share, h, tally) -> {
                    byte[][] keys = new byte[BATCH_SIZE][];
                    byte[][] values = new byte[BATCH_SIZE][];
                    for (long start = 0; start < n; start += BATCH_SIZE) {
                        int count = (int) Math.min(BATCH_SIZE, n - start);
                        for (int j = 0; j < count; j++) {
                            keys[j] = Data.key(start + j);
                            values[j] = data.value(start + j, 0);
                        }
                        long t0 = System.nanoTime();
                        try (Engine.Batch b = e.newBatch()) {
                            for (int j = 0; j < count; j++) {
                                b.put(keys[j], values[j]);
                            }
                            e.write(b);
                        }
                        h.recordValue(System.nanoTime() - t0);
                        for (int j = 0; j < count; j++) {
                            tally.wrote(kv);
                        }
                    }
                });
            case FILLSYNC1:
            case FILLSYNC4: {
                long ops = Math.min(size.syncOps(), n);
                return randomWrites(e, w == Workload.FILLSYNC1 ? 1 : 4, ops, SALT_FILLSYNC, 0);
            }
            case TRANSACTIONS: {
                long ops = Math.min(size.txnOps(), n);
                Data.Permutation perm = new Data.Permutation(n, data.seed(), SALT_TXN);
                return parallel(1, ops, "transaction", (t, share, h, tally) -> {
                    for (long i = 0; i < ops; i++) {
                        long idx = perm.apply(i);
                        byte[] k = Data.key(idx);
                        byte[] v = data.value(idx, 0);
                        long t0 = System.nanoTime();
                        e.putInTransaction(k, v);
                        h.recordValue(System.nanoTime() - t0);
                        tally.wrote(kv);
                    }
                });
            }
            case FILLRANDOM:
                return randomWrites(e, 1, n, SALT_FILLRANDOM, 0);
            case READRANDOM1:
                return randomReads(e, 1, w.ordinal());
            case READRANDOM2:
                return randomReads(e, 2, w.ordinal());
            case READMISSING:
                return parallel(1, size.reads(), "op", (t, share, h, tally) -> {
                    SplittableRandom r = new SplittableRandom(data.seed() + SALT_READS + w.ordinal());
                    for (long i = 0; i < share; i++) {
                        byte[] k = Data.missingKey(r.nextLong(n));
                        long t0 = System.nanoTime();
                        byte[] v = e.get(k);
                        h.recordValue(System.nanoTime() - t0);
                        tally.ops++;
                        tally.bytes += Data.KEY_SIZE;
                        if (v != null) {
                            tally.found++; // a bug in the engine; the smoke test asserts zero
                        }
                    }
                });
            case SEEKRANDOM:
                return parallel(1, size.seeks(), "seek+next" + SEEK_NEXT, (t, share, h, tally) -> {
                    SplittableRandom r = new SplittableRandom(data.seed() + SALT_READS + w.ordinal());
                    long[] bytes = new long[1];
                    for (long i = 0; i < share; i++) {
                        byte[] from = Data.key(r.nextLong(n));
                        long t0 = System.nanoTime();
                        long got = e.scan(from, SEEK_NEXT, (k, v) -> bytes[0] += k.length + v.length);
                        h.recordValue(System.nanoTime() - t0);
                        tally.ops++;
                        tally.found += got;
                    }
                    tally.bytes += bytes[0];
                });
            case READSEQ:
                return parallel(1, n, "entry", (t, share, h, tally) -> {
                    long[] last = {System.nanoTime()};
                    long got = e.scan(null, Long.MAX_VALUE, (k, v) -> {
                        long now = System.nanoTime();
                        h.recordValue(now - last[0]);
                        last[0] = now;
                        tally.bytes += k.length + v.length;
                    });
                    tally.ops += got;
                    tally.found += got;
                });
            case OVERWRITE: {
                Measured m = randomWrites(e, 1, n, SALT_OVERWRITE, 1);
                version = 1;
                return m;
            }
            case MIXED:
                return mixed(e);
            case DELETERANDOM: {
                Data.Permutation perm = new Data.Permutation(n, data.seed(), SALT_DELETE);
                Measured m = parallel(1, n, "op", (t, share, h, tally) -> {
                    for (long i = 0; i < n; i++) {
                        byte[] k = Data.key(perm.apply(i));
                        long t0 = System.nanoTime();
                        e.delete(k);
                        h.recordValue(System.nanoTime() - t0);
                        tally.wrote(Data.KEY_SIZE);
                    }
                });
                // Untimed: deletes that did not take would make every later number meaningless.
                long step = Math.max(1, n / DELETE_CHECK_SAMPLE);
                for (long idx = 0; idx < n; idx += step) {
                    if (e.get(Data.key(idx)) != null) {
                        throw new IllegalStateException("key " + idx + " still readable after deleterandom");
                    }
                }
                return m;
            }
            default:
                throw new IllegalArgumentException("no body for " + w);
        }
    }

    /** Every thread writes its share of positions i (i mod threads == t) of a permutation. */
    private Measured randomWrites(Engine e, int threads, long ops, long salt, int valueVersion) {
        Data.Permutation perm = new Data.Permutation(size.keys(), data.seed(), salt);
        int kv = Data.KEY_SIZE + Data.VALUE_SIZE;
        return parallel(threads, ops, "op", (t, share, h, tally) -> {
            for (long i = t; i < ops; i += threads) {
                long idx = perm.apply(i);
                byte[] k = Data.key(idx);
                byte[] v = data.value(idx, valueVersion);
                long t0 = System.nanoTime();
                e.put(k, v);
                h.recordValue(System.nanoTime() - t0);
                tally.wrote(kv);
            }
        });
    }

    private Measured randomReads(Engine e, int threads, long salt) {
        long n = size.keys();
        int expected = version;
        return parallel(threads, size.reads(), "op", (t, share, h, tally) -> {
            SplittableRandom r = new SplittableRandom(data.seed() + SALT_READS + salt * 64 + t);
            for (long i = 0; i < share; i++) {
                long idx = r.nextLong(n);
                byte[] k = Data.key(idx);
                long t0 = System.nanoTime();
                byte[] v = e.get(k);
                h.recordValue(System.nanoTime() - t0);
                tally.ops++;
                if (v != null) {
                    if (!data.isValue(v, idx, expected)) {
                        throw new IllegalStateException("wrong value for key " + idx + " (expected version " + expected + ")");
                    }
                    tally.found++;
                    tally.bytes += Data.KEY_SIZE + v.length;
                }
            }
        });
    }

    private Measured mixed(Engine e) {
        long n = size.keys();
        int before = version;
        int written = 2;
        long[] writes = new long[1];
        Measured m = parallel(1, size.mixedOps(), "op", (t, share, h, tally) -> {
            SplittableRandom r = new SplittableRandom(data.seed() + SALT_READS + Workload.MIXED.ordinal());
            for (long i = 0; i < share; i++) {
                long idx = r.nextLong(n);
                byte[] k = Data.key(idx);
                if (r.nextInt(10) == 0) {
                    byte[] v = data.value(idx, written);
                    long t0 = System.nanoTime();
                    e.put(k, v);
                    h.recordValue(System.nanoTime() - t0);
                    // Counted as an op and as bytes written, but not as "found", which is for reads.
                    tally.ops++;
                    tally.bytes += Data.KEY_SIZE + Data.VALUE_SIZE;
                    tally.userWrite += Data.KEY_SIZE + Data.VALUE_SIZE;
                    writes[0]++;
                } else {
                    long t0 = System.nanoTime();
                    byte[] v = e.get(k);
                    h.recordValue(System.nanoTime() - t0);
                    tally.ops++;
                    if (v != null) {
                        if (!data.isValue(v, idx, before) && !data.isValue(v, idx, written)) {
                            throw new IllegalStateException("wrong value for key " + idx + " in mixed90_10");
                        }
                        tally.found++;
                        tally.bytes += Data.KEY_SIZE + v.length;
                    }
                }
            }
        });
        m.note = "writes " + writes[0] + ", reads " + (m.ops - writes[0]) + "; found counts reads";
        return m;
    }

    @FunctionalInterface
    private interface ThreadBody {
        /** Runs thread {@code t}'s part; {@code share} is its share of {@code ops} when split evenly. */
        void run(int t, long share, Histogram h, Tally tally);
    }

    /** What a thread counts: ops, hits, bytes moved (read or written), bytes the user wrote. */
    private static final class Tally {
        long ops;
        long found;
        long bytes;
        long userWrite;

        void wrote(int n) {
            ops++;
            found++;
            bytes += n;
            userWrite += n;
        }
    }

    /** Starts the threads together; elapsed time runs from the start signal to the last join. */
    private static Measured parallel(int threads, long ops, String unit, ThreadBody body) {
        Histogram[] hs = new Histogram[threads];
        Tally[] tallies = new Tally[threads];
        Thread[] ts = new Thread[threads];
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            long share = ops / threads + (t < ops % threads ? 1 : 0);
            hs[t] = new Histogram(3);
            tallies[t] = new Tally();
            ts[t] = new Thread(() -> {
                try {
                    go.await();
                    body.run(id, share, hs[id], tallies[id]);
                } catch (Throwable e) {
                    // Kept and rethrown on the calling thread after the join.
                    failure.compareAndSet(null, e);
                }
            }, "bench-worker-" + t);
            ts[t].start();
        }
        long t0 = System.nanoTime();
        go.countDown();
        try {
            for (Thread t : ts) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for workload threads", e);
        }
        long elapsed = System.nanoTime() - t0;
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
        Measured m = new Measured();
        m.threads = threads;
        m.elapsedNanos = elapsed;
        m.unit = unit;
        m.hist = new Histogram(3);
        for (int t = 0; t < threads; t++) {
            m.hist.add(hs[t]);
            m.ops += tallies[t].ops;
            m.found += tallies[t].found;
            m.bytes += tallies[t].bytes;
            m.userWrite += tallies[t].userWrite;
        }
        return m;
    }

    private static final class Measured {
        int threads;
        long ops;
        long found;
        long bytes;
        long userWrite;
        long elapsedNanos;
        Histogram hist;
        String unit;
        String note = "";

        WorkloadResult toResult(int run, String engine, Workload w, String note, long io, long disk) {
            double seconds = elapsedNanos / 1e9;
            double wa = userWrite > 0 && io >= 0 ? (double) io / userWrite : Double.NaN;
            return new WorkloadResult(run, engine, w.id, WorkloadResult.OK, note, threads, ops, found, seconds,
                    ops / seconds, bytes / seconds / (1 << 20),
                    hist.getValueAtPercentile(50) / 1e3, hist.getValueAtPercentile(99) / 1e3,
                    hist.getValueAtPercentile(99.9) / 1e3, hist.getMaxValue() / 1e3, unit,
                    userWrite, w.writes ? io : -1, wa, disk);
        }
    }

    private Path freshDir(String name) throws IOException {
        Path dir = baseDir.resolve(name);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        return dir;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
