package dev.strata.replication;

import dev.strata.replication.testing.Await;
import dev.strata.replication.testing.ChaosProxy;
import dev.strata.replication.testing.MemoryLog;
import dev.strata.replication.testing.Nodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.strata.replication.LeaderFollowerTest.assertSameRecords;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Full sync: a follower whose next record the leader no longer keeps gets a checkpoint, swaps it
 * in whole, continues from its seqno, and never loops; a broken copy resumes at its file and
 * offset; a follower whose hold passed the byte cap is dropped to one full sync.
 */
class FullSyncTest {
    @TempDir
    Path tmp;

    @Test
    void followerTooFarBehindIsFullySyncedOnceThenStreams() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            for (int i = 0; i < 1000; i++) {
                log.put("k" + i, "v" + i);
            }
            log.truncateLog(600); // the WAL before 601 is gone: a new follower cannot start from 1
            Leader leader = nodes.leader("leader", log, Nodes.config().chunkBytes(4096));
            Follower follower = nodes.follower("f1", Nodes.address(leader), Nodes.config());
            Await.until(() -> follower.status().appliedSeqno() == 1000, () -> follower.status().toString());
            for (int i = 1000; i < 1200; i++) {
                log.put("k" + i, "v" + i);
            }
            MemoryLog replica = (MemoryLog) follower.target();
            Await.until(() -> replica.appliedSeqno() == 1200, () -> follower.status().toString());
            assertSameRecords(log, replica);
            assertThat(follower.status().fullSyncs()).isEqualTo(1);
            assertThat(leader.fullSyncsStarted()).isEqualTo(1);
            assertThat(follower.status().state()).isEqualTo("STREAMING");
            assertThat(leader.followers().get(0).fullSyncs()).isEqualTo(1);
            // The staging directory is gone and the leader's checkpoint is the follower's own copy now.
            assertThat(Files.exists(tmp.resolve(".f1.fullsync"))).isFalse();
            assertThat(Files.exists(tmp.resolve("f1/EPOCHS"))).isTrue();
            // Still no second full sync after a reconnect: the follower continues from its records.
            leader.unregister("f1");
            Await.until(() -> leader.followers().size() == 1 && follower.status().connected()
                    && "STREAMING".equals(follower.status().state()), () -> follower.status().toString());
            log.put("after", "reconnect");
            Await.until(() -> replica.appliedSeqno() == 1201, () -> follower.status().toString());
            assertThat(leader.fullSyncsStarted()).isEqualTo(1);
            assertThat(follower.status().fullSyncs()).isEqualTo(1);
        }
    }

    @Test
    void oldReplicaInstanceIsClosedAndListenersHearOfTheNewOne() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            for (int i = 0; i < 100; i++) {
                log.put("k" + i, "v");
            }
            log.truncateLog(100);
            Leader leader = nodes.leader("leader", log, Nodes.config());
            Follower follower = nodes.follower("f1", Nodes.address(leader), Nodes.config());
            MemoryLog before = (MemoryLog) follower.target();
            java.util.concurrent.atomic.AtomicReference<Object> replaced = new java.util.concurrent.atomic.AtomicReference<>();
            follower.onReplaced(replaced::set);
            Await.until(() -> follower.status().appliedSeqno() == 100, () -> follower.status().toString());
            Await.until(() -> replaced.get() != null, () -> "no replacement reported");
            assertThat(before.isClosed()).isTrue();
            assertThat(replaced.get()).isSameAs(follower.target());
        }
    }

    @Test
    void brokenCopyResumesAtItsFileAndOffset() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            for (int i = 0; i < 3000; i++) {
                log.put("key-" + i, "a value long enough to make the copy take many chunks " + i);
            }
            log.truncateLog(3000);
            Leader leader = nodes.leader("leader", log, Nodes.config().chunkBytes(1024)
                    .writeBufferWaterMarks(4096, 8192));
            try (ChaosProxy proxy = new ChaosProxy(Nodes.address(leader))) {
                proxy.cutAfterBytes(60_000); // the copy is about 250 KB: this cuts it in its first quarter
                Follower follower = nodes.follower("f1", proxy.address(), Nodes.config());
                Await.until(() -> follower.status().appliedSeqno() == 3000, () -> follower.status().toString());
                assertSameRecords(log, (MemoryLog) follower.target());
                assertThat(proxy.cuts()).isEqualTo(1);
                assertThat(leader.fullSyncsResumed()).isEqualTo(1);
                assertThat(leader.fullSyncsStarted()).isEqualTo(2); // the first attempt and its resumption
                assertThat(follower.status().fullSyncs()).isEqualTo(1);
            }
        }
    }

    @Test
    void followerWhoseHoldPassedTheCapIsDroppedToOneFullSync() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            log.holdCapBytes(20_000);
            Leader leader = nodes.leader("leader", log, Nodes.config());
            try (ChaosProxy proxy = new ChaosProxy(Nodes.address(leader))) {
                Follower follower = nodes.follower("f1", proxy.address(), Nodes.config());
                log.put("first", "v");
                Await.until(() -> follower.status().appliedSeqno() == 1, () -> follower.status().toString());
                Await.until(() -> leader.followers().get(0).durableSeqno() == 1, () -> leader.followers().toString());
                proxy.refuse(true);
                proxy.cut();
                for (int i = 0; i < 2000; i++) {
                    log.put("k" + i, "v" + i);
                }
                log.truncateLog(2001); // the hold keeps ~60 KB > the 20 KB cap: dropped
                assertThat(log.droppedHolds()).isEqualTo(1);
                Await.until(() -> leader.followers().get(0).holdDropped(), () -> leader.followers().toString());
                proxy.refuse(false);
                Await.until(() -> follower.status().appliedSeqno() == 2001, () -> follower.status().toString());
                assertSameRecords(log, (MemoryLog) follower.target());
                assertThat(follower.status().fullSyncs()).isEqualTo(1);
                assertThat(leader.fullSyncsStarted()).isEqualTo(1);
                assertThat(leader.followers().get(0).holdDropped()).isFalse();
            }
        }
    }

    @Test
    void aLeaderThatLostItsTailIsDetectedAndItsFollowersResync() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            log.autoDurable(false);
            Leader before = nodes.leader("leader", log, Nodes.config());
            Follower ahead = nodes.follower("ahead", Nodes.address(before), Nodes.config());
            for (int i = 0; i < 100; i++) {
                log.put("k" + i, "v" + i);
            }
            log.makeDurable(85);
            Follower diverged = nodes.follower("diverged", Nodes.address(before), Nodes.config());
            Await.until(() -> diverged.status().appliedSeqno() == 85 && ahead.status().appliedSeqno() == 85,
                    () -> diverged.status() + " / " + ahead.status());
            diverged.close();
            log.makeDurable(100);
            Await.until(() -> ahead.status().appliedSeqno() == 100, () -> ahead.status().toString());
            ahead.close();
            before.close();

            log.loseTail(80); // the leader comes back with commits 1..80 only
            log.autoDurable(true);
            for (int i = 80; i < 90; i++) {
                log.put("k" + i, "other " + i); // 81..90 again, with other contents
            }
            Leader after = nodes.leader("leader", log, Nodes.config());
            Follower ahead2 = nodes.follower("ahead", Nodes.address(after), Nodes.config());
            Follower diverged2 = nodes.follower("diverged", Nodes.address(after), Nodes.config());
            Await.until(() -> ahead2.status().fullSyncs() == 1 && diverged2.status().fullSyncs() == 1
                    && ahead2.status().appliedSeqno() == 90 && diverged2.status().appliedSeqno() == 90,
                    () -> ahead2.status() + " / " + diverged2.status());
            assertSameRecords(log, (MemoryLog) ahead2.target());
            assertSameRecords(log, (MemoryLog) diverged2.target());
            assertThat(after.fullSyncsStarted()).isEqualTo(2);
        }
    }
}
