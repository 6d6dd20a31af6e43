package dev.strata.engine.crash;

import dev.strata.engine.CommitResult;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.KvOp;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.vfs.FaultStorage.Event;
import dev.strata.engine.vfs.FaultStorage.Kind;
import dev.strata.engine.vfs.FaultStorage.Mode;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.PowerCutDisk;
import dev.strata.engine.vfs.Storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss at every disk-changing call (SQLite's TH3 method, DESIGN.md tests B1 and B2), for
 * any workload run through a {@link FaultStorage}: the workload records each commit by seqno and
 * the trace positions from which commits were acknowledged durable ({@link Workload}); then
 * <ul>
 *   <li>B1: for every trace position n and each {@link Mode}, the disk image a power cut there
 *       would leave must open (a {@code CorruptionException} is a failure) with S = latestSeqno at
 *       least the newest commit made durable before n, hold exactly the replay of commits 1..S
 *       (a prefix, no holes), and give a new commit S + 1;</li>
 *   <li>B2: for a sample of those images (a third from recoveries that deleted a file: a torn
 *       WAL segment, an orphan table), the recovery itself (open, a SYNC put, close) is traced,
 *       and the image after every call of it, in each mode, must again recover every commit the
 *       first recovery saw, plus the put once it had returned.</li>
 * </ul>
 * Used by {@code PowerLossWalTest} (WAL only) and {@code PowerLossTreeTest} (flushes,
 * compaction, manifest rewrites). Every image's randomness derives from the seed.
 */
public final class PowerCutHarness {
    private static final String PROBE = "zz-probe";

    /** What a workload committed and when it became durable. */
    public static final class Workload {
        final ConcurrentSkipListMap<Long, KvOp> bySeqno = new ConcurrentSkipListMap<>();
        /** (trace position, seqno): from that position on, seqnos up to this one were acknowledged durable. */
        final List<long[]> durablePoints = Collections.synchronizedList(new ArrayList<>());

        /** Records a commit. */
        public void committed(long seqno, KvOp op) {
            bySeqno.put(seqno, op);
        }

        /** From the storage's current trace position on, every commit up to {@code seqno} must survive. */
        public void durable(FaultStorage fs, long seqno) {
            durablePoints.add(new long[] {fs.traceSize(), seqno});
        }

        /** Closes {@code db} cleanly: from then on every commit it made must survive. */
        public void closeDurably(FaultStorage fs, StrataDatabase db) {
            long last = db.latestSeqno();
            db.close();
            durable(fs, last);
        }

        public int commits() {
            return bySeqno.size();
        }

        public long lastSeqno() {
            return bySeqno.isEmpty() ? 0 : bySeqno.lastKey();
        }
    }

    /**
     * More to check in each image of the workload, beside its database (copies the workload made
     * next to it: checkpoints, backups, restores).
     */
    @FunctionalInterface
    public interface ImageCheck {
        /**
         * @param image  the image's root (the database is {@code image/db}, already checked)
         * @param n      the trace position of the power cut
         * @param states the state after each commit: {@code states.get(s)} is the replay of 1..s
         * @return what is wrong, or null
         */
        String check(Path image, int n, List<TreeMap<String, String>> states) throws Exception;
    }

    private final String name;
    private final Function<Storage, StrataOptions> options;
    private final List<String> failures = new ArrayList<>();
    private ImageCheck imageCheck;
    private long images;
    private long recoveryImages;
    private long opens;
    private int probeAck;

    /** {@code options}: how every recovery opens the image (SYNC, the workload's tree options). */
    public PowerCutHarness(String name, Function<Storage, StrataOptions> options) {
        this.name = name;
        this.options = options;
    }

    /** Runs {@code check} on every image of the workload (not of the recoveries) too. */
    public PowerCutHarness alsoCheck(ImageCheck check) {
        this.imageCheck = check;
        return this;
    }

    /**
     * {@code threads} threads make {@code commits} commits each (random ops over 100 shared keys,
     * values up to 600 bytes); each records its commits and, if {@code syncEvery} is 0 (SYNC mode),
     * each acknowledgement as durable, else calls {@code sync()} every {@code syncEvery} commits
     * and records that as durable.
     */
    public static void commitConcurrently(StrataDatabase db, FaultStorage fs, Workload wl, long seed, int threads,
                                          int commits, int syncEvery) throws InterruptedException {
        boolean durable = syncEvery == 0;
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            Random r = new Random(seed * 31 + t);
            String tag = "s" + seed % 1000 + "t" + t + (durable ? "sync" : "async");
            Thread th = new Thread(() -> {
                try {
                    for (int i = 1; i <= commits; i++) {
                        KvOp op = KvOp.random(r, "", 100, tag + "o" + i, 600);
                        CommitResult c = op.commit(db);
                        wl.committed(c.seqno(), op);
                        if (durable) {
                            wl.durable(fs, c.seqno());
                        } else if (i % syncEvery == 0) {
                            long upTo = db.latestSeqno();
                            db.sync();
                            wl.durable(fs, upTo);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("a committing thread failed: " + CrashTesting.describe(errors.get(0)));
        }
    }

    /** Runs one workload through {@code fs} on the database directory {@code db}. */
    @FunctionalInterface
    public interface WorkloadRun {
        Workload run(FaultStorage fs, Path db, long seed) throws Exception;
    }

    /**
     * Runs {@code workloads} workloads (seeds {@code seed}, {@code seed + 1}, ...), each in a fresh
     * scratch directory, checks every power cut of each (B1) and of a sample of their recoveries
     * (B2), prints the figures, and fails naming the seed to replay if an image did not recover a
     * durable prefix.
     */
    public void run(long seed, int workloads, int b2Sample, WorkloadRun workload) throws Exception {
        long t0 = System.nanoTime();
        long traceOps = 0;
        try {
            for (int w = 0; w < workloads; w++) {
                Path base = CrashTesting.scratchDir("strata-" + name);
                try {
                    FaultStorage fs = new FaultStorage(base.resolve("live"));
                    Workload wl = workload.run(fs, fs.root().resolve("db"), seed + w);
                    traceOps += check(fs, wl, seed + w, b2Sample, base);
                } finally {
                    CrashTesting.deleteTree(base);
                }
            }
        } catch (Throwable t) {
            System.out.println(name + " failed: replay with -Dstrata.seed=" + seed);
            throw t;
        }
        System.out.printf("%s seed=%d: %d workload(s), %d traced disk calls, %s, %d failures, %.1f s%n", name, seed,
                workloads, traceOps, summary(), failures.size(), (System.nanoTime() - t0) / 1e9);
        assertThat(failures).as("power-cut images that did not recover a durable prefix (seed %d)", seed).isEmpty();
    }

    /**
     * Runs B1 over every position of {@code fs}'s trace and B2 over {@code b2Sample} of the
     * images; returns the trace length. Failures accumulate in {@link #failures()}.
     */
    public int check(FaultStorage fs, Workload wl, long seed, int b2Sample, Path scratch) throws Exception {
        List<Event> trace = fs.trace();
        if (wl.lastSeqno() != wl.commits()) {
            throw new AssertionError("the workload's seqnos are not 1.." + wl.commits());
        }
        List<TreeMap<String, String>> states = prefixStates(wl);
        long[] required = new long[trace.size() + 1];
        for (long[] p : wl.durablePoints) {
            for (int n = (int) p[0]; n <= trace.size(); n++) {
                required[n] = Math.max(required[n], p[1]);
            }
        }
        List<int[]> deleting = new ArrayList<>();
        List<int[]> others = new ArrayList<>();
        PowerCutDisk disk = fs.initialDisk();
        Path img = scratch.resolve("img");
        for (int n = 0; n <= trace.size(); n++) {
            for (Mode mode : Mode.values()) {
                CrashTesting.deleteTree(img);
                disk.writeImage(mode, imageRandom(seed, n, mode), img);
                images++;
                String where = "seed " + seed + ", trace position " + n + " (after " + (n == 0 ? "nothing"
                        : trace.get(n - 1)) + "), mode " + mode;
                FaultStorage rfs = new FaultStorage(img);
                long s = recoverAndCheck(rfs, rfs.root().resolve("db"), where, required[n], states, -1);
                if (s >= 0 && imageCheck != null) {
                    checkImage(img, n, states, where);
                }
                if (s >= 0) {
                    boolean deleted = rfs.trace().stream().anyMatch(e -> e.kind() == Kind.DELETE);
                    (deleted ? deleting : others).add(new int[] {n, mode.ordinal()});
                }
            }
            if (n < trace.size()) {
                disk.apply(trace.get(n));
            }
        }
        Random pick = new Random(seed * 7 + 1);
        Collections.shuffle(deleting, pick);
        Collections.shuffle(others, pick);
        List<int[]> sample = new ArrayList<>(deleting.subList(0, Math.min(deleting.size(), b2Sample / 3)));
        sample.addAll(others.subList(0, Math.min(others.size(), b2Sample - sample.size())));
        System.out.printf("%s: %d recoveries deleted a file, %d did not; crashing %d of them again%n",
                name, deleting.size(), others.size(), sample.size());
        for (int[] c : sample) {
            crashDuringRecovery(fs, trace, c[0], Mode.values()[c[1]], seed, required, states, scratch);
        }
        return trace.size();
    }

    public List<String> failures() {
        return failures;
    }

    /** Images of the workload, images of recoveries, and opens so far. */
    public String summary() {
        return images + " power-cut images of the workload, " + recoveryImages + " of recoveries, " + opens + " opens";
    }

    private static Random imageRandom(long seed, int n, Mode mode) {
        return new Random(seed * 1_000_003L + n * 3L + mode.ordinal());
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
        long s;
        try (StrataDatabase d = StrataDatabase.open(db, options.apply(storage))) {
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
            return fail(where, "open or check failed: " + CrashTesting.describe(e));
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

    private void checkImage(Path img, int n, List<TreeMap<String, String>> states, String where) {
        try {
            String problem = imageCheck.check(img, n, states);
            if (problem != null) {
                fail(where, problem);
            }
        } catch (Exception | AssertionError e) {
            fail(where, "checking the copies failed: " + CrashTesting.describe(e));
        }
    }

    private long fail(String where, String what) {
        failures.add(where + ": " + what);
        System.out.println("FAILURE " + name + " at " + where + ": " + what);
        return -1;
    }

    /**
     * Power cut at every call of the recovery of image (n, mode): open, probe put, close. The
     * first recovery saw S1 and committed the probe as S1 + 1; every later image must hold at
     * least S1 (all of it was on disk), and S1 + 1 once the probe had returned.
     */
    private void crashDuringRecovery(FaultStorage fs, List<Event> trace, int n, Mode mode, long seed,
                                     long[] required, List<TreeMap<String, String>> states, Path scratch) throws Exception {
        PowerCutDisk disk = fs.initialDisk();
        for (int i = 0; i < n; i++) {
            disk.apply(trace.get(i));
        }
        Path img = scratch.resolve("b2-first");
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
        Path img2 = scratch.resolve("b2-second");
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
