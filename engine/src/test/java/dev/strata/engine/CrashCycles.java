package dev.strata.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash cycles on one database directory: a child JVM ({@link CrashKillChild}) runs writer
 * threads and dies, either killed with SIGKILL ({@link #killAfter}) or halted by a crash point
 * ({@link #crashAt}); then this JVM reopens the directory and checks what the child's log and the
 * ops regenerated from the seed allow (DESIGN.md test A1):
 * <ul>
 *   <li>S = latestSeqno; in SYNC and ASYNC, every acknowledged seqno is at or below S (a process
 *       crash loses nothing the OS has); in NONE, acknowledged commits above S are lost, which is
 *       allowed, and S is where the last flush ended;</li>
 *   <li>the state is the replay of commits 1..S: each thread writes only its own keys and runs its
 *       ops in order, so the recovered commits of a thread are its acknowledged ops up to S plus
 *       possibly its one in-flight op, and the number of recovered ops over all threads must be
 *       exactly S minus the previous cycle's seqno (no holes, nothing lost in between);</li>
 *   <li>a new commit gets S + 1.</li>
 * </ul>
 * The model carries over from cycle to cycle; {@link #freshDirectory} starts over. Used by
 * {@link CrashRecoveryKillTest} and the crash-point test.
 */
public final class CrashCycles {
    private final Path root;
    private final long seed;
    private final int threads;
    private Path dir;
    /** Per thread, then (index threads) the parent's own probe keys. */
    private List<TreeMap<String, String>> model;
    private long base;
    private long acknowledged;
    private long inflightRecovered;
    private long lostUnderNone;

    /** What one thread's log said in one cycle. */
    private static final class ThreadLog {
        final List<Long> ackSeqnos = new ArrayList<>(); // index opId - 1
        long lastTry;
    }

    /** What the child did: how it ended and what its threads logged. */
    public record ChildRun(int exitStatus, boolean ready, List<String> lines) {
    }

    public CrashCycles(Path root, long seed, int threads) {
        this.root = root;
        this.seed = seed;
        this.threads = threads;
    }

    /** Starts over in a new, empty directory under the root. */
    public void freshDirectory(String name) {
        dir = root.resolve(name);
        model = new ArrayList<>();
        for (int t = 0; t <= threads; t++) {
            model.add(new TreeMap<>());
        }
        base = 0;
    }

    public Path directory() {
        return dir;
    }

    /** Acknowledged commits checked, un-acknowledged in-flight commits recovered, NONE-mode acknowledged commits lost. */
    public String summary() {
        return acknowledged + " acknowledged commits checked, " + inflightRecovered
                + " un-acknowledged in-flight commits recovered, " + lostUnderNone + " NONE-mode acknowledgements lost";
    }

    /**
     * A cycle whose child is killed (SIGKILL) {@code killAfterMs} after it reports ready; then
     * the recovery checks.
     */
    public void killAfter(int cycle, Durability mode, int paceMicros, int killAfterMs) throws Exception {
        ChildRun run = runChild(cycle, mode, paceMicros, List.of(), Long.MAX_VALUE, killAfterMs);
        assertThat(run.ready()).as("cycle %d: the child reported ready", cycle).isTrue();
        verify(cycle, mode, run);
    }

    /**
     * A cycle whose child runs with {@code -Dstrata.crashPoint=<point>:<k>} and at most
     * {@code maxOps} ops per thread (each followed by a pause of {@code paceMicros}): it must halt at the point (status
     * {@code CrashPoints.HALT_STATUS}); then the recovery checks.
     */
    public ChildRun crashAt(int cycle, Durability mode, int paceMicros, String point, long k, long maxOps) throws Exception {
        ChildRun run = runChild(cycle, mode, paceMicros, List.of("-Dstrata.crashPoint=" + point + ":" + k), maxOps, -1);
        assertThat(run.exitStatus()).as("cycle %d: the child halts at the %d-th hit of %s (status %d); it ended with "
                + "status %d after %d log lines", cycle, k, point, dev.strata.engine.util.CrashPoints.HALT_STATUS,
                run.exitStatus(), run.lines().size()).isEqualTo(dev.strata.engine.util.CrashPoints.HALT_STATUS);
        verify(cycle, mode, run);
        return run;
    }

    /**
     * A cycle for a point that only an open after a crash reaches: a first child halts at
     * {@code setupPoint}'s {@code setupK}-th hit, leaving what the point needs; a second child
     * opens that directory and must halt at {@code point} before it reports ready; then the
     * recovery checks (against the first child's log).
     */
    public void crashInRecovery(int cycle, Durability mode, String setupPoint, long setupK, String point, long maxOps)
            throws Exception {
        ChildRun setup = runChild(cycle, mode, 0, List.of("-Dstrata.crashPoint=" + setupPoint + ":" + setupK), maxOps, -1);
        assertThat(setup.exitStatus()).as("cycle %d: the setup child halts at %s", cycle, setupPoint)
                .isEqualTo(dev.strata.engine.util.CrashPoints.HALT_STATUS);
        ChildRun run = runChild(cycle, mode, 0, List.of("-Dstrata.crashPoint=" + point), maxOps, -1);
        assertThat(run.exitStatus()).as("cycle %d: the child halts at %s while it opens what %s left (it ended with "
                + "status %d)", cycle, point, setupPoint, run.exitStatus()).isEqualTo(dev.strata.engine.util.CrashPoints.HALT_STATUS);
        assertThat(run.lines()).as("cycle %d: halted during the open", cycle).isEmpty();
        verify(cycle, mode, setup);
    }

    private void verify(int cycle, Durability mode, ChildRun run) {
        ThreadLog[] logs = parse(cycle, run.lines());
        try (StrataDatabase db = StrataDatabase.open(dir, CrashTesting.options(mode))) {
            long s = db.latestSeqno();
            assertThat(s).as("cycle %d: the previous cycle's probe (seqno %d) was closed cleanly", cycle, base)
                    .isGreaterThanOrEqualTo(base);
            TreeMap<String, String> all = CrashTesting.contents(db);
            List<TreeMap<String, String>> without = new ArrayList<>();
            List<TreeMap<String, String>> with = new ArrayList<>();
            List<List<Integer>> choices = new ArrayList<>();
            long recoveredAcked = 0;
            for (int t = 0; t < threads; t++) {
                List<Long> acks = logs[t].ackSeqnos;
                int upToS = 0;
                while (upToS < acks.size() && acks.get(upToS) <= s) {
                    upToS++;
                }
                for (int i = upToS; i < acks.size(); i++) {
                    assertThat(acks.get(i)).as("cycle %d thread %d: acknowledged seqnos grow", cycle, t).isGreaterThan(s);
                }
                if (mode != Durability.NONE) {
                    assertThat(upToS).as("cycle %d thread %d: every acknowledged seqno (%s) is recovered (S = %d)",
                            cycle, t, acks, s).isEqualTo(acks.size());
                }
                lostUnderNone += acks.size() - upToS;
                recoveredAcked += upToS;
                TreeMap<String, String> m = new TreeMap<>(model.get(t));
                for (long op = 1; op <= upToS; op++) {
                    CrashKillChild.op(seed, cycle, t, op).applyTo(m);
                }
                TreeMap<String, String> m2 = null;
                if (upToS == acks.size() && logs[t].lastTry > acks.size()) {
                    m2 = new TreeMap<>(m);
                    CrashKillChild.op(seed, cycle, t, logs[t].lastTry).applyTo(m2);
                }
                TreeMap<String, String> actual = new TreeMap<>(all.subMap("t" + t + "/", "t" + t + "0"));
                List<Integer> ok = new ArrayList<>();
                if (actual.equals(m)) {
                    ok.add(0);
                }
                if (m2 != null && actual.equals(m2)) {
                    ok.add(1);
                }
                assertThat(ok).as("cycle %d thread %d (%d ops acknowledged, %d of them up to S = %d, last tried %d): "
                        + "recovered keys are its acknowledged ops (+ the in-flight one); %s", cycle, t, acks.size(), upToS,
                        s, logs[t].lastTry, CrashTesting.diff(m2 != null && !actual.equals(m) ? m2 : m, actual)).isNotEmpty();
                without.add(m);
                with.add(m2);
                choices.add(ok);
            }
            long unacked = s - base - recoveredAcked;
            int[] pick = choose(choices, unacked);
            assertThat(pick).as("cycle %d: S = %d, base %d, %d acknowledged up to S: %d un-acknowledged commits must "
                    + "be in-flight ops that are visible (choices %s) - a hole or a lost commit", cycle, s, base,
                    recoveredAcked, unacked, choices).isNotNull();
            for (int t = 0; t < threads; t++) {
                model.set(t, pick[t] == 1 ? with.get(t) : without.get(t));
            }
            assertThat(all.subMap("parent/", "parent0")).isEqualTo(model.get(threads));
            assertThat(all.size()).isEqualTo(model.stream().mapToInt(TreeMap::size).sum());
            String probe = "parent/c" + cycle;
            assertThat(db.put(CrashTesting.b(probe), CrashTesting.b("S=" + s)).seqno()).isEqualTo(s + 1);
            model.get(threads).put(probe, "S=" + s);
            base = s + 1;
            acknowledged += recoveredAcked;
            inflightRecovered += unacked;
        }
    }

    /** A 0/1 per thread from its allowed choices summing to {@code total}, or null. */
    private static int[] choose(List<List<Integer>> choices, long total) {
        int n = choices.size();
        for (int mask = 0; mask < 1 << n; mask++) {
            int[] pick = new int[n];
            long sum = 0;
            boolean ok = true;
            for (int t = 0; t < n && ok; t++) {
                pick[t] = (mask >> t) & 1;
                ok = choices.get(t).contains(pick[t]);
                sum += pick[t];
            }
            if (ok && sum == total) {
                return pick;
            }
        }
        return null;
    }

    private ThreadLog[] parse(int cycle, List<String> lines) {
        ThreadLog[] logs = new ThreadLog[threads];
        for (int t = 0; t < threads; t++) {
            logs[t] = new ThreadLog();
        }
        for (String line : lines) {
            String[] f = line.split(" ", 5);
            switch (f[0]) {
                case "try" -> {
                    ThreadLog l = logs[Integer.parseInt(f[1])];
                    long op = Long.parseLong(f[2]);
                    assertThat(op).as("cycle %d: tries in order", cycle).isEqualTo(l.ackSeqnos.size() + 1);
                    l.lastTry = op;
                }
                case "ack" -> {
                    ThreadLog l = logs[Integer.parseInt(f[2])];
                    assertThat(Long.parseLong(f[3])).isEqualTo(l.lastTry).isEqualTo(l.ackSeqnos.size() + 1);
                    l.ackSeqnos.add(Long.parseLong(f[1]));
                }
                case "ready" -> assertThat(Long.parseLong(f[1])).as("cycle %d: the child opens at the state the last "
                        + "cycle left", cycle).isEqualTo(base);
                case "done" -> { }
                default -> throw new AssertionError("cycle " + cycle + ": child reported " + line.replace('|', '\n'));
            }
        }
        return logs;
    }

    /**
     * Starts the child and either kills it {@code killAfterMs} after its "ready" line or (-1)
     * waits up to 120 s for it to end. The child's stdout goes to a file, not a pipe: the kernel
     * keeps what a killed process wrote either way, but when a child dies the JDK's process reaper
     * drains the pipe into a buffer while a reader may be between reads, and that reader then gets
     * "Stream closed" and loses the last lines (seen here: the last ~10 ms of acks went missing).
     */
    private ChildRun runChild(int cycle, Durability mode, int paceMicros, List<String> jvmFlags, long maxOps,
                              int killAfterMs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-XX:+UseSerialGC", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of(CrashKillChild.class.getName(), dir.toString(), mode.name(), Long.toString(seed),
                Integer.toString(cycle), Integer.toString(threads), Integer.toString(paceMicros)));
        if (maxOps != Long.MAX_VALUE) {
            cmd.add(Long.toString(maxOps));
        }
        Path err = root.resolve("child.err");
        Path out = root.resolve("child.out");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(err.toFile());
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        int status;
        try {
            if (killAfterMs >= 0) {
                awaitFirstLine(out, p, cycle);
                Thread.sleep(killAfterMs); // the kill moment, not a synchronisation
                p.destroyForcibly();
            } else if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("cycle " + cycle + ": the child did not end within 120 s");
            }
        } finally {
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        status = p.exitValue();
        String text = Files.readString(out, StandardCharsets.ISO_8859_1);
        String stderr = Files.exists(err) ? Files.readString(err) : "";
        if (!stderr.isBlank() && status != dev.strata.engine.util.CrashPoints.HALT_STATUS && killAfterMs < 0) {
            System.out.println("cycle " + cycle + " child stderr:\n" + stderr);
        }
        String whole = text.substring(0, text.lastIndexOf('\n') + 1); // a kill may cut the last line
        List<String> lines = whole.isEmpty() ? List.of() : List.of(whole.split("\n"));
        boolean ready = !lines.isEmpty() && lines.get(0).startsWith("ready ");
        return new ChildRun(status, ready, lines);
    }

    /** Waits (up to 60 s) until the child has written its first line. */
    private static void awaitFirstLine(Path out, Process p, int cycle) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(out) ? Files.readString(out, StandardCharsets.ISO_8859_1) : "";
            if (text.indexOf('\n') >= 0) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("cycle " + cycle + ": child exited with " + p.exitValue() + " before ready");
            }
            LockSupport.parkNanos(1_000_000);
        }
        throw new AssertionError("cycle " + cycle + ": child not ready within 60 s");
    }
}
