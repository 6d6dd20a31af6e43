package dev.strata.replication;

import dev.strata.replication.testing.Await;
import dev.strata.replication.testing.ChaosProxy;
import dev.strata.replication.testing.MemoryLog;
import dev.strata.replication.testing.Nodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leader and follower over real Netty on loopback, with in-memory logs: records converge byte for
 * byte, only durable records ship, read-your-writes works, and cut connections resume without a
 * full sync, a gap or a duplicate applied.
 */
class LeaderFollowerTest {
    @TempDir
    Path tmp;

    @Test
    void followerConvergesOnEveryRecordFromConcurrentWriters() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            Leader leader = nodes.leader("leader", log, Nodes.config());
            Follower follower = nodes.follower("f1", Nodes.address(leader), Nodes.config());
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int id = w;
                Thread t = new Thread(() -> {
                    for (int i = 0; i < 300; i++) {
                        log.put("w" + id + "-k" + i, "v" + i);
                    }
                });
                writers.add(t);
                t.start();
            }
            for (Thread t : writers) {
                t.join();
            }
            MemoryLog replica = (MemoryLog) follower.target();
            Await.until(() -> replica.appliedSeqno() == 900, () -> "applied " + replica.appliedSeqno());
            assertSameRecords(log, replica);
            Await.until(() -> leader.followers().get(0).durableSeqno() == 900, () -> leader.followers().toString());
            FollowerInfo info = leader.followers().get(0);
            assertThat(info.id()).isEqualTo("f1");
            assertThat(info.state()).isEqualTo("STREAMING");
            assertThat(info.lagRecords()).isZero();
            assertThat(info.appliedSeqno()).isEqualTo(900);
            assertThat(follower.status().fullSyncs()).isZero();
            assertThat(follower.status().duplicatesSkipped()).isZero();
            assertThat(follower.status().state()).isEqualTo("STREAMING");
        }
    }

    @Test
    void compressedBatchesConverge() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            for (int i = 0; i < 2000; i++) {
                log.put("key-" + i, "a fairly repetitive value, repeated, repeated, repeated " + i);
            }
            Leader leader = nodes.leader("leader", log, Nodes.config().compression(true));
            Follower follower = nodes.follower("f1", Nodes.address(leader), Nodes.config());
            Await.until(() -> follower.status().appliedSeqno() == 2000, () -> follower.status().toString());
            assertSameRecords(log, (MemoryLog) follower.target());
            Await.until(() -> leader.followers().get(0).durableSeqno() == 2000 && leader.followers().get(0).lagBytes() == 0,
                    () -> leader.followers().toString());
        }
    }

    @Test
    void awaitAppliedGivesReadYourWrites() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            Leader leader = nodes.leader("leader", log, Nodes.config());
            Follower follower = nodes.follower("f1", Nodes.address(leader), Nodes.config());
            for (int i = 0; i < 50; i++) {
                long seqno = log.put("key" + i, "value" + i);
                assertThat(follower.awaitApplied(seqno, Duration.ofSeconds(10))).isTrue();
                MemoryLog replica = (MemoryLog) follower.target();
                assertThat(replica.records().get((int) seqno - 1)).isEqualTo(log.records().get((int) seqno - 1));
            }
            assertThat(follower.awaitApplied(1_000, Duration.ofMillis(50))).isFalse();
        }
    }

    @Test
    void onlyDurableRecordsShip() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            log.autoDurable(false);
            Leader leader = nodes.leader("leader", log, Nodes.config());
            Follower follower = nodes.follower("f1", Nodes.address(leader), Nodes.config());
            for (int i = 0; i < 20; i++) {
                log.put("k" + i, "v");
            }
            log.makeDurable(5);
            Await.until(() -> follower.status().appliedSeqno() == 5, () -> follower.status().toString());
            // Heartbeats keep coming while 6..20 stay in memory: the follower sees durable 5, no more.
            long beats = leader.followers().get(0).connections();
            Await.until(() -> follower.status().leaderDurableSeqno() == 5 && follower.status().receivedSeqno() == 5,
                    () -> follower.status().toString());
            assertThat(beats).isEqualTo(1);
            assertThat(follower.status().appliedSeqno()).isEqualTo(5);
            log.makeDurable(20);
            Await.until(() -> follower.status().appliedSeqno() == 20, () -> follower.status().toString());
            assertSameRecords(log, (MemoryLog) follower.target());
        }
    }

    @Test
    void cutConnectionsResumeWithoutGapsDuplicatesOrFullSync() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            Leader leader = nodes.leader("leader", log, Nodes.config().batchBytes(512));
            try (ChaosProxy proxy = new ChaosProxy(Nodes.address(leader))) {
                Follower follower = nodes.follower("f1", proxy.address(), Nodes.config());
                AtomicBoolean done = new AtomicBoolean();
                Thread writer = new Thread(() -> {
                    for (int i = 0; i < 3000; i++) {
                        log.put("k" + i, "value-" + i);
                    }
                    done.set(true);
                });
                writer.start();
                for (int cut = 0; cut < 8; cut++) {
                    long before = follower.status().appliedSeqno();
                    Await.until(() -> follower.status().appliedSeqno() > before || done.get(), () -> follower.status().toString());
                    proxy.cut();
                }
                writer.join();
                MemoryLog replica = (MemoryLog) follower.target();
                Await.until(() -> replica.appliedSeqno() == 3000, () -> follower.status().toString());
                assertSameRecords(log, replica);
                FollowerStatus s = follower.status();
                assertThat(s.fullSyncs()).isZero();
                assertThat(s.gaps()).isZero();
                assertThat(s.reconnects()).isGreaterThanOrEqualTo(1);
                assertThat(leader.fullSyncsStarted()).isZero();
            }
        }
    }

    static void assertSameRecords(MemoryLog expected, MemoryLog actual) {
        List<byte[]> a = expected.records();
        List<byte[]> b = actual.records();
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).as("record %d", i + 1).isEqualTo(a.get(i));
        }
    }
}
