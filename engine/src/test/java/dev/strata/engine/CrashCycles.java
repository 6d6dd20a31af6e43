package dev.strata.engine;

import dev.strata.engine.util.CrashPoints;

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
 * threads (and perhaps checkpoints, backups or restores) and dies, either killed with SIGKILL
 * ({@link #killAfter}) or halted by a crash point ({@link #crashAt}); then this JVM reopens the
 * directory and checks what the child's log and the ops regenerated from the seed allow
 * (DESIGN.md test A1):
 * <ul>
 *   <li>S = latestSeqno; in SYNC and ASYNC, every acknowledged seqno is at or below S (a process
 *       crash loses nothing the OS has); in NONE, acknowledged commits above S are lost, which is
 *       allowed, and S is where the last flush ended;</li>
 *   <li>the state, in both column families, is the replay of commits 1..S ({@link CrashModel}):
 *       no holes, in-flight commits only whole (a transaction or a batch across families too),
 *       given-up transactions never;</li>
 *   <li>what the child's admin thread made, complete or interrupted, is checked by
 *       {@link CrashAdminChecks};</li>
 *   <li>a new commit gets S + 1.</li>
 * </ul>
 * The model carries over from cycle to cycle; {@link #freshDirectory} starts over. Used by the
 * kill test and the crash-point test.
 */
public final class CrashCycles {
    private final Path root;
    private final long seed;
    private final int threads;
    private final CrashModel model;
    private final CrashAdminChecks admin;
    private Path dir;
    private long acknowledged;
    private long inflightRecovered;
    private long lostUnderNone;
    private long givenUp;

    /** What the child did: how it ended and what it printed. */
    public record ChildRun(int exitStatus, boolean ready, List<String> lines) {
    }

    public CrashCycles(Path root, long seed, int threads) {
        this.root = root;
        this.seed = seed;
        this.threads = threads;
        this.model = new CrashModel(seed, threads);
        this.admin = new CrashAdminChecks(root.resolve("scratch"), model);
    }

    /**
     * Starts over in a new directory under the root, holding the writers' second column family
     * (created here, so that every child opens with it and its commit is before the model's base).
     */
    public void freshDirectory(String name) {
        dir = root.resolve(name);
        admin.startOver(root.resolve(name + "-admin"));
        try (StrataDatabase db = StrataDatabase.open(dir, CrashTesting.options(Durability.SYNC))) {
            db.createColumnFamily(CrashKillChild.FAMILY);
            model.reset(db.latestSeqno());
        }
    }

    public Path directory() {
        return dir;
    }

    /** Acknowledged commits checked, un-acknowledged in-flight commits recovered, NONE-mode acknowledged commits lost, ... */
    public String summary() {
        return acknowledged + " acknowledged commits checked, " + inflightRecovered
                + " un-acknowledged in-flight commits recovered, " + lostUnderNone + " NONE-mode acknowledgements lost, "
                + givenUp + " transactions given up after retries; " + admin.summary();
    }

    /**
     * A cycle whose child is killed (SIGKILL) {@code killAfterMs} after it reports ready; then
     * the recovery checks.
     */
    public void killAfter(int cycle, CrashKillChild.Spec spec, int killAfterMs) throws Exception {
        ChildRun run = runChild(cycle, spec, List.of(), killAfterMs);
        assertThat(run.ready()).as("cycle %d: the child reported ready", cycle).isTrue();
        verify(cycle, spec, run, null);
    }

    /**
     * A cycle whose child runs with {@code -Dstrata.crashPoint=<point>:<k>}: it must halt at the
     * point (status {@link CrashPoints#HALT_STATUS}) before its writers make {@code spec.maxOps()}
     * ops each; then the recovery checks.
     */
    public ChildRun crashAt(int cycle, CrashKillChild.Spec spec, String point, long k) throws Exception {
        ChildRun run = runChild(cycle, spec, List.of("-D" + CrashPoints.PROPERTY + "=" + point + ":" + k), -1);
        assertThat(run.exitStatus()).as("cycle %d: the child halts at the %d-th hit of %s (status %d); it ended with "
                + "status %d after %d log lines", cycle, k, point, CrashPoints.HALT_STATUS, run.exitStatus(),
                run.lines().size()).isEqualTo(CrashPoints.HALT_STATUS);
        verify(cycle, spec, run, point);
        return run;
    }

    /**
     * A cycle for a point that only an open after a crash reaches: a first child halts at
     * {@code setupPoint}'s {@code setupK}-th hit, leaving what the point needs; a second child
     * opens that directory and must halt at {@code point} before it reports ready; then the
     * recovery checks (against the first child's log).
     */
    public void crashInRecovery(int cycle, CrashKillChild.Spec spec, String setupPoint, long setupK, String point)
            throws Exception {
        ChildRun setup = runChild(cycle, spec, List.of("-D" + CrashPoints.PROPERTY + "=" + setupPoint + ":" + setupK), -1);
        assertThat(setup.exitStatus()).as("cycle %d: the setup child halts at %s", cycle, setupPoint)
                .isEqualTo(CrashPoints.HALT_STATUS);
        ChildRun run = runChild(cycle, spec, List.of("-D" + CrashPoints.PROPERTY + "=" + point), -1);
        assertThat(run.exitStatus()).as("cycle %d: the child halts at %s while it opens what %s left (it ended with "
                + "status %d)", cycle, point, setupPoint, run.exitStatus()).isEqualTo(CrashPoints.HALT_STATUS);
        assertThat(run.lines()).as("cycle %d: halted during the open", cycle).isEmpty();
        verify(cycle, spec, setup, setupPoint);
    }

    private void verify(int cycle, CrashKillChild.Spec spec, ChildRun run, String haltedAt) throws Exception {
        CrashChildLog log = new CrashChildLog(threads, cycle, run.lines());
        if (log.readySeqno >= 0) {
            assertThat(log.readySeqno).as("cycle %d: the child opens at the state the last cycle left", cycle)
                    .isEqualTo(model.base());
        }
        try (StrataDatabase db = StrataDatabase.open(dir, CrashTesting.options(spec.durability()))) {
            long s = db.latestSeqno();
            TreeMap<String, String> all = CrashTesting.contentsOfEveryFamily(db);
            boolean everyAck = spec.durability() != Durability.NONE;
            CrashModel.Match m = model.check("cycle " + cycle + " (" + spec + ", reopened)", cycle, spec.family(), s, all,
                    log, everyAck);
            admin.check(cycle, spec, log, haltedAt, db, all);
            model.adopt(m, db, cycle, s);
            acknowledged += m.acknowledged();
            inflightRecovered += m.inFlight();
            lostUnderNone += log.acknowledged() - m.acknowledged();
            for (CrashChildLog.ThreadLog l : log.threads) {
                for (long op = 1; op <= l.lastResolved; op++) {
                    givenUp += l.skipped(op) ? 1 : 0;
                }
            }
        }
    }

    /**
     * Starts the child and either kills it {@code killAfterMs} after its "ready" line or (-1)
     * waits up to 120 s for it to end. The child's stdout goes to a file, not a pipe: the kernel
     * keeps what a killed process wrote either way, but when a child dies the JDK's process reaper
     * drains the pipe into a buffer while a reader may be between reads, and that reader then gets
     * "Stream closed" and loses the last lines (seen here: the last ~10 ms of acks went missing).
     */
    private ChildRun runChild(int cycle, CrashKillChild.Spec spec, List<String> jvmFlags, int killAfterMs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-XX:+UseSerialGC", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        cmd.addAll(jvmFlags);
        cmd.add(CrashKillChild.class.getName());
        cmd.addAll(CrashKillChild.args(dir, admin.directory(), seed, cycle, threads, spec));
        Path err = root.resolve("child.err");
        Path out = root.resolve("child.out");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(err.toFile());
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
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
        int status = p.exitValue();
        String text = Files.readString(out, StandardCharsets.ISO_8859_1);
        String stderr = Files.exists(err) ? Files.readString(err) : "";
        if (!stderr.isBlank() && status != CrashPoints.HALT_STATUS && killAfterMs < 0) {
            System.out.println("cycle " + cycle + " child stderr:\n" + stderr);
        }
        String whole = text.substring(0, text.lastIndexOf('\n') + 1); // a kill may cut the last line
        List<String> lines = whole.isEmpty() ? List.of() : List.of(whole.split("\n"));
        boolean ready = !lines.isEmpty() && lines.get(0).startsWith("ready ");
        return new ChildRun(status, ready, lines);
    }

    /** Waits (up to 60 s) until the child has written its first line. */
    private static void awaitFirstLine(Path out, Process p, int cycle) throws Exception {
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
