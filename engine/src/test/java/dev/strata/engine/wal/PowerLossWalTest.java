package dev.strata.engine.wal;

import dev.strata.engine.CommitResult;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.KvOp;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.vfs.PowerCutDisk;
import dev.strata.engine.vfs.FaultStorage.Event;
import dev.strata.engine.vfs.FaultStorage.Kind;
import dev.strata.engine.vfs.FaultStorage.Mode;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.Storage;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss at every disk-changing call of a WAL workload (SQLite's TH3 method), then power
 * loss at every call of the recovery itself.
 *
 * <p>The workload, through {@link FaultStorage} with 64 KiB segments: 2 threads make 300 SYNC
 * commits (puts, removes, delete-ranges, batches over 100 shared keys, values up to 600 bytes,
 * so the WAL rolls), close; reopen in ASYNC mode (periodic sync off) and 2 threads make 120
 * commits, each calling {@code sync()} every 10 commits; close. Every commit's seqno and the
 * trace length when it was acknowledged are recorded, and likewise for each {@code sync()} and
 * {@code close()}: at trace position n, the commits acknowledged durable before n are known.
 *
 * <p>B1: for every n in [0, trace length] and each of the three {@link Mode}s, the power-cut
 * image at n must open (a {@code CorruptionException} is a failure), with S = latestSeqno at
 * least the newest commit made durable before n, the contents equal to the replay of commits
 * 1..S (a prefix, no holes), and a new commit getting S + 1. B2: for a sample of those images
 * (biased towards recoveries that truncated a torn tail or deleted a segment), the recovery
 * (open, one SYNC put, close) is traced too, and the image after every call of it, in each mode,
 * must again recover every commit the first recovery saw, plus the put once it returned.
 */
class PowerLossWalTest {
    private static final int SEGMENT = 64 << 10;
    private static final String PROBE = "zz-probe";

    /** What the workload committed and when it became durable. */
    private static final class Workload {
        final ConcurrentSkipListMap<Long, KvOp> bySeqno = new ConcurrentSkipListMap<>();
        /** (trace position, seqno): from that position on, seqnos up to this one were acknowledged durable. */
        final List<long[]> durablePoints = Collections.synchronizedList(new ArrayList<>());
    }

    private final List<String> failures = new ArrayList<>();
    private long images;
    private int probeAck;
    private long opens;
    private long recoveryImages;

    @Test
    void everyPowerCutDuringWritesAndRecoveryLeavesADurablePrefix() throws Exception {
        long seed = CrashTesting.seed();
        int workloads = CrashTesting.scaled(1, 10);
        int b2Sample = CrashTesting.scaled(30, 100);
        long t0 = System.nanoTime();
        long traceOps = 0;
        try {
            for (int w = 0; w < workloads; w++) {
                traceOps += runWorkload(seed + w, b2Sample);
            }
        } catch (Throwable t) {
            System.out.println("PowerLossWalTest failed: replay with -Dstrata.seed=" + seed);
            throw t;
        }
        System.out.printf("PowerLossWalTest seed=%d: %d workload(s), %d traced disk calls, %d power-cut images of "
                        + "writes, %d of recoveries, %d opens, %d failures, %.1f s%n", seed, workloads, traceOps, images,
                recoveryImages, opens, failures.size(), (System.nanoTime() - t0) / 1e9);
        assertThat(failures).as("power-cut images that did not recover a durable prefix (seed %d)", seed).isEmpty();
    }

    private long runWorkload(long seed, int b2Sample) throws Exception {
        Path base = CrashTesting.scratchDir("strata-powerloss");
        try {
            FaultStorage fs = new FaultStorage(base.resolve("live"));
            Workload wl = runWrites(fs, fs.root().resolve("db"), seed);
            List<Event> trace = fs.trace();
            int segments = (int) trace.stream().filter(e -> e.kind() == Kind.CREATE && e.path().endsWith(".wal")).count();
            System.out.printf("PowerLossWalTest workload seed=%d: %d commits, %d disk calls traced (%d calls in all), "
                    + "%d WAL segments created%n", seed, wl.bySeqno.size(), trace.size(), fs.totalCount(), segments);
            assertThat(segments).as("the workload rolls the WAL").isGreaterThanOrEqualTo(3);

            List<TreeMap<String, String>> states = prefixStates(wl);
            long[] required = new long[trace.size() + 1];
            for (long[] p : wl.durablePoints) {
                for (int n = (int) p[0]; n <= trace.size(); n++) {
                    required[n] = Math.max(required[n], p[1]);
                }
            }
            // B1: every position, every mode.
            List<int[]> withDelete = new ArrayList<>();
            List<int[]> all = new ArrayList<>();
            PowerCutDisk disk = fs.initialDisk();
            Path img = base.resolve("img");
            for (int n = 0; n <= trace.size(); n++) {
                for (Mode mode : Mode.values()) {
                    CrashTesting.deleteTree(img);
                    disk.writeImage(mode, imageRandom(seed, n, mode), img);
                    images++;
                    String where = "seed " + seed + ", trace position " + n + " (after " + (n == 0 ? "nothing"
                            : trace.get(n - 1)) + "), mode " + mode;
                    FaultStorage rfs = new FaultStorage(img);
                    long s = recoverAndCheck(rfs, rfs.root().resolve("db"), where, required[n], states, -1);
                    if (s >= 0) {
                        List<Event> rt = rfs.trace();
                        boolean deleted = rt.stream().anyMatch(e -> e.kind() == Kind.DELETE);
                        (deleted ? withDelete : all).add(new int[] {n, mode.ordinal()});
                    }
                }
                if (n < trace.size()) {
                    disk.apply(trace.get(n));
                }
            }
            // B2: crash during recovery, for a sample.
            Random pick = new Random(seed * 7 + 1);
            // Up to a third from recoveries that deleted an empty or torn segment, the rest from any.
            Collections.shuffle(withDelete, pick);
            Collections.shuffle(all, pick);
            List<int[]> sample = new ArrayList<>(withDelete.subList(0, Math.min(withDelete.size(), b2Sample / 3)));
            sample.addAll(all.subList(0, Math.min(all.size(), b2Sample - sample.size())));
            System.out.printf("PowerLossWalTest: %d recoveries deleted a segment, %d did not; crashing %d of them again%n",
                    withDelete.size(), all.size(), sample.size());
            for (int[] c : sample) {
                crashDuringRecovery(fs, trace, c[0], Mode.values()[c[1]], seed, required, states, base);
            }
            return trace.size();
        } finally {
            CrashTesting.deleteTree(base);
        }
    }

    private static Random imageRandom(long seed, int n, Mode mode) {
        return new Random(seed * 1_000_003L + n * 3L + mode.ordinal());
    }

    private Workload runWrites(FaultStorage fs, Path db, long seed) throws Exception {
        Workload wl = new Workload();
        StrataOptions sync = StrataOptions.defaults().storage(fs).walSegmentSize(SEGMENT).durability(Durability.SYNC);
        try (StrataDatabase d = StrataDatabase.open(db, sync)) {
            runThreads(d, fs, wl, seed, 150, 0);
            long last = d.latestSeqno();
            d.close();
            wl.durablePoints.add(new long[] {fs.traceSize(), last});
        }
        StrataOptions async = StrataOptions.defaults().storage(fs).walSegmentSize(SEGMENT)
                .durability(Durability.ASYNC).syncInterval(Duration.ofHours(1));
        try (StrataDatabase d = StrataDatabase.open(db, async)) {
            runThreads(d, fs, wl, seed + 1, 60, 10);
            long last = d.latestSeqno();
            d.close();
            wl.durablePoints.add(new long[] {fs.traceSize(), last});
        }
        assertThat(wl.bySeqno.lastKey()).isEqualTo(wl.bySeqno.size());
        return wl;
    }

    /** Two threads, {@code commits} each; in ASYNC mode each calls sync() every {@code syncEvery}. */
    private void runThreads(StrataDatabase db, FaultStorage fs, Workload wl, long seed, int commits, int syncEvery)
            throws Exception {
        boolean durable = syncEvery == 0;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 2; t++) {
            Random r = new Random(seed * 31 + t);
            String tag = "s" + seed % 1000 + "t" + t + (durable ? "sync" : "async");
            Thread th = new Thread(() -> {
                try {
                    for (int i = 1; i <= commits; i++) {
                        KvOp op = KvOp.random(r, "", 100, tag + "o" + i, 600);
                        CommitResult c = op.commit(db);
                        wl.bySeqno.put(c.seqno(), op);
                        if (durable) {
                            wl.durablePoints.add(new long[] {fs.traceSize(), c.seqno()});
                        } else if (i % syncEvery == 0) {
                            long upTo = db.latestSeqno();
                            db.sync();
                            wl.durablePoints.add(new long[] {fs.traceSize(), upTo});
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(errors).isEmpty();
    }

    private static List<TreeMap<String, String>> prefixStates(Workload wl) {
        List<TreeMap<String, String>> states = new ArrayList<>();
        TreeMap<String, String> m = new TreeMap<>();
        states.add(new TreeMap<>(m));
        for (KvOp op : wl.bySeqno.values()) {
            op.applyTo(m);
            states.add(new TreeMap<>(m));
        }
        return states;
    }

    /**
     * Opens the image in {@code storage}, checks it, commits a probe and closes. Returns the
     * recovered seqno S, or -1 after recording a failure. {@code probeSeqno} >= 0: the state may
     * also hold the probe of an earlier recovery, committed as that seqno.
     */
    /**
     * Opens the image at {@code db} through {@code storage}, checks it, commits a probe and
     * closes. Returns the recovered seqno S, or -1 after recording a failure; {@link #probeAck}
     * is the trace length when the probe returned (for a {@link FaultStorage}). With
     * {@code probeSeqno} >= 0, the commits are the workload's up to probeSeqno - 1 and then an
     * earlier recovery's probe.
     */
    private long recoverAndCheck(Storage storage, Path db, String where, long required,
                                 List<TreeMap<String, String>> states, long probeSeqno) {
        probeAck = -1;
        opens++;
        StrataOptions o = StrataOptions.defaults().storage(storage).walSegmentSize(SEGMENT).durability(Durability.SYNC);
        long s;
        try (StrataDatabase d = StrataDatabase.open(db, o)) {
            s = d.latestSeqno();
            int commits = states.size() - 1 + (probeSeqno >= 0 ? 1 : 0);
            if (s < required || s > commits) {
                return fail(where, "recovered seqno " + s + ", but commits up to " + required
                        + " were acknowledged durable (and " + commits + " were made)");
            }
            TreeMap<String, String> expected = expectedAt(s, states, probeSeqno);
            TreeMap<String, String> actual = CrashTesting.contents(d);
            if (!expected.equals(actual)) {
                return fail(where, "state is not the replay of commits 1.." + s + ": " + CrashTesting.diff(expected, actual));
            }
            long probe = d.put(PROBE.getBytes(StandardCharsets.ISO_8859_1), ("after " + s).getBytes(StandardCharsets.ISO_8859_1)).seqno();
            if (storage instanceof FaultStorage f) {
                probeAck = f.traceSize();
            }
            if (probe != s + 1) {
                return fail(where, "a new commit after recovering " + s + " got seqno " + probe);
            }
        } catch (RuntimeException e) {
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            return fail(where, "open or check failed: " + sw);
        }
        return s;
    }

    private static TreeMap<String, String> expectedAt(long s, List<TreeMap<String, String>> states, long probeSeqno) {
        if (probeSeqno < 0 || s < probeSeqno) {
            return new TreeMap<>(states.get((int) s));
        }
        TreeMap<String, String> m = new TreeMap<>(states.get((int) probeSeqno - 1));
        m.put(PROBE, "after " + (probeSeqno - 1));
        return m;
    }

    private long fail(String where, String what) {
        failures.add(where + ": " + what);
        System.out.println("FAILURE at " + where + ": " + what);
        return -1;
    }

    /**
     * Power cut at every call of the recovery of image (n, mode): open, probe put, close. The
     * first recovery saw S1 and committed the probe as S1 + 1; every later image must hold at
     * least S1 (all of it was on disk), and S1 + 1 once the probe had returned.
     */
    private void crashDuringRecovery(FaultStorage fs, List<Event> trace, int n, Mode mode, long seed,
                                     long[] required, List<TreeMap<String, String>> states, Path base) throws Exception {
        PowerCutDisk disk = fs.initialDisk();
        for (int i = 0; i < n; i++) {
            disk.apply(trace.get(i));
        }
        Path img = base.resolve("b2-first");
        CrashTesting.deleteTree(img);
        disk.writeImage(mode, imageRandom(seed, n, mode), img);
        FaultStorage rfs = new FaultStorage(img);
        String where = "seed " + seed + ", trace position " + n + ", mode " + mode;
        long s1 = recoverAndCheck(rfs, rfs.root().resolve("db"), where + " (first recovery)", required[n], states, -1);
        if (s1 < 0) {
            return;
        }
        List<Event> rtrace = rfs.trace();
        int probeDurableAt = probeAck;
        PowerCutDisk rdisk = rfs.initialDisk();
        Path img2 = base.resolve("b2-second");
        for (int m = 0; m <= rtrace.size(); m++) {
            for (Mode mode2 : Mode.values()) {
                CrashTesting.deleteTree(img2);
                rdisk.writeImage(mode2, new Random(seed ^ (n * 7919L + m * 31L + mode2.ordinal())), img2);
                recoveryImages++;
                long need = m >= probeDurableAt ? s1 + 1 : s1;
                recoverAndCheck(LocalStorage.INSTANCE, img2.resolve("db"), where + ", then recovery position " + m
                        + " (after " + (m == 0 ? "nothing" : rtrace.get(m - 1)) + "), mode " + mode2, need, states, s1 + 1);
            }
            if (m < rtrace.size()) {
                rdisk.apply(rtrace.get(m));
            }
        }
    }
}
