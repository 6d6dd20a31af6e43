package dev.strata.engine.log;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static dev.strata.engine.TestUtil.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine side of replication: a follower that applies a leader's commit records (read with a
 * cursor) ends with the same data and the same transaction log, refuses its users' writes,
 * skips duplicates, refuses gaps, and can be promoted; a commit gate holds acknowledgements.
 */
class ReplicationHooksTest {
    @TempDir
    Path dir;

    private static List<String> dump(StrataDatabase db) {
        List<String> out = new ArrayList<>();
        try (StrataIterator<KeyValue> it = db.iterator(RangeOptions.all())) {
            it.forEachRemaining(kv -> out.add(new String(kv.key()) + "=" + new String(kv.value())));
        }
        return out;
    }

    @Test
    void aFollowerAppliesTheLeadersRecordsAndHasTheSameLog() throws Exception {
        try (StrataDatabase leader = StrataDatabase.open(dir.resolve("leader"));
             StrataDatabase follower = StrataDatabase.open(dir.resolve("follower"), StrataOptions.defaults().follower(true))) {
            ColumnFamily users = leader.createColumnFamily("users");
            for (int i = 0; i < 100; i++) {
                int k = i;
                leader.put(b("k" + i), b("v" + i));
                leader.transaction((txn, a) -> {
                    txn.put(b("t" + k), b("x"));
                    leader.useLog("audit").addEntry(b("e" + k), txn);
                    return null;
                });
            }
            WriteBatch batch = new WriteBatch();
            batch.put(users, b("alice"), b("1"));
            batch.deleteRange(b("k1"), b("k2"));
            leader.write(batch);
            leader.dropColumnFamily("users");
            leader.createColumnFamily("orders").put(b("o1"), b("x"));

            assertThatThrownBy(() -> follower.put(b("x"), b("y"))).isInstanceOf(ReadOnlyException.class);
            long applied = 0;
            try (CommitRecordCursor c = leader.readCommitRecords(1)) {
                while (c.next()) {
                    assertThat(follower.applyReplicated(c.buffer(), c.offset(), c.length()).seqno()).isEqualTo(c.seqno());
                    applied++;
                }
                // A duplicate is skipped, a gap refused.
                byte[] again;
                try (CommitRecordCursor d = leader.readCommitRecords(5)) {
                    assertThat(d.next()).isTrue();
                    again = d.payload();
                }
                assertThat(follower.applyReplicated(again, 0, again.length)).isNull();
                leader.put(b("late1"), b("1"));
                leader.put(b("late2"), b("2"));
                try (CommitRecordCursor d = leader.readCommitRecords(leader.latestSeqno())) {
                    assertThat(d.next()).isTrue();
                    byte[] gap = d.payload();
                    assertThatThrownBy(() -> follower.applyReplicated(gap, 0, gap.length)).isInstanceOf(InvalidArgumentException.class);
                }
                assertThat(c.next()).as("the same cursor follows new durable commits").isTrue();
                follower.applyReplicated(c.buffer(), c.offset(), c.length());
                assertThat(c.next()).isTrue();
                follower.applyReplicated(c.buffer(), c.offset(), c.length());
                assertThat(c.next()).isFalse();
            }
            assertThat(applied).as("1 create + 200 + batch + drop + create + put").isEqualTo(205);
            assertThat(follower.latestSeqno()).isEqualTo(leader.latestSeqno());
            assertThat(dump(follower)).isEqualTo(dump(leader));
            assertThat(follower.columnFamilies()).isEqualTo(leader.columnFamilies());
            assertThat(new String(follower.columnFamily("orders").get(b("o1")))).isEqualTo("x");
            List<LogEntry> fl;
            List<LogEntry> ll;
            try (LogEntryIterator a = follower.useLog("audit").query(); LogEntryIterator l = leader.useLog("audit").query()) {
                fl = a.stream().toList();
                ll = l.stream().toList();
            }
            assertThat(fl).hasSize(100);
            assertThat(fl).extracting(LogEntry::seqno).isEqualTo(ll.stream().map(LogEntry::seqno).toList());
            assertThat(fl).extracting(LogEntry::timestamp).isEqualTo(ll.stream().map(LogEntry::timestamp).toList());

            follower.promoteToLeader();
            assertThat(follower.put(b("after"), b("promotion")).seqno()).isEqualTo(leader.latestSeqno() + 1);
        }
        // The follower's own WAL replays to the same state.
        try (StrataDatabase f = StrataDatabase.open(dir.resolve("follower"), StrataOptions.defaults().follower(true))) {
            assertThat(f.get(b("late2"))).isEqualTo(b("2"));
            assertThat(f.get(b("after"))).isEqualTo(b("promotion"));
        }
    }

    @Test
    void aCommitGateHoldsTheAcknowledgementAndDurableWaitersWake() throws Exception {
        try (StrataDatabase db = StrataDatabase.open(dir.resolve("gate"))) {
            CompletableFuture<Void> release = new CompletableFuture<>();
            AtomicLong gated = new AtomicLong();
            db.commitGate(seqno -> {
                gated.set(seqno);
                release.join();
            });
            CompletableFuture<Long> put = CompletableFuture.supplyAsync(() -> db.put(b("k"), b("v")).seqno());
            assertThat(db.awaitDurable(1, Duration.ofSeconds(30))).isTrue();
            dev.strata.engine.TestUtil.await("the gate holds seqno 1", () -> gated.get() == 1);
            assertThat(put).isNotDone();
            release.complete(null);
            assertThat(put.get()).isEqualTo(1);
            db.commitGate(seqno -> {
                throw new dev.strata.engine.BusyException("no follower acknowledged seqno " + seqno);
            });
            assertThatThrownBy(() -> db.put(b("k2"), b("v"))).hasMessageContaining("no follower");
            db.commitGate(null);
            assertThat(db.get(b("k2"))).as("committed locally even though not replicated").isEqualTo(b("v"));
            assertThat(db.awaitDurable(100, Duration.ofMillis(50))).isFalse();
        }
    }
}
