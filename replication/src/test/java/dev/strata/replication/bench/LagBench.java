package dev.strata.replication.bench;

import dev.strata.replication.Follower;
import dev.strata.replication.Leader;
import dev.strata.replication.testing.MemoryLog;
import dev.strata.replication.testing.Nodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Follower lag of the protocol alone (in-memory logs on both sides, so no disk is measured): a
 * writer commits 100-byte values at a steady rate; a sampler waits for every 10th commit to be
 * applied on the follower and records the delay. Then catch-up: a follower that starts 1,000,000
 * (or the given count of) commits behind. Run with
 *
 * <pre>
 * mvn -B -pl replication -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.strata.replication.bench.LagBench -Dexec.args="10000 10 1000000"
 * </pre>
 *
 * (commits per second, seconds, catch-up commits). Prints p50, p99, p99.9 and max lag, and the
 * catch-up rate in records/s and MB/s.
 */
public final class LagBench {
    private LagBench() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int backlog = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Path root = Files.createTempDirectory("strata-lag-bench");
        String value = "v".repeat(100);
        try (Nodes nodes = new Nodes(root)) {
            MemoryLog log = nodes.log("leader");
            Leader leader = nodes.leader("leader", log, Nodes.config().heartbeatInterval(Duration.ofSeconds(1)));
            Follower follower = nodes.follower("f1", Nodes.address(leader), Nodes.config());
            follower.awaitApplied(log.put("warm-up", value), Duration.ofSeconds(30)); // connected and streaming
            int total = rate * seconds;
            long[] committedAt = new long[total / 10 + 1];
            long[] lag = new long[committedAt.length];
            java.util.concurrent.atomic.AtomicLongArray seqnos = new java.util.concurrent.atomic.AtomicLongArray(committedAt.length);
            Thread sampler = new Thread(() -> {
                for (int i = 0; i < lag.length; i++) {
                    while (seqnos.get(i) == 0) {
                        LockSupport.parkNanos(10_000);
                    }
                    follower.awaitApplied(seqnos.get(i), Duration.ofSeconds(30));
                    lag[i] = System.nanoTime() - committedAt[i];
                }
            });
            sampler.start();
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            for (int i = 0; i < total; i++) {
                long due = start + i * interval;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(Math.max(1, due - System.nanoTime()));
                }
                long before = System.nanoTime();
                long seqno = log.put("key" + i, value);
                if (i % 10 == 0) {
                    committedAt[i / 10] = before;
                    seqnos.set(i / 10, seqno); // publishes committedAt too
                }
            }
            for (int i = total / 10 + (total % 10 == 0 ? 0 : 1); i < committedAt.length; i++) {
                committedAt[i] = System.nanoTime();
                seqnos.set(i, log.latestSeqno());
            }
            sampler.join();
            Arrays.sort(lag);
            System.out.printf("steady %d commits/s for %d s: lag p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                    rate, seconds, ms(lag, 0.50), ms(lag, 0.99), ms(lag, 0.999), lag[lag.length - 1] / 1e6);

            MemoryLog behind = nodes.log("catchup-leader");
            for (int i = 0; i < backlog; i++) {
                behind.put("key" + i, value);
            }
            long bytes = behind.records().stream().mapToLong(r -> r.length).sum();
            Leader second = nodes.leader("catchup-leader", behind, Nodes.config());
            long t0 = System.nanoTime();
            Follower late = nodes.follower("late", Nodes.address(second), Nodes.config());
            late.awaitApplied(backlog, Duration.ofMinutes(10));
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("catch-up of %d commits: %.0f records/s, %.1f MB/s%n", backlog, backlog / secs, bytes / secs / 1e6);
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }
}
