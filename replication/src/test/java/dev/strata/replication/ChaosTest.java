package dev.strata.replication;

import dev.strata.replication.testing.Await;
import dev.strata.replication.testing.ChaosProxy;
import dev.strata.replication.testing.MemoryLog;
import dev.strata.replication.testing.Nodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.strata.replication.LeaderFollowerTest.assertSameRecords;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults at random points while writes go on (as Redis's psync2 test cuts links): a TCP proxy in
 * front of each of two followers cuts, stalls, duplicates bytes and refuses reconnects, and the
 * second follower is restarted now and then; a third follower is chained on the first. 50 faults in CI ({@code -Dstrata.test.scale=soak}: 1,000).
 * Every follower converges to the leader's records byte for byte, with no gap applied and, since
 * the log is kept, no full sync. Writes go on at about 2,000 commits/s throughout.
 */
class ChaosTest {
    @TempDir
    Path tmp;

    @Test
    void followersConvergeThroughRandomNetworkFaults() throws Exception {
        long seed = seedOf();
        Random random = new Random(seed);
        int faults = "soak".equals(System.getProperty("strata.test.scale")) ? 1000 : 50;
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            Leader leader = nodes.leader("leader", log, Nodes.config().batchBytes(2048));
            try (ChaosProxy p1 = new ChaosProxy(Nodes.address(leader)); ChaosProxy p2 = new ChaosProxy(Nodes.address(leader))) {
                Follower f1 = nodes.follower("f1", p1.address(), Nodes.config());
                Follower[] f2 = {nodes.follower("f2", p2.address(), Nodes.config())};
                int restarts = 0;
                Leader relay = nodes.leader(f1.asSource(), f1.epochs(), "f1", Nodes.config());
                Follower chained = nodes.follower("chained", Nodes.address(relay), Nodes.config());
                AtomicBoolean stop = new AtomicBoolean();
                // About 2,000 commits/s (reliability.md F1): a pace followers can keep, so every
                // fault lands on a stream that is caught up or catching up, not on a flood.
                Thread writer = new Thread(() -> {
                    long start = System.nanoTime();
                    for (int i = 0; !stop.get(); i++) {
                        long due = start + i * 500_000L;
                        long now = System.nanoTime();
                        if (due > now) {
                            java.util.concurrent.locks.LockSupport.parkNanos(due - now);
                        }
                        log.put("k" + (i % 500), "value " + i);
                    }
                });
                writer.start();
                try {
                    List<ChaosProxy> proxies = List.of(p1, p2);
                    for (int n = 0; n < faults; n++) {
                        ChaosProxy p = proxies.get(random.nextInt(2));
                        long before = log.latestSeqno();
                        Await.until(() -> log.latestSeqno() > before + 20, () -> "writer stalled at " + log.latestSeqno());
                        switch (random.nextInt(5)) {
                            case 0 -> p.cut();
                            case 1 -> {
                                p.stall(true);
                                long at = log.latestSeqno();
                                Await.until(() -> log.latestSeqno() > at + 100, () -> "writer stalled at " + log.latestSeqno());
                                p.stall(false);
                            }
                            case 2 -> p.duplicateNext();
                            case 3 -> { // the follower process restarts: its hello comes from its own log
                                f2[0].close();
                                f2[0] = nodes.follower("f2", p2.address(), Nodes.config());
                                restarts++;
                            }
                            default -> {
                                p.refuse(true);
                                p.cut();
                                long at = log.latestSeqno();
                                Await.until(() -> log.latestSeqno() > at + 100, () -> "writer stalled at " + log.latestSeqno());
                                p.refuse(false);
                            }
                        }
                    }
                } finally {
                    stop.set(true);
                    writer.join();
                }
                long last = log.latestSeqno();
                for (Follower f : List.of(f1, f2[0], chained)) {
                    Await.until(() -> f.status().appliedSeqno() == last, () -> "seed " + seed + ": " + f.status());
                    assertSameRecords(log, (MemoryLog) f.target());
                    assertThat(f.status().gaps()).as("seed %d", seed).isZero();
                    assertThat(f.status().fullSyncs()).as("seed %d", seed).isZero();
                }
                assertThat(leader.fullSyncsStarted()).isZero();
                assertThat(f1.status().reconnects() + f2[0].status().reconnects() + restarts).isGreaterThan(0);
            }
        }
    }

    private static long seedOf() {
        String s = System.getProperty("strata.seed");
        return s == null || s.isEmpty() ? System.nanoTime() : Long.parseLong(s);
    }
}
