package dev.strata.replication;

import dev.strata.replication.testing.Await;
import dev.strata.replication.testing.MemoryLog;
import dev.strata.replication.testing.Nodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.strata.replication.LeaderFollowerTest.assertSameRecords;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promotion, epochs and chaining: a promoted follower leads a new epoch; a follower of the old
 * leader that stopped at or before the switch point continues without a full sync; the old leader,
 * with a tail nobody received, is fully synced; a follower never takes records from an older epoch;
 * a follower can serve followers of its own.
 */
class TopologyTest {
    @TempDir
    Path tmp;

    @Test
    void promotionStartsANewEpochAndOthersFollowWithoutFullSyncUnlessTheyDiverged() {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog oldLog = nodes.log("old");
            Leader old = nodes.leader("old", oldLog, Nodes.config());
            Follower f1 = nodes.follower("f1", Nodes.address(old), Nodes.config());
            Follower f2 = nodes.follower("f2", Nodes.address(old), Nodes.config());
            for (int i = 0; i < 100; i++) {
                oldLog.put("k" + i, "v" + i);
            }
            Await.until(() -> f1.status().appliedSeqno() == 100 && f2.status().appliedSeqno() == 100,
                    () -> f1.status() + " / " + f2.status());
            old.close();
            for (int i = 0; i < 5; i++) {
                oldLog.put("lost" + i, "never replicated"); // the old leader's tail: 101..105 in epoch 1
            }

            MemoryLog newLog = (MemoryLog) f1.promote();
            assertThat(f1.status().state()).isEqualTo("PROMOTED");
            assertThat(f1.epochs().history().current()).isEqualTo(2);
            assertThat(f1.epochs().history().start(1)).isEqualTo(101);
            Leader next = nodes.leader(newLog, f1.epochs(), "f1", Nodes.config());
            for (int i = 0; i < 50; i++) {
                newLog.put("new" + i, "v" + i);
            }

            f2.close();
            Follower f2b = nodes.follower("f2", Nodes.address(next), Nodes.config());
            Await.until(() -> f2b.status().appliedSeqno() == 150, () -> f2b.status().toString());
            assertSameRecords(newLog, (MemoryLog) f2b.target());
            assertThat(f2b.status().fullSyncs()).isZero();
            assertThat(f2b.status().epoch()).isEqualTo(2);

            oldLog.persist();
            oldLog.close();
            Follower former = nodes.follower("old", Nodes.address(next), Nodes.config());
            Await.until(() -> former.status().fullSyncs() == 1 && former.status().appliedSeqno() == 150,
                    () -> former.status().toString());
            assertSameRecords(newLog, (MemoryLog) former.target());
            assertThat(former.status().epoch()).isEqualTo(2);
            assertThat(next.fullSyncsStarted()).isEqualTo(1);
        }
    }

    @Test
    void aFollowerNeverTakesRecordsFromAnOlderEpoch() {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            Leader leader = nodes.leader("leader", log, Nodes.config());
            Follower f = nodes.follower("f", Nodes.address(leader), Nodes.config());
            log.put("a", "1");
            Await.until(() -> f.status().appliedSeqno() == 1, () -> f.status().toString());
            f.close();
            new dev.strata.replication.epoch.EpochStore(nodes.dir("f")).promote(2); // f has seen epoch 2
            MemoryLog stale = nodes.log("stale");
            stale.put("a", "1");
            stale.put("b", "from a stale leader");
            Leader staleLeader = nodes.leader("stale", stale, Nodes.config());
            Follower again = nodes.follower("f", Nodes.address(staleLeader), Nodes.config());
            Await.until(() -> String.valueOf(again.status().lastError()).contains("STALE_LEADER"), () -> again.status().toString());
            assertThat(again.status().appliedSeqno()).isEqualTo(1);
            assertThat(staleLeader.rejectedConnections()).isGreaterThanOrEqualTo(1);
            assertThat(staleLeader.newerEpochSeen()).isEqualTo(2);
            assertThat(leader.newerEpochSeen()).isZero();
        }
    }

    @Test
    void aFollowerServesFollowersOfItsOwn() {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            for (int i = 0; i < 200; i++) {
                log.put("early" + i, "v");
            }
            log.truncateLog(150); // the chained follower cannot get 1..150 from anyone's log: full sync through the chain
            Leader leader = nodes.leader("leader", log, Nodes.config());
            Follower middle = nodes.follower("middle", Nodes.address(leader), Nodes.config());
            Leader relay = nodes.leader(middle.asSource(), middle.epochs(), "middle", Nodes.config());
            Await.until(() -> middle.status().appliedSeqno() == 200, () -> middle.status().toString());
            ((MemoryLog) middle.target()).truncateLog(150);
            Follower leaf = nodes.follower("leaf", Nodes.address(relay), Nodes.config());
            for (int i = 0; i < 300; i++) {
                log.put("k" + i, "v" + i);
            }
            Await.until(() -> leaf.status().appliedSeqno() == 500, () -> leaf.status() + " / " + middle.status());
            assertSameRecords(log, (MemoryLog) leaf.target());
            assertThat(leaf.status().epoch()).isEqualTo(1);
            assertThat(relay.followers()).extracting(FollowerInfo::id).containsExactly("leaf");
            assertThat(leader.followers()).extracting(FollowerInfo::id).containsExactly("middle");
        }
    }
}
