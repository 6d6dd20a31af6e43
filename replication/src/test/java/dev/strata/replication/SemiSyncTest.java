package dev.strata.replication;

import dev.strata.replication.leader.SemiSync;
import dev.strata.replication.testing.Await;
import dev.strata.replication.testing.MemoryLog;
import dev.strata.replication.testing.Nodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Semi-synchronous commits: acknowledged only after a follower's durable ack, or per policy on timeout. */
class SemiSyncTest {
    @TempDir
    Path tmp;

    @Test
    void commitsWaitForDurableAcknowledgementThenFailOrDegradeWithoutFollowers() {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            Leader leader = nodes.leader("leader", log, Nodes.config());
            Follower follower = nodes.follower("f1", Nodes.address(leader), Nodes.config());
            log.put("warm-up", "v");
            Await.until(() -> follower.status().appliedSeqno() == 1, () -> follower.status().toString());

            SemiSync gate = leader.semiSync(1, Duration.ofSeconds(10), SemiSync.Policy.FAIL);
            for (int i = 0; i < 20; i++) {
                long seqno = log.put("k" + i, "v");
                // The commit returned: the follower had acknowledged it durable before.
                assertThat(leader.followers().get(0).durableSeqno()).isGreaterThanOrEqualTo(seqno);
            }
            assertThat(gate.acknowledged()).isEqualTo(20);

            follower.close();
            SemiSync failing = leader.semiSync(1, Duration.ofMillis(300), SemiSync.Policy.FAIL);
            assertThatThrownBy(() -> log.put("unreplicated", "v")).isInstanceOfSatisfying(ReplicationException.class,
                    e -> assertThat(e.reason()).isEqualTo(ReplicationException.Reason.SEMI_SYNC_TIMEOUT));
            assertThat(failing.timedOut()).isEqualTo(1);
            assertThat(log.latestSeqno()).isEqualTo(22); // the commit itself stands; only its writer was told

            SemiSync degrading = leader.semiSync(1, Duration.ofMillis(300), SemiSync.Policy.DEGRADE);
            log.put("degraded-1", "v");
            assertThat(degrading.degraded()).isTrue();
            long start = System.nanoTime();
            long last = log.put("degraded-2", "v"); // no second wait while degraded
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300));
            assertThat(degrading.timedOut()).isEqualTo(1);
            assertThat(degrading.degradedCommits()).isEqualTo(2);

            Follower back = nodes.follower("f1", Nodes.address(leader), Nodes.config());
            assertThat(back.awaitApplied(last, Duration.ofSeconds(10))).isTrue();
            Await.until(() -> leader.followers().get(0).durableSeqno() >= last, () -> leader.followers().toString());
            long seqno = log.put("synchronous-again", "v");
            assertThat(degrading.degraded()).isFalse();
            assertThat(leader.followers().get(0).durableSeqno()).isGreaterThanOrEqualTo(seqno);
            leader.asynchronous();
        }
    }
}
