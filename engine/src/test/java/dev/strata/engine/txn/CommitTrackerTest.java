package dev.strata.engine.txn;

import dev.strata.engine.event.ChangeEvent;
import dev.strata.engine.event.ChangeFeed;
import dev.strata.engine.event.ChangeListener;
import dev.strata.engine.event.ChangeOverflow;
import dev.strata.engine.event.Subscription;
import dev.strata.engine.util.CfKey;
import dev.strata.engine.verify.DatabaseVersions;
import dev.strata.engine.wal.CommitRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.strata.engine.TestUtil.await;
import static dev.strata.engine.TestUtil.b;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commit tracker and the change feed without a database: every op reaches the conflict table;
 * nothing is captured while nobody subscribes (the commit path's one volatile read); captured
 * commits wait for visibility; a commit that does not fit the feed's buffer is reported to every
 * subscription as an overflow, in its place.
 */
class CommitTrackerTest {
    /** One put of {@code key}, encoded as a commit record's ops. */
    private static byte[] put(String key) {
        byte[] k = b(key);
        byte[] v = b("value-of-" + key);
        byte[] ops = new byte[CommitRecord.opSize(0, k.length, v.length, false)];
        CommitRecord.encodeOp(ops, 0, CommitRecord.PUT, 0, k, v, 0L);
        return ops;
    }

    @Test
    void everyOpReachesTheConflictTableAndNothingIsCapturedWithoutSubscribers() {
        AtomicLong visible = new AtomicLong();
        ChangeFeed feed = new ChangeFeed("t", visible::get, visible::get, 1 << 20);
        ConflictTable table = new ConflictTable(1024);
        CommitTracker tracker = new CommitTracker(table, new DatabaseVersions(cf -> false, false), false, feed);
        byte[] ops = put("k");
        tracker.applied(7, 1000, ops, 0, ops.length, 1);
        tracker.acknowledged(7, true);
        assertThat(feed.active()).isFalse();
        assertThat(feed.pendingBytes()).isZero();
        assertThat(table.mayHaveChangedAfter(new CfKey(0, b("k")).hashCode(), 6)).isTrue();
        assertThat(table.mayHaveChangedAfter(new CfKey(0, b("k")).hashCode(), 7)).isFalse();
        byte[] range = new byte[CommitRecord.opSize(0, 1, 1, false)];
        CommitRecord.encodeOp(range, 0, CommitRecord.DELETE_RANGE, 0, b("a"), b("b"), 0L);
        tracker.applied(8, 1001, range, 0, range.length, 1);
        assertThat(table.rangeDeleteSeqno()).isEqualTo(8);
        assertThat(table.mayHaveChangedAfter(new CfKey(0, b("other")).hashCode(), 7)).as("after a delete-range every key may have").isTrue();
        feed.close();
    }

    @Test
    void capturedCommitsWaitForVisibilityAndOverflowsAreReported() {
        AtomicLong visible = new AtomicLong(10);
        AtomicLong last = new AtomicLong(10);
        int oneCommit = put("k11").length;
        ChangeFeed feed = new ChangeFeed("t", visible::get, last::get, oneCommit * 2L);
        CommitTracker tracker = new CommitTracker(new ConflictTable(1024), new DatabaseVersions(cf -> false, false), false, feed);
        List<Object> got = Collections.synchronizedList(new ArrayList<>());
        Subscription sub = feed.subscribe(0, b("k"), ChangeListener.of(got::add, got::add), 100);
        assertThat(sub.startSeqno()).isEqualTo(10);
        for (long s = 11; s <= 14; s++) {
            byte[] ops = put("k" + s);
            last.set(s);
            tracker.applied(s, 2000 + s, ops, 0, ops.length, 1);
        }
        assertThat(feed.pendingBytes()).as("two commits fit the buffer").isEqualTo(oneCommit * 2L);
        tracker.acknowledged(14, true);
        assertThat(got).as("nothing is visible yet").isEmpty();
        visible.set(14);
        tracker.acknowledged(14, true);
        await("two changes and the report of the others", () -> got.size() >= 3
                && got.get(got.size() - 1) instanceof ChangeOverflow o && o.lastSeqno() == 14);
        assertThat(((ChangeEvent) got.get(0)).seqno()).isEqualTo(11);
        assertThat(((ChangeEvent) got.get(1)).seqno()).isEqualTo(12);
        long next = 13; // the lost commits, in one report or two, in order
        for (Object o : got.subList(2, got.size())) {
            ChangeOverflow of = (ChangeOverflow) o;
            assertThat(of.firstSeqno()).isEqualTo(next);
            assertThat(of.droppedChanges()).as("unknown: the feed dropped whole commits").isZero();
            next = of.lastSeqno() + 1;
        }
        assertThat(next).isEqualTo(15);
        assertThat(feed.pendingBytes()).isZero();
        feed.close();
        assertThat(sub.isOpen()).isFalse();
    }
}
