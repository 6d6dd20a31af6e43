package dev.strata.replication.engine;

import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.replication.Follower;
import dev.strata.replication.Leader;
import dev.strata.replication.ReplicationConfig;
import dev.strata.replication.epoch.EpochStore;
import dev.strata.replication.leader.SemiSync;
import dev.strata.replication.testing.Await;
import dev.strata.replication.testing.Nodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static dev.strata.replication.engine.EngineReplicationTest.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over real databases: a follower whose records the leader's WAL no longer holds gets one full
 * sync (a hard-linked checkpoint), opens the copy and streams on; a promoted follower leads and
 * the other follower continues from it without a full sync; semi-synchronous commits wait for the
 * follower's durable acknowledgement.
 */
class EngineFullSyncTest {
    @TempDir
    Path tmp;

    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A leader that keeps almost no WAL once its memtables are flushed. */
    private static StrataOptions forgetful() {
        return StrataOptions.defaults().memtableSize(64 << 10).walSegmentSize(64 << 10).walKeepSize(0);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFollowerTheLogCannotServeIsFullySyncedOnceAndStreamsOn() throws Exception {
        ReplicationConfig cfg = Nodes.config().chunkBytes(8 << 10);
        try (StrataDatabase db = StrataDatabase.open(tmp.resolve("leader"), forgetful());
             Leader leader = Leader.start(new EngineSource(db), new EpochStore(db.path()), tmp.resolve("leader.work"), ANY, cfg)) {
            for (int i = 0; i < 3000; i++) {
                db.put(b("key" + i), b("value " + i));
            }
            db.flush();
            db.runLogRetention();
            long oldestReadable = oldestReadable(db);
            assertThat(oldestReadable).as("the WAL no longer starts at seqno 1").isGreaterThan(1);

            try (Follower f = Follower.start(EngineReplica.opener(StrataOptions.defaults()), tmp.resolve("f"), "f",
                    Nodes.address(leader), cfg)) {
                AtomicReference<Object> replaced = new AtomicReference<>();
                f.onReplaced(replaced::set);
                Await.until(() -> f.status().appliedSeqno() == 3000, () -> f.status().toString());
                for (int i = 3000; i < 3500; i++) {
                    db.put(b("key" + i), b("after " + i));
                }
                assertThat(f.awaitApplied(db.durableSeqno(), Duration.ofSeconds(30))).as(f.status().toString()).isTrue();
                StrataDatabase replica = ((EngineReplica) f.target()).database();
                assertSameData(db, replica);
                assertThat(replaced.get()).isSameAs(f.target());
                assertThat(f.status().fullSyncs()).isEqualTo(1);
                assertThat(leader.fullSyncsStarted()).isEqualTo(1);
                assertThat(replica.isFollower()).isTrue();
                EngineReplicationTest.assertSameLog(db, replica, 3001, db.durableSeqno());
            }
        }
    }

    @Test
    void promotionOverRealDatabasesAndSemiSync() throws Exception {
        ReplicationConfig cfg = Nodes.config();
        StrataDatabase db = StrataDatabase.open(tmp.resolve("old"), StrataOptions.defaults().durability(Durability.SYNC));
        Leader old = Leader.start(new EngineSource(db), new EpochStore(db.path()), tmp.resolve("old.work"), ANY, cfg);
        try (Follower f1 = Follower.start(EngineReplica.opener(StrataOptions.defaults()), tmp.resolve("f1"), "f1", Nodes.address(old), cfg);
             Follower f2 = Follower.start(EngineReplica.opener(StrataOptions.defaults()), tmp.resolve("f2"), "f2", Nodes.address(old), cfg)) {
            SemiSync gate = old.semiSync(2, Duration.ofSeconds(20), SemiSync.Policy.FAIL);
            for (int i = 0; i < 100; i++) {
                long seqno = db.put(b("k" + i), b("v" + i)).seqno();
                long acked = old.followers().stream().filter(x -> x.durableSeqno() >= seqno).count();
                assertThat(acked).as("followers that acknowledged %d before the commit returned", seqno).isEqualTo(2);
            }
            assertThat(gate.acknowledged()).isEqualTo(100);
            old.close();
            db.close();

            StrataDatabase promoted = ((EngineReplica) f1.promote()).database();
            assertThat(promoted.isFollower()).isFalse();
            try (Leader next = Leader.start(new EngineSource(promoted), f1.epochs(), tmp.resolve("f1.work"), ANY, cfg)) {
                f2.close();
                try (Follower again = Follower.start(EngineReplica.opener(StrataOptions.defaults()), tmp.resolve("f2"), "f2",
                        Nodes.address(next), cfg)) {
                    for (int i = 0; i < 50; i++) {
                        promoted.put(b("new" + i), b("v"));
                    }
                    assertThat(again.awaitApplied(promoted.durableSeqno(), Duration.ofSeconds(30))).as(again.status().toString()).isTrue();
                    assertSameData(promoted, ((EngineReplica) again.target()).database());
                    assertThat(again.status().fullSyncs()).isZero();
                    assertThat(again.status().epoch()).isEqualTo(2);
                }
            } finally {
                promoted.close();
            }
        }
    }

    private static long oldestReadable(StrataDatabase db) {
        try (dev.strata.engine.log.CommitRecordCursor c = db.readCommitRecords(1)) {
            return c.next() ? c.seqno() : Long.MAX_VALUE;
        } catch (dev.strata.engine.LogUnavailableException e) {
            return e.oldestAvailable();
        }
    }
}
