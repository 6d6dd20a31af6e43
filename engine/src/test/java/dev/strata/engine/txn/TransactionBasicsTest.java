package dev.strata.engine.txn;

import dev.strata.engine.ClosedException;
import dev.strata.engine.CommitResult;
import dev.strata.engine.Durability;
import dev.strata.engine.ErrorCode;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.Snapshot;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static dev.strata.engine.TestUtil.b;
import static dev.strata.engine.TestUtil.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The transaction API contract: atomic commit under one seqno, read-your-writes in gets and
 * range iterators, commit/abort/close life cycle and its typed errors, the callback form's
 * return and rollback, ids, timestamps, the oldest snapshot, TTL, argument checks, read-only
 * databases, close with live transactions and the async forms.
 */
class TransactionBasicsTest {
    @TempDir
    Path dir;
    private StrataDatabase db;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private StrataDatabase open() {
        return open(StrataOptions.defaults());
    }

    private StrataDatabase open(StrataOptions o) {
        db = StrataDatabase.open(dir.resolve("db"), o.durability(Durability.SYNC).clock(clock::get));
        return db;
    }

    @AfterEach
    void closeDb() {
        if (db != null) {
            db.close();
        }
    }

    private static List<String> keysAndValues(StrataIterator<KeyValue> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                out.add(s(kv.key()) + (kv.value() == null ? "" : "=" + s(kv.value())));
            }
        }
        return out;
    }

    @Test
    void commitAppliesEveryWriteUnderOneSeqno() {
        open();
        db.put(b("c"), b("old"));
        long before = db.latestSeqno();
        Transaction t = db.beginTransaction();
        t.put(b("a"), b("1"));
        t.put(b("b"), b("2"));
        t.remove(b("c"));
        assertThat(db.get(b("a"))).as("not visible before commit").isNull();
        CommitResult r = t.commit();
        assertThat(r.seqno()).isEqualTo(before + 1).isEqualTo(db.latestSeqno());
        assertThat(s(db.get(b("a")))).isEqualTo("1");
        assertThat(s(db.get(b("b")))).isEqualTo("2");
        assertThat(db.get(b("c"))).isNull();
        assertThat(t.isActive()).isFalse();
    }

    @Test
    void readsSeeOwnWritesOverTheSnapshot() {
        open();
        db.put(b("x"), b("1"));
        Transaction t = db.beginTransaction();
        assertThat(s(t.get(b("x")))).isEqualTo("1");
        t.put(b("x"), b("2"));
        assertThat(s(t.get(b("x")))).isEqualTo("2");
        assertThat(s(db.get(b("x")))).as("outside the transaction").isEqualTo("1");
        t.remove(b("x"));
        assertThat(t.get(b("x"))).isNull();
        t.put(b("y"), b("new"));
        assertThat(s(t.getForUpdate(b("y")))).isEqualTo("new");
        t.abort();
        assertThat(s(db.get(b("x")))).isEqualTo("1");
        assertThat(db.get(b("y"))).isNull();
    }

    @Test
    void iteratorsMergeOwnWritesOverTheSnapshotInBothDirections() {
        open();
        for (String k : new String[] {"a", "b", "c", "d", "e", "f"}) {
            db.put(b(k), b(k + "0"));
        }
        Transaction t = db.beginTransaction();
        t.put(b("b"), b("b1"));
        t.remove(b("c"));
        t.put(b("cc"), b("cc1"));
        t.deleteRange(b("d"), b("f"));
        t.put(b("dd"), b("dd1")); // written after the range: survives it
        db.put(b("g"), b("g0")); // the snapshot is taken at the first read (the iterator below): seen
        List<String> forward = keysAndValues(t.iterator(RangeOptions.all()));
        assertThat(forward).containsExactly("a=a0", "b=b1", "cc=cc1", "dd=dd1", "f=f0", "g=g0");
        db.put(b("h"), b("h0")); // after the snapshot: not seen
        assertThat(keysAndValues(t.iterator(new RangeOptions().reverse(true))))
                .containsExactly("g=g0", "f=f0", "dd=dd1", "cc=cc1", "b=b1", "a=a0");
        assertThat(keysAndValues(t.iterator(new RangeOptions().start(b("b"), false).end(b("f"), true).limit(3))))
                .containsExactly("cc=cc1", "dd=dd1", "f=f0");
        assertThat(keysAndValues(t.iterator(new RangeOptions().keysOnly(true).reverse(true).limit(2))))
                .containsExactly("g", "f");
        try (var stream = t.stream(RangeOptions.prefix(b("c")))) {
            assertThat(stream.map(kv -> s(kv.key())).collect(Collectors.toList())).containsExactly("cc");
        }
        t.commit();
        assertThat(keysAndValues(db.iterator(RangeOptions.all())))
                .containsExactly("a=a0", "b=b1", "cc=cc1", "dd=dd1", "f=f0", "g=g0", "h=h0");
    }

    @Test
    void writesMadeWhileIteratingAreNotSeenByThatIterator() {
        open();
        db.put(b("a"), b("1"));
        db.put(b("c"), b("3"));
        Transaction t = db.beginTransaction();
        try (StrataIterator<KeyValue> it = t.iterator(RangeOptions.all())) {
            assertThat(s(it.next().key())).isEqualTo("a");
            t.put(b("b"), b("2"));
            assertThat(s(it.next().key())).isEqualTo("c");
            assertThat(it.hasNext()).isFalse();
        }
        assertThat(keysAndValues(t.iterator(RangeOptions.all()))).containsExactly("a=1", "b=2", "c=3");
        t.abort();
    }

    @Test
    void aFinishedTransactionRefusesEveryOperationButAbort() {
        open();
        Transaction t = db.beginTransaction();
        t.put(b("k"), b("v"));
        t.commit();
        t.abort(); // a no-op once finished
        t.close();
        for (Runnable op : List.<Runnable>of(() -> t.get(b("k")), () -> t.put(b("k"), b("w")), () -> t.remove(b("k")),
                () -> t.deleteRange(b("a"), b("b")), t::commit, () -> t.iterator(RangeOptions.all()))) {
            ClosedException e = catchThrowableOfType(op::run, ClosedException.class);
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.CLOSED);
            assertThat(e.getMessage()).contains("transaction " + t.id()).contains("committed");
        }
        Transaction aborted = db.beginTransaction();
        aborted.put(b("k"), b("x"));
        aborted.abort();
        aborted.abort();
        assertThatThrownBy(aborted::commit).isInstanceOf(ClosedException.class).hasMessageContaining("aborted");
        assertThat(s(db.get(b("k")))).isEqualTo("v");
        TransactionStats st = db.transactionStats();
        assertThat(st.begun()).isEqualTo(2);
        assertThat(st.committed()).isEqualTo(1);
        assertThat(st.aborted()).isEqualTo(1);
    }

    @Test
    void tryWithResourcesAbortsWhatWasNotCommitted() {
        open();
        try (Transaction t = db.beginTransaction()) {
            t.put(b("k"), b("v"));
        }
        assertThat(db.get(b("k"))).isNull();
        try (Transaction t = db.beginTransaction()) {
            t.put(b("k"), b("v"));
            t.commit();
        }
        assertThat(s(db.get(b("k")))).isEqualTo("v");
    }

    @Test
    void theCallbackFormReturnsItsValueAndRollsBackWhenItThrows() {
        open();
        String r = db.transaction((txn, attempt) -> {
            txn.put(b("k"), b("v"));
            return "done " + attempt;
        });
        assertThat(r).isEqualTo("done 1");
        assertThat(s(db.get(b("k")))).isEqualTo("v");
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> db.transaction((txn, attempt) -> {
            txn.put(b("k"), b("changed"));
            throw boom;
        })).isSameAs(boom);
        assertThat(s(db.get(b("k")))).isEqualTo("v");
        // A callback that ends its transaction itself is not committed again.
        Integer n = db.transaction((txn, attempt) -> {
            txn.put(b("k"), b("aborted"));
            txn.abort();
            return 7;
        });
        assertThat(n).isEqualTo(7);
        assertThat(s(db.get(b("k")))).isEqualTo("v");
    }

    @Test
    void idsAreUniqueAndIncreasingAndTimestampsSettable() {
        open();
        Transaction a = db.beginTransaction();
        Transaction b = db.beginTransaction();
        assertThat(b.id()).isGreaterThan(a.id());
        assertThat(a.attempt()).isEqualTo(1);
        assertThat(a.timestamp()).isEqualTo(Instant.ofEpochMilli(clock.get()));
        Instant at = Instant.parse("2026-11-25T10:15:30.123456Z");
        a.timestamp(at);
        assertThat(a.timestamp()).isEqualTo(at);
        clock.addAndGet(5000);
        a.timestamp(null);
        assertThat(a.timestamp()).isEqualTo(Instant.ofEpochMilli(clock.get()));
        assertThat(a.toString()).contains("Transaction " + a.id()).contains("active");
        a.abort();
        b.abort();
    }

    @Test
    void oldestSnapshotTimestampFollowsLiveTransactions() {
        open();
        assertThat(db.oldestSnapshotTimestamp()).isEmpty();
        Transaction first = db.beginTransaction();
        assertThat(first.snapshotSeqno()).as("optimistic: no snapshot before the first read").isEqualTo(-1);
        assertThat(db.oldestSnapshotTimestamp()).isEmpty();
        long t1 = clock.get();
        first.get(b("x"));
        assertThat(first.snapshotSeqno()).isEqualTo(db.latestSeqno());
        clock.addAndGet(1000);
        Transaction second = db.beginTransaction();
        second.get(b("x"));
        assertThat(db.oldestSnapshotTimestamp()).contains(Instant.ofEpochMilli(t1));
        first.commit();
        assertThat(db.oldestSnapshotTimestamp()).contains(Instant.ofEpochMilli(t1 + 1000));
        second.abort();
        assertThat(db.oldestSnapshotTimestamp()).isEmpty();
        assertThat(db.handleStatus().openSnapshots()).as("transaction snapshots are released").isZero();
    }

    @Test
    void aReadOnlyTransactionCommitsNothing() {
        open();
        db.put(b("k"), b("v"));
        long seqno = db.latestSeqno();
        Transaction t = db.beginTransaction();
        assertThat(s(t.get(b("k")))).isEqualTo("v");
        CommitResult r = t.commit();
        assertThat(r.seqno()).isEqualTo(seqno);
        assertThat(db.latestSeqno()).isEqualTo(seqno);
        assertThat(db.beginTransaction().commit().seqno()).as("an empty transaction").isEqualTo(seqno);
    }

    @Test
    void aPutWithATimeToLiveExpiresInsideAndAfterTheTransaction() {
        open();
        Transaction t = db.beginTransaction();
        t.put(b("k"), b("v"), Duration.ofSeconds(10));
        assertThat(s(t.get(b("k")))).isEqualTo("v");
        clock.addAndGet(10_000);
        assertThat(t.get(b("k"))).isNull();
        assertThat(keysAndValues(t.iterator(RangeOptions.all()))).isEmpty();
        clock.addAndGet(-5_000);
        t.commit();
        assertThat(s(db.get(b("k")))).isEqualTo("v");
        clock.addAndGet(5_000);
        assertThat(db.get(b("k"))).isNull();
        Transaction u = db.beginTransaction();
        assertThatThrownBy(() -> u.put(b("k"), b("v"), Duration.ZERO)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> u.put(b("k"), b("v"), Duration.ofSeconds(Long.MAX_VALUE / 1000)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("too long");
        u.abort();
    }

    @Test
    void badArgumentsAreTypedErrors() {
        open(StrataOptions.defaults().maxKeySize(16).maxValueSize(32).maxBatchSize(1024));
        Transaction t = db.beginTransaction();
        List<Runnable> bad = List.of(() -> t.get(null), () -> t.put(null, b("v")), () -> t.put(b("k"), null),
                () -> t.put(new byte[17], b("v")), () -> t.put(b("k"), new byte[33]), () -> t.remove(null),
                () -> t.deleteRange(b("b"), b("a")), () -> t.deleteRange(null, b("a")), () -> t.iterator(null));
        for (Runnable op : bad) {
            StrataException e = catchThrowableOfType(op::run, InvalidArgumentException.class);
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
        try (Snapshot snap = db.snapshot()) {
            assertThatThrownBy(() -> t.iterator(new RangeOptions().snapshot(snap)))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("own snapshot");
        }
        for (int i = 0; i < 20; i++) {
            t.put(b("k" + i), new byte[30]);
        }
        assertThatThrownBy(() -> {
            for (int i = 20; i < 40; i++) {
                t.put(b("k" + i), new byte[30]);
            }
        }).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("maxBatchSize");
        t.commit(); // what fit commits
        assertThat(db.get(b("k19"))).hasSize(30);
        assertThatThrownBy(() -> db.beginTransaction(new TransactionOptions().maxRetries(-1)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> db.transaction(null)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> db.beginTransaction(new TransactionOptions().lockTimeout(Duration.ofMillis(-1))))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void aReadOnlyDatabaseReadsInTransactionsButRefusesTheirWrites() {
        open();
        db.put(b("k"), b("v"));
        try (StrataDatabase ro = StrataDatabase.open(dir.resolve("db"), StrataOptions.defaults().readOnly(true))) {
            Transaction t = ro.beginTransaction();
            assertThat(s(t.get(b("k")))).isEqualTo("v");
            assertThatThrownBy(() -> t.put(b("k"), b("w"))).isInstanceOf(ReadOnlyException.class);
            assertThatThrownBy(() -> t.deleteRange(b("a"), b("z"))).isInstanceOf(ReadOnlyException.class);
            assertThat(t.commit().seqno()).isEqualTo(1);
        }
    }

    @Test
    void closingTheDatabaseAbortsLiveTransactions() {
        open();
        Transaction t = db.beginTransaction();
        t.put(b("k"), b("v"));
        t.get(b("other"));
        db.close();
        assertThatThrownBy(() -> t.get(b("k"))).isInstanceOf(ClosedException.class);
        assertThatThrownBy(t::commit).isInstanceOf(ClosedException.class);
        assertThatThrownBy(db::beginTransaction).isInstanceOf(ClosedException.class);
        db = StrataDatabase.open(dir.resolve("db"));
        assertThat(db.get(b("k"))).isNull();
    }

    @Test
    void asyncFormsCompleteWithTheResult() throws Exception {
        open();
        assertThat(db.transactionAsync((txn, attempt) -> {
            txn.put(b("a"), b("1"));
            return Thread.currentThread().getName();
        }).get(10, TimeUnit.SECONDS)).startsWith("strata-async");
        Transaction t = db.beginTransaction();
        t.put(b("b"), b("2"));
        CommitResult r = t.commitAsync().get(10, TimeUnit.SECONDS);
        assertThat(r.seqno()).isEqualTo(db.latestSeqno());
        assertThat(s(db.get(b("a")))).isEqualTo("1");
        assertThat(s(db.get(b("b")))).isEqualTo("2");
    }

    @Test
    void transactionModeIsOnePerOpenDirectory() {
        open();
        assertThat(db.transactionMode()).isEqualTo(TransactionMode.OPTIMISTIC);
        StrataOptions other = StrataOptions.defaults().readOnly(true).transactionMode(TransactionMode.PESSIMISTIC);
        assertThatThrownBy(() -> StrataDatabase.open(dir.resolve("db"), other))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("OPTIMISTIC");
        try (StrataDatabase same = StrataDatabase.open(dir.resolve("db"), StrataOptions.defaults().readOnly(true))) {
            assertThat(same.transactionMode()).isEqualTo(TransactionMode.OPTIMISTIC);
        }
        db.close();
        db = StrataDatabase.open(dir.resolve("db"), StrataOptions.defaults().transactionMode(TransactionMode.PESSIMISTIC));
        assertThat(db.transactionMode()).isEqualTo(TransactionMode.PESSIMISTIC);
        assertThatThrownBy(() -> StrataDatabase.open(dir.resolve("x"), StrataOptions.defaults().transactionMode(null)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> StrataDatabase.open(dir.resolve("x"), StrataOptions.defaults().lockTimeout(Duration.ofSeconds(-1))))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void withoutASnapshotEachReadSeesTheLatestState() {
        open();
        db.put(b("x"), b("1"));
        Transaction t = db.beginTransaction(new TransactionOptions().disableSnapshot(true));
        assertThat(s(t.get(b("x")))).isEqualTo("1");
        assertThat(t.snapshotSeqno()).isEqualTo(-1);
        db.put(b("y"), b("2"));
        assertThat(s(t.get(b("y")))).as("read committed").isEqualTo("2");
        assertThat(keysAndValues(t.iterator(RangeOptions.all()))).containsExactly("x=1", "y=2");
        t.put(b("z"), b("3"));
        t.commit(); // y was read after it was written: no conflict
        assertThat(s(db.get(b("z")))).isEqualTo("3");
        assertThat(db.oldestSnapshotTimestamp()).isEmpty();
    }
}
