package dev.strata.engine.log;

import dev.strata.engine.CommitResult;
import dev.strata.engine.Durability;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.TransactionAbandonedException;
import dev.strata.engine.txn.Transaction;
import dev.strata.engine.txn.TransactionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.strata.engine.TestUtil.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Entries are written with their transaction, returned by every query form, and never without it. */
class TransactionLogTest {
    @TempDir
    Path dir;

    private static List<String> all(TransactionLog log, LogQuery q) {
        List<String> out = new ArrayList<>();
        try (LogEntryIterator it = log.query(q)) {
            while (it.hasNext()) {
                LogEntry e = it.next();
                out.add(new String(e.data(), StandardCharsets.UTF_8) + "@" + e.seqno() + (e.endTxn() ? "." : ""));
            }
        }
        return out;
    }

    @Test
    void entriesOfCommittedTransactionsOnlyInCommitOrder() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            TransactionLog log = db.useLog("audit");
            assertThat(db.useLog("audit")).isSameAs(log);
            assertThat(db.useLog(7)).isSameAs(db.useLog("7"));
            CommitResult r1 = db.transaction((txn, attempt) -> {
                txn.put(b("k1"), b("v1"));
                log.addEntry(b("one"), txn);
                txn.useLog("audit").addEntry(b("two"));
                return txn.commit();
            });
            // Rolled back: an explicit abort, and a callback that throws.
            Transaction aborted = db.beginTransaction();
            log.addEntry(b("aborted"), aborted.id());
            aborted.put(b("k2"), b("v2"));
            aborted.abort();
            assertThatThrownBy(() -> db.transaction((txn, attempt) -> {
                log.addEntry(b("thrown"), txn);
                throw new IllegalStateException("no");
            })).isInstanceOf(IllegalStateException.class);
            // An entry-only transaction is a commit too.
            db.transaction((txn, attempt) -> {
                log.addEntry(b("three"), txn);
                return null;
            });
            db.put(b("plain"), b("write")); // no entries
            assertThat(all(log, LogQuery.all())).containsExactly("one@" + r1.seqno(), "two@" + r1.seqno() + ".",
                    "three@" + (r1.seqno() + 1) + ".");
            assertThat(db.listLogs()).contains("audit", "7");
            assertThat(db.get(b("k2"))).isNull();
        }
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(db.listLogs()).contains("audit");
            assertThat(all(db.useLog("audit"), LogQuery.all())).hasSize(3);
            assertThat(all(db.useLog("other"), LogQuery.all())).isEmpty();
        }
    }

    @Test
    void aRetriedCallbackWritesTheEntriesOfTheCommittedAttemptOnly() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            TransactionLog log = db.useLog("retry");
            db.put(b("x"), b("0"));
            AtomicLong attempts = new AtomicLong();
            db.transaction((txn, attempt) -> {
                attempts.incrementAndGet();
                txn.get(b("x"));
                log.addEntry(b("attempt " + attempt), txn);
                txn.put(b("x"), b(Integer.toString(attempt)));
                if (attempt == 1) {
                    db.put(b("x"), b("conflict")); // makes this attempt's commit fail
                }
                return null;
            }, TransactionOptions.defaults().maxRetries(3));
            assertThat(attempts.get()).isEqualTo(2);
            assertThat(all(log, LogQuery.all())).hasSize(1).allMatch(s -> s.startsWith("attempt 2@"));
        }
    }

    @Test
    void queriesByTimeAndSeqno() {
        AtomicLong clock = new AtomicLong(1_000);
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults().clock(clock::get))) {
            TransactionLog log = db.useLog("t");
            long[] seqnos = new long[5];
            for (int i = 0; i < 5; i++) {
                clock.set(1_000L * (i + 1));
                int n = i;
                seqnos[i] = db.transaction((txn, a) -> {
                    log.addEntry(b("e" + n), txn);
                    txn.put(b("k" + n), b("v"));
                    return txn.commit().seqno();
                });
            }
            assertThat(all(log, LogQuery.all().start(2_000).end(4_000))).containsExactly("e1@" + seqnos[1] + ".", "e2@" + seqnos[2] + ".");
            assertThat(all(log, LogQuery.all().start(2_000).exclusiveStart(true))).hasSize(3).first().asString().startsWith("e2");
            assertThat(all(log, LogQuery.all().start(3_000).exactStart(true))).hasSize(3).first().asString().startsWith("e2");
            assertThat(all(log, LogQuery.all().start(3_000).exactStart(true).exclusiveStart(true))).hasSize(2).first().asString().startsWith("e3");
            assertThat(all(log, LogQuery.all().start(3_500).exactStart(true))).isEmpty();
            assertThat(all(log, LogQuery.all().fromSeqno(seqnos[3]))).hasSize(2);
            assertThat(all(log, LogQuery.all().fromSeqno(seqnos[1]).toSeqno(seqnos[2]))).hasSize(2);
            assertThat(all(log, LogQuery.all().start(10_000))).isEmpty();
            assertThatThrownBy(() -> log.query(LogQuery.all().exactStart(true))).isInstanceOf(InvalidArgumentException.class);
            try (LogEntryIterator it = log.query()) {
                assertThat(it.stream().mapToLong(LogEntry::timestamp).toArray()).isSorted().containsExactly(1_000, 2_000, 3_000, 4_000, 5_000);
            }
        }
    }

    @Test
    void readUncommittedShowsWrittenButUnforcedEntriesInAsyncMode() {
        StrataOptions o = StrataOptions.defaults().durability(Durability.ASYNC).syncInterval(Duration.ofHours(1));
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            TransactionLog log = db.useLog("a");
            db.transaction((txn, a) -> {
                log.addEntry(b("pending"), txn);
                return null;
            });
            assertThat(all(log, LogQuery.all())).as("not forced yet").isEmpty();
            assertThat(all(log, LogQuery.all().readUncommitted(true))).hasSize(1);
            db.sync();
            assertThat(all(log, LogQuery.all())).hasSize(1);
        }
    }

    @Test
    void startFromLastFlushedReturnsOnlyEntriesWhoseDataIsNotInTables() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            TransactionLog log = db.useLog("f");
            db.transaction((txn, a) -> {
                txn.put(b("a"), b("1"));
                log.addEntry(b("before flush"), txn);
                return null;
            });
            db.flush();
            db.transaction((txn, a) -> {
                txn.put(b("b"), b("2"));
                log.addEntry(b("after flush"), txn);
                return null;
            });
            assertThat(all(log, LogQuery.all())).hasSize(2);
            assertThat(all(log, LogQuery.all().startFromLastFlushed(true))).hasSize(1).first().asString().startsWith("after flush");
        }
    }

    @Test
    void durabilityNoneHasNoLogAndSaysSo() {
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults().durability(Durability.NONE))) {
            TransactionLog log = db.useLog("n");
            assertThatThrownBy(() -> db.transaction((txn, a) -> {
                log.addEntry(b("x"), txn);
                return null;
            })).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("NONE");
        }
    }

    @Test
    void addEntryNeedsALiveTransaction() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            TransactionLog log = db.useLog("l");
            assertThatThrownBy(() -> log.addEntry(b("x"), 12345L)).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("12345");
            Transaction t = db.beginTransaction();
            t.commit();
            assertThatThrownBy(() -> log.addEntry(b("x"), t)).isInstanceOf(dev.strata.engine.ClosedException.class);
            assertThatThrownBy(() -> db.useLog("")).isInstanceOf(InvalidArgumentException.class);
        }
    }

    @Test
    void queriesStreamALogBiggerThanTheirMemory() {
        StrataOptions o = StrataOptions.defaults().walSegmentSize(256 << 10);
        int n = 20_000;
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            TransactionLog log = db.useLog("big");
            for (int i = 0; i < n; i += 100) {
                int base = i;
                db.transaction((txn, a) -> {
                    for (int j = 0; j < 100; j++) {
                        log.addEntry(b(String.format("entry-%08d", base + j)), txn);
                    }
                    return null;
                });
            }
            assertThat(db.walSegmentCount()).isGreaterThan(1);
            long count = 0;
            String last = "";
            try (LogEntryIterator it = log.query()) {
                while (it.hasNext()) {
                    String s = new String(it.next().data(), StandardCharsets.UTF_8);
                    assertThat(s).isGreaterThan(last);
                    last = s;
                    count++;
                }
            }
            assertThat(count).isEqualTo(n);
            assertThat(log.getStats().entriesWritten()).isEqualTo(n);
            assertThat(log.getStats().transactionsWritten()).isEqualTo(n / 100);
            assertThat(log.getLogFileSize()).isPositive();
        }
    }

    @Test
    void abandonedTransactionsLeaveNoEntries() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            TransactionLog log = db.useLog("ab");
            db.put(b("x"), b("0"));
            assertThatThrownBy(() -> db.transaction((txn, attempt) -> {
                txn.get(b("x"));
                log.addEntry(b("never"), txn);
                txn.put(b("x"), b("1"));
                db.put(b("x"), b("again " + attempt));
                return null;
            }, TransactionOptions.defaults().maxRetries(2))).isInstanceOf(TransactionAbandonedException.class);
            assertThat(all(log, LogQuery.all())).isEmpty();
        }
    }
}
