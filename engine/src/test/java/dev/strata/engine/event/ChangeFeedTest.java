package dev.strata.engine.event;

import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.ClosedException;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.WriteBatch;
import dev.strata.engine.vfs.FaultStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.strata.engine.TestUtil.await;
import static dev.strata.engine.TestUtil.b;
import static dev.strata.engine.TestUtil.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Change subscriptions through the database: prefix filtering of puts, removes and
 * delete-ranges (plain, batched and transactional); seqno order with no gaps under concurrent
 * writers, each change delivered only once durable; a slow listener that never blocks commits
 * and is told what it missed; no change from a commit whose force failed; closing.
 */
class ChangeFeedTest {
    @TempDir
    Path dir;
    private StrataDatabase db;

    @AfterEach
    void closeDb() {
        if (db != null) {
            db.close();
        }
    }

    /** Records what it gets; fails the test (through {@link #errors}) on an overflow it was not told to expect. */
    private static final class Recorder implements ChangeListener {
        final List<ChangeEvent> changes = Collections.synchronizedList(new ArrayList<>());
        final List<ChangeOverflow> overflows = Collections.synchronizedList(new ArrayList<>());
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        private final StrataDatabase db;

        Recorder(StrataDatabase db) {
            this.db = db;
        }

        @Override
        public void onChange(ChangeEvent change) {
            if (db != null && db.durableSeqno() < change.seqno() && db.latestSeqno() < change.seqno()) {
                errors.add("change " + change + " delivered before it was durable/visible");
            }
            changes.add(change);
        }

        @Override
        public void onOverflow(ChangeOverflow overflow) {
            overflows.add(overflow);
        }

        List<String> rendered() {
            synchronized (changes) {
                List<String> out = new ArrayList<>();
                for (ChangeEvent e : changes) {
                    out.add(e.type() + " " + s(e.key()) + (e.value() != null ? "=" + s(e.value()) : "")
                            + (e.end() != null ? ".." + s(e.end()) : ""));
                }
                return out;
            }
        }
    }

    @Test
    void changesUnderThePrefixArriveInSeqnoOrder() {
        db = StrataDatabase.open(dir.resolve("db"));
        db.put(b("user/0"), b("before the subscription"));
        Recorder users = new Recorder(db);
        Recorder all = new Recorder(db);
        Subscription sub = db.subscribe(b("user/"), users);
        Subscription everything = db.subscribe(new byte[0], all);
        assertThat(sub.startSeqno()).isEqualTo(db.latestSeqno());
        db.put(b("user/1"), b("a"));
        db.put(b("item/1"), b("not a user"));
        db.remove(b("user/0"));
        db.write(new WriteBatch().put(b("user/2"), b("b")).put(b("item/2"), b("x")).remove(b("user/1")));
        db.deleteRange(b("user/5"), b("user/7"));     // inside the prefix
        db.deleteRange(b("a"), b("b"));               // outside
        db.deleteRange(b("u"), b("user/"));           // ends where the prefix starts: removes nothing under it
        db.deleteRange(b("userx"), b("v"));           // starts after the prefix
        db.deleteRange(b("t"), b("z"));               // covers it
        db.put(b("user/3"), b("ttl"), Duration.ofHours(1));
        db.transaction((txn, attempt) -> {
            txn.put(b("user/4"), b("txn"));
            txn.put(b("item/4"), b("txn"));
            return null;
        });
        long last = db.latestSeqno();
        await("the transaction's change", () -> users.changes.size() == 8);
        assertThat(users.rendered()).containsExactly("PUT user/1=a", "REMOVE user/0", "PUT user/2=b", "REMOVE user/1",
                "DELETE_RANGE user/5..user/7", "DELETE_RANGE t..z", "PUT user/3=ttl", "PUT user/4=txn");
        await("every change", () -> all.changes.size() == 14);
        List<Long> seqnos = all.changes.stream().map(ChangeEvent::seqno).toList();
        assertThat(seqnos).isSorted();
        assertThat(seqnos.get(seqnos.size() - 1)).isEqualTo(last);
        ChangeEvent ttl = users.changes.get(6);
        assertThat(ttl.expiresAt()).isPositive();
        assertThat(ttl.timestamp()).isPositive();
        assertThat(ttl.columnFamily()).isZero();
        assertThat(ttl.toString()).contains("PUT user/3=ttl");
        assertThat(users.changes.get(4).toString()).contains("user/5..user/7");
        assertThat(users.overflows).isEmpty();
        assertThat(users.errors).isEmpty();
        assertThat(sub.delivered()).isEqualTo(8);
        assertThat(sub.dropped()).isZero();
        sub.close();
        assertThat(sub.isOpen()).isFalse();
        db.put(b("user/9"), b("after close"));
        await("the other subscription", () -> all.changes.size() == 15);
        assertThat(users.changes).hasSize(8);
        assertThatThrownBy(() -> db.subscribe(null, users)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> db.subscribe(b("x"), users, 1)).isInstanceOf(InvalidArgumentException.class);
        everything.close();
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void concurrentCommitsArriveInSeqnoOrderWithoutGapsOnceDurable(Durability durability) throws Exception {
        Path scratch = CrashTesting.scratchDir("strata-feed");
        try {
            db = StrataDatabase.open(scratch.resolve("db"), StrataOptions.defaults().durability(durability));
            Recorder rec = new Recorder(db);
            Subscription sub = db.subscribe(b("k"), rec, 100_000);
            int threads = 4;
            int perThread = 500;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (i % 10 == 0) {
                            db.transaction((txn, attempt) -> {
                                txn.put(b("k" + id + "/" + attempt), b("t"));
                                return null;
                            });
                        } else {
                            db.put(b("k" + id + "/" + i), b("v"));
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
            await("every change", () -> rec.changes.size() == threads * perThread);
            long first = sub.startSeqno() + 1;
            for (int i = 0; i < rec.changes.size(); i++) {
                assertThat(rec.changes.get(i).seqno()).as("change %d", i).isEqualTo(first + i);
            }
            assertThat(rec.errors).isEmpty();
            assertThat(rec.overflows).isEmpty();
        } finally {
            db.close();
            db = null;
            CrashTesting.deleteTree(scratch);
        }
    }

    @Test
    void aSlowListenerNeverBlocksCommitsAndIsToldWhatItMissed() throws Exception {
        db = StrataDatabase.open(dir.resolve("db"), StrataOptions.defaults().durability(Durability.ASYNC));
        CountDownLatch release = new CountDownLatch(1);
        List<Object> got = Collections.synchronizedList(new ArrayList<>());
        Subscription sub = db.subscribe(b("k"), ChangeListener.of(change -> {
            try {
                release.await(30, TimeUnit.SECONDS); // stuck until the writes are done
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            got.add(change.seqno());
        }, got::add), 8);
        long start = db.latestSeqno();
        int writes = 200;
        for (int i = 0; i < writes; i++) {
            db.put(b("k" + i), b("v")); // completes although the listener is stuck
        }
        await("the drops", () -> sub.dropped() > 0 && sub.dropped() + 9 >= writes);
        release.countDown();
        db.put(b("k-last"), b("v")); // delivered, or reported if the queue has not drained to half yet
        await("every change delivered or reported", () -> accounted(got) == writes + 1);
        long delivered;
        List<ChangeOverflow> overflows;
        synchronized (got) {
            delivered = got.stream().filter(o -> o instanceof Long).count();
            overflows = got.stream().filter(o -> o instanceof ChangeOverflow).map(o -> (ChangeOverflow) o).toList();
        }
        assertThat(overflows).isNotEmpty();
        long droppedReported = overflows.stream().mapToLong(ChangeOverflow::droppedChanges).sum();
        assertThat(delivered + droppedReported).as("every change delivered or reported").isEqualTo(writes + 1);
        assertThat(sub.dropped()).isEqualTo(droppedReported);
        assertThat(sub.delivered()).isEqualTo(delivered);
        // Each report stands where its changes would have been.
        long expectedNext = start + 1;
        for (Object o : got) {
            if (o instanceof Long seqno) {
                assertThat(seqno).isEqualTo(expectedNext);
                expectedNext = seqno + 1;
            } else {
                ChangeOverflow of = (ChangeOverflow) o;
                assertThat(of.firstSeqno()).isEqualTo(expectedNext);
                assertThat(of.lastSeqno() - of.firstSeqno() + 1).isEqualTo(of.droppedChanges());
                expectedNext = of.lastSeqno() + 1;
            }
        }
    }

    /** Changes delivered plus changes reported dropped. */
    private static long accounted(List<Object> got) {
        synchronized (got) {
            return got.stream().mapToLong(o -> o instanceof ChangeOverflow of ? of.droppedChanges() : 1).sum();
        }
    }

    @Test
    void noChangeIsDeliveredForACommitWhoseForceFailed() throws Exception {
        FaultStorage fs = new FaultStorage(dir.resolve("fault"));
        db = StrataDatabase.open(fs.root().resolve("db"), StrataOptions.defaults().storage(fs).durability(Durability.SYNC));
        Recorder rec = new Recorder(db);
        db.subscribe(b(""), rec);
        db.put(b("durable"), b("1"));
        await("the durable change", () -> rec.changes.size() == 1);
        fs.failNth(FaultStorage.Kind.FORCE, fs.count(FaultStorage.Kind.FORCE) + 1, false);
        assertThatThrownBy(() -> db.put(b("lost"), b("2"))).isInstanceOf(BackgroundErrorException.class);
        assertThatThrownBy(() -> db.put(b("refused"), b("3"))).isInstanceOf(BackgroundErrorException.class);
        db.close(); // the feed delivers what is visible, then stops
        db = null;
        assertThat(rec.rendered()).containsExactly("PUT durable=1");
    }

    @Test
    void subscriptionsEndWithTheDatabase() {
        db = StrataDatabase.open(dir.resolve("db"));
        Subscription sub = db.subscribe(b("k"), new Recorder(null));
        assertThat(sub.isOpen()).isTrue();
        db.close();
        assertThat(sub.isOpen()).isFalse();
        assertThatThrownBy(() -> db.subscribe(b("k"), new Recorder(null))).isInstanceOf(ClosedException.class);
        db = null;
    }
}
