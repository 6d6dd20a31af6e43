package dev.strata.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a {@link CrashKillChild} printed before it died, parsed and checked for order: per writer
 * thread the ops it acknowledged (with their seqnos, growing) or gave up, and the last one it
 * tried; and the checkpoints, backups and restores its admin thread completed. Read by
 * {@link CrashCycles} and {@link CrashAdminChecks}.
 */
public final class CrashChildLog {
    /** What one writer thread said. */
    public static final class ThreadLog {
        /** The acknowledged ops in order: {opId, seqno}. */
        public final List<long[]> acks = new ArrayList<>();
        /** The op of the last "try"; 0 before any. */
        public long lastTry;
        /** The op of the last "ack" or "skip": every op up to it is resolved. */
        public long lastResolved;
        private final List<Long> skipped = new ArrayList<>();

        public boolean skipped(long opId) {
            return skipped.contains(opId);
        }

        /** The op that was in flight when the child died (tried, neither acknowledged nor given up), or 0. */
        public long inFlight() {
            return lastTry > lastResolved ? lastTry : 0;
        }
    }

    public final ThreadLog[] threads;
    /** Checkpoint number to its seqno, in the order they completed. */
    public final Map<Long, Long> checkpoints = new LinkedHashMap<>();
    /** Backup id to its seqno, in the order they completed. */
    public final Map<Long, Long> backups = new LinkedHashMap<>();
    /** The backups restored, in order. */
    public final List<Long> restores = new ArrayList<>();
    /** The seqno the child's open reported, or -1 if it never got that far. */
    public long readySeqno = -1;

    /** Parses the child's whole lines; fails on an "error" line or lines out of order. */
    public CrashChildLog(int threadCount, int cycle, List<String> lines) {
        threads = new ThreadLog[threadCount];
        for (int t = 0; t < threadCount; t++) {
            threads[t] = new ThreadLog();
        }
        for (String line : lines) {
            String[] f = line.split(" ", 5);
            switch (f[0]) {
                case "try" -> {
                    ThreadLog l = threads[Integer.parseInt(f[1])];
                    long op = Long.parseLong(f[2]);
                    assertThat(op).as("cycle %d: thread %s tries its ops in order", cycle, f[1]).isEqualTo(l.lastResolved + 1);
                    l.lastTry = op;
                }
                case "ack" -> {
                    ThreadLog l = resolve(cycle, f[2], f[3]);
                    long seqno = Long.parseLong(f[1]);
                    if (!l.acks.isEmpty()) {
                        assertThat(seqno).as("cycle %d thread %s: acknowledged seqnos grow", cycle, f[2])
                                .isGreaterThan(l.acks.get(l.acks.size() - 1)[1]);
                    }
                    l.acks.add(new long[] {l.lastTry, seqno});
                }
                case "skip" -> resolve(cycle, f[1], f[2]).skipped.add(Long.parseLong(f[2]));
                case "ready" -> readySeqno = Long.parseLong(f[1]);
                case "checkpoint" -> checkpoints.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
                case "backup" -> backups.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
                case "restored" -> restores.add(Long.parseLong(f[1]));
                case "done" -> { }
                default -> throw new AssertionError("cycle " + cycle + ": child reported " + line.replace('|', '\n'));
            }
        }
    }

    private ThreadLog resolve(int cycle, String thread, String opId) {
        ThreadLog l = threads[Integer.parseInt(thread)];
        assertThat(Long.parseLong(opId)).as("cycle %d thread %s: resolves the op it tried", cycle, thread).isEqualTo(l.lastTry);
        l.lastResolved = l.lastTry;
        return l;
    }

    /** Acknowledged ops over all threads. */
    public long acknowledged() {
        long n = 0;
        for (ThreadLog l : threads) {
            n += l.acks.size();
        }
        return n;
    }
}
