package dev.strata.replication.engine;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.Durability;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.WriteBatch;
import dev.strata.engine.log.CommitRecordCursor;
import dev.strata.replication.Follower;
import dev.strata.replication.Leader;
import dev.strata.replication.ReplicationConfig;
import dev.strata.replication.epoch.EpochStore;
import dev.strata.replication.testing.Await;
import dev.strata.replication.testing.Nodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replication over real databases: a leader, two followers and one chained on the first, under
 * every kind of write (puts, removes, delete-ranges, TTL puts, batches over several column
 * families, transactions, column families created and dropped). After quiescing, every follower
 * applied the leader's durable seqno, every column family dumps equal, and the transaction logs
 * (the commit records from seqno 1) are byte-identical.
 */
class EngineReplicationTest {
    @TempDir
    Path tmp;

    private static StrataOptions small() {
        return StrataOptions.defaults().memtableSize(64 << 10).durability(Durability.SYNC);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void leaderTwoFollowersAndAChainedOneEndEqual() throws Exception {
        long seed = Long.getLong("strata.seed", System.nanoTime());
        Random random = new Random(seed);
        ReplicationConfig cfg = Nodes.config();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (StrataDatabase db = StrataDatabase.open(tmp.resolve("leader"), small());
             Leader leader = Leader.start(new EngineSource(db), new EpochStore(db.path()), tmp.resolve("leader.work"), any, cfg);
             Follower f1 = Follower.start(EngineReplica.opener(small()), tmp.resolve("f1"), "f1", Nodes.address(leader), cfg);
             Follower f2 = Follower.start(EngineReplica.opener(small().durability(Durability.ASYNC)), tmp.resolve("f2"), "f2",
                     Nodes.address(leader), cfg);
             Leader relay = Leader.start(f1.asSource(), f1.epochs(), tmp.resolve("f1.work"), any, cfg);
             Follower chained = Follower.start(EngineReplica.opener(small()), tmp.resolve("chained"), "chained",
                     Nodes.address(relay), cfg)) {
            List<ColumnFamily> families = new ArrayList<>(List.of(db.defaultColumnFamily(), db.createColumnFamily("users")));
            for (int i = 0; i < 1500; i++) {
                ColumnFamily cf = families.get(random.nextInt(families.size()));
                String k = "k" + random.nextInt(300);
                switch (random.nextInt(9)) {
                    case 0, 1 -> cf.put(b(k), b("v" + i));
                    case 2 -> cf.remove(b(k));
                    case 3 -> cf.deleteRange(b("k1"), b("k2"));
                    case 4 -> cf.put(b(k), b("ttl" + i), Duration.ofHours(1));
                    case 5 -> {
                        WriteBatch batch = new WriteBatch();
                        for (ColumnFamily f : families) {
                            batch.put(f, b(k), b("batch" + i)).remove(f, b("k" + random.nextInt(300)));
                        }
                        db.write(batch);
                    }
                    case 6 -> {
                        byte[] value = b("txn" + i);
                        byte[] other = b("k" + random.nextInt(300));
                        db.transaction((txn, attempt) -> {
                            txn.put(b(k), value);
                            txn.remove(other);
                            return null;
                        });
                    }
                    case 7 -> {
                        if (i % 100 == 7) {
                            String name = "cf" + i;
                            families.add(db.createColumnFamily(name));
                        } else if (i % 100 == 57 && families.size() > 2) {
                            ColumnFamily gone = families.remove(families.size() - 1);
                            db.dropColumnFamily(gone.name());
                        }
                    }
                    default -> db.put(b(k), b("default" + i));
                }
            }
            long last = db.durableSeqno();
            for (Follower f : List.of(f1, f2, chained)) {
                assertThat(f.awaitApplied(last, Duration.ofSeconds(60))).as("seed %d: %s", seed, f.status()).isTrue();
                StrataDatabase replica = ((EngineReplica) f.target()).database();
                assertSameData(db, replica);
                assertSameLog(db, replica, 1, last);
                assertThat(f.status().fullSyncs()).isZero();
                assertThatThrownBy(() -> replica.put(b("x"), b("y"))).isInstanceOf(ReadOnlyException.class);
            }
            Await.until(() -> leader.followers().stream().allMatch(i -> i.durableSeqno() == last), () -> leader.followers().toString());
        }
    }

    static void assertSameData(StrataDatabase expected, StrataDatabase actual) {
        assertThat(actual.columnFamilies()).isEqualTo(expected.columnFamilies());
        for (String name : expected.columnFamilies()) {
            assertThat(dump(actual.columnFamily(name))).as(name).isEqualTo(dump(expected.columnFamily(name)));
        }
    }

    private static List<String> dump(ColumnFamily cf) {
        List<String> out = new ArrayList<>();
        try (StrataIterator<KeyValue> it = cf.iterator(RangeOptions.all())) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                out.add(Arrays.toString(kv.key()) + "=" + Arrays.toString(kv.value()));
            }
        }
        return out;
    }

    /** The commit records {@code from..last} are byte-identical in both databases' WALs. */
    static void assertSameLog(StrataDatabase expected, StrataDatabase actual, long from, long last) {
        try (CommitRecordCursor a = expected.readCommitRecords(from); CommitRecordCursor b = actual.readCommitRecords(from)) {
            for (long s = from; s <= last; s++) {
                assertThat(a.next()).isTrue();
                assertThat(b.next()).isTrue();
                assertThat(b.seqno()).isEqualTo(a.seqno());
                assertThat(Arrays.copyOfRange(b.buffer(), b.offset(), b.offset() + b.length()))
                        .as("record %d", s).isEqualTo(Arrays.copyOfRange(a.buffer(), a.offset(), a.offset() + a.length()));
            }
        }
    }
}
