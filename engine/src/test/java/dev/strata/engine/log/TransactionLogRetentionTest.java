package dev.strata.engine.log;

import dev.strata.engine.LogUnavailableException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.event.EventBus;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.wal.WalFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static dev.strata.engine.TestUtil.await;
import static dev.strata.engine.TestUtil.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention by DESIGN.md's rule, on a fake clock: sealed segments whose data is in tables are
 * rewritten log-only while their entries are inside retention and deleted after; every kept
 * segment says why; holds keep whole records up to their cap; the WAL stays bounded.
 */
class TransactionLogRetentionTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(10 * HOUR);

    private StrataOptions options() {
        // ASYNC: durability is not what these tests are about, and CI is a loaded machine; queries
        // return durable entries only, so count() forces the WAL first.
        return StrataOptions.defaults().durability(dev.strata.engine.Durability.ASYNC).clock(clock::get)
                .walSegmentSize(64 << 10).walKeepSize(0)
                .memtableSize(256 << 10).transactionLogRetention(Duration.ofHours(1))
                .transactionLogRetentionCheckInterval(Duration.ofHours(1));
    }

    /** Writes {@code n} transactions, each with a 1 KiB put, and an entry in every {@code every}-th. */
    private static void write(StrataDatabase db, TransactionLog log, int from, int n, int every) {
        for (int i = from; i < from + n; i++) {
            int k = i;
            db.transaction((txn, a) -> {
                txn.put(b(String.format("key-%08d", k)), new byte[1024]);
                if (k % every == 0) {
                    log.addEntry(b("entry " + k), txn);
                }
                return null;
            });
        }
    }

    private static long count(StrataDatabase db, TransactionLog log) {
        db.sync();
        try (LogEntryIterator it = log.query()) {
            return it.stream().count();
        }
    }

    private long walBytes() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(WalFormat.DIRECTORY))) {
            return s.filter(p -> p.toString().endsWith(WalFormat.SUFFIX)).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void flushedSegmentsAreRewrittenLogOnlyThenDeletedWhenTheirEntriesExpire() throws IOException {
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            TransactionLog log = db.useLog("audit");
            write(db, log, 0, 2_000, 100);
            long before = walBytes();
            RetentionReport unflushed = db.runLogRetention();
            assertThat(unflushed.kept()).isNotEmpty().allSatisfy(k ->
                    assertThat(k.reasons()).anyMatch(r -> r.startsWith(KeptSegment.NOT_FLUSHED) || r.startsWith(KeptSegment.LOG_RETENTION)));
            db.flush();
            RetentionReport r = db.runLogRetention();
            assertThat(r.rewritten()).as("segments with entries became log-only").isNotEmpty();
            assertThat(r.kept()).allSatisfy(k -> assertThat(k.reasons()).containsExactly(KeptSegment.LOG_RETENTION));
            assertThat(count(db, log)).isEqualTo(20);
            assertThat(walBytes()).as("WAL after rewrite vs before").isLessThan(before / 20);
            Map<String, Long> stats = db.transactionLogStatistics();
            assertThat(stats.get("txnlog.logOnlySegments")).isPositive();
            assertThat(stats.get("txnlog.entries")).isEqualTo(20);

            clock.addAndGet(2 * HOUR);
            RetentionReport expired = db.runLogRetention();
            assertThat(expired.deleted()).isNotEmpty();
            assertThat(expired.kept()).isEmpty();
            assertThat(count(db, log)).isZero();
        }
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            assertThat(db.get(b("key-00001999"))).hasSize(1024);
        }
    }

    @Test
    void aLogOnlySegmentSurvivesReopenAndRecoveryReadsAroundIt() {
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            write(db, db.useLog("audit"), 0, 1_000, 10);
            db.flush();
            assertThat(db.runLogRetention().rewritten()).isNotEmpty();
            write(db, db.useLog("audit"), 1_000, 300, 10); // unflushed, replayed at the next open
        }
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            assertThat(count(db, db.useLog("audit"))).isEqualTo(130);
            assertThat(db.get(b("key-00001299"))).hasSize(1024);
            assertThat(db.count(dev.strata.engine.RangeOptions.all())).isEqualTo(1_300);
        }
    }

    @Test
    void purgeRemovesOneLogAndCountsItsEntries() {
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            TransactionLog a = db.useLog("a");
            TransactionLog bLog = db.useLog("b");
            for (int i = 0; i < 600; i++) {
                int k = i;
                db.transaction((txn, x) -> {
                    txn.put(b("k" + k), new byte[1024]);
                    a.addEntry(b("a" + k), txn);
                    if (k % 2 == 0) {
                        bLog.addEntry(b("b" + k), txn);
                    }
                    return null;
                });
            }
            db.flush();
            PurgeResult p = db.purgeLogs(clock.get() + 1, "a", false, true);
            assertThat(p.files()).isNotEmpty();
            long purgedEntries = p.files().stream().mapToLong(PurgeResult.PurgedFile::entries).sum();
            assertThat(count(db, a)).as("entries of 'a' left in the segment being written").isEqualTo(600 - purgedEntries);
            assertThat(purgedEntries).isPositive();
            assertThat(count(db, bLog)).as("the other log is untouched").isEqualTo(300);
            PurgeResult d = db.purgeLogs(null, "b", true, false);
            assertThat(d.files()).isNotEmpty();
            assertThat(d.files()).allSatisfy(f -> assertThat(f.entries()).isEqualTo(-1));
        }
    }

    @Test
    void holdsKeepWholeRecordsAndAreDroppedPastTheirCap() {
        List<Object[]> events = new CopyOnWriteArrayList<>();
        dev.strata.engine.event.EventListener listener = events::add;
        EventBus.global().on("txnlog.holdDropped", listener);
        StrataOptions o = options().maxFollowerRetainedBytes(512 << 10);
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            TransactionLog log = db.useLog("h");
            write(db, log, 0, 200, 1_000_000);
            WalHold hold = db.holdWal("follower-1", 1);
            write(db, log, 200, 200, 1_000_000);
            db.flush();
            RetentionReport r = db.runLogRetention();
            assertThat(r.deleted()).isEmpty();
            assertThat(r.kept()).isNotEmpty().allSatisfy(k ->
                    assertThat(k.reasons()).anyMatch(x -> x.startsWith("follower follower-1 at seqno 0")));
            db.sync();
            try (CommitRecordCursor c = db.readCommitRecords(1)) {
                long n = 0;
                while (c.next()) {
                    assertThat(c.seqno()).isEqualTo(++n);
                }
                assertThat(n).isEqualTo(db.latestSeqno());
            }
            hold.advance(300);
            r = db.runLogRetention();
            assertThat(r.deleted()).isNotEmpty();
            assertThatThrownBy(() -> db.readCommitRecords(1)).isInstanceOf(LogUnavailableException.class);
            assertThatThrownBy(() -> db.holdWal("late", 1)).isInstanceOf(LogUnavailableException.class);
            // Fall past the cap: dropped, reported, not silent.
            write(db, log, 400, 1_000, 1_000_000);
            db.flush();
            db.runLogRetention(); // the flush's own pass may already have dropped it
            assertThat(hold.dropped()).isTrue();
            assertThat(db.transactionLogStatistics().get("txnlog.holdsDropped")).isEqualTo(1);
            await("the holdDropped event", () -> !events.isEmpty());
            assertThat(events.get(0)[0]).isEqualTo("follower-1");
            hold.close();
        } finally {
            EventBus.global().off("txnlog.holdDropped", listener);
        }
    }

    @Test
    void theEngineRunsRetentionOnItsOwnTimer() {
        StrataOptions o = options().transactionLogRetentionCheckInterval(Duration.ofMillis(50));
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            write(db, db.useLog("t"), 0, 1_000, 50);
            db.flush();
            await("a timed pass rewrote segments", () -> db.transactionLogStatistics().get("txnlog.logOnlySegments") > 0);
            assertThat(count(db, db.useLog("t"))).isEqualTo(20);
        }
    }

    /**
     * The WAL stays bounded: lots of data in transactions with few, small entries; once flushed,
     * the WAL holds about the current segment plus the entries' share, and every entry is still
     * returned. (CI: 32 MiB; soak: 1 GiB, as the issue asks.)
     */
    @Test
    void diskStaysBoundedByWhatTheApplicationPutInTheLog() throws IOException {
        boolean soak = "soak".equals(System.getProperty("strata.test.scale"));
        long target = soak ? 1L << 30 : 32L << 20;
        StrataOptions o = options().walSegmentSize(1 << 20).memtableSize(4 << 20);
        int value = 4096;
        int n = (int) (target / value);
        long entryBytes = 0;
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            TransactionLog log = db.useLog("bounded");
            byte[] v = new byte[value];
            for (int i = 0; i < n; i += 16) {
                int base = i;
                db.transaction((txn, a) -> {
                    for (int j = 0; j < 16; j++) {
                        txn.put(b(String.format("k%010d", base + j)), v);
                    }
                    if (base % 1024 == 0) {
                        log.addEntry(new byte[100], txn);
                    }
                    return null;
                });
                if (base % 1024 == 0) {
                    entryBytes += 100;
                }
            }
            db.flush();
            db.runLogRetention();
            long wal = walBytes();
            long entries = n / 1024 + (n % 1024 == 0 ? 0 : 1);
            assertThat(count(db, log)).isEqualTo(entries);
            // The current segment (at most 1 MiB) plus the entries with their framing (< 200 bytes each).
            assertThat(wal).as("WAL bytes after %d MiB of data", target >> 20).isLessThanOrEqualTo((1 << 20) + entries * 200 + 64 * 1024);
            assertThat(entryBytes).isPositive();
        }
    }

    /** A query of the last minute of a long log opens only the newest segments (read counters of the storage). */
    @Test
    void aRecentQueryReadsABoundedNumberOfSegments() throws IOException {
        FaultStorage storage = new FaultStorage(dir);
        Path db0 = storage.root().resolve("db");
        StrataOptions o = options().storage(storage).walKeepSize(Long.MAX_VALUE);
        try (StrataDatabase db = StrataDatabase.open(db0, o)) {
            TransactionLog log = db.useLog("recent");
            for (int minute = 0; minute < 40; minute++) {
                clock.addAndGet(60_000);
                write(db, log, minute * 100, 100, 10);
            }
            assertThat(db.walSegmentCount()).isGreaterThan(20);
            List<Path> segments = new ArrayList<>();
            try (Stream<Path> s = Files.list(db0.resolve(WalFormat.DIRECTORY))) {
                s.filter(p -> p.toString().endsWith(WalFormat.SUFFIX)).sorted().forEach(segments::add);
            }
            Map<Path, Long> before = new java.util.HashMap<>();
            for (Path p : segments) {
                before.put(p, storage.bytesRead(p));
            }
            db.sync();
            long got;
            try (LogEntryIterator it = log.query(LogQuery.all().start(clock.get() - 30_000))) {
                got = it.stream().count();
            }
            assertThat(got).isEqualTo(10);
            long touched = segments.stream().filter(p -> storage.bytesRead(p) > before.get(p)).count();
            assertThat(touched).as("segments read for the last minute, of %d", segments.size()).isLessThanOrEqualTo(3);
        }
    }
}
