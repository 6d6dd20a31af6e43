package dev.strata.engine.log;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.commit.CommitPipeline;
import dev.strata.engine.event.EventBus;
import dev.strata.engine.txn.Transaction;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.SegmentSummary;
import dev.strata.engine.wal.WalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * A database's transaction logs: the registry of {@link TransactionLog}s by name, queries and
 * commit-record cursors over the WAL ({@link LogIndex}, {@link RecordWalk}), statistics, purge,
 * WAL holds, and the retention timer that runs {@link LogRetention} with no call from the
 * application. The database creates one at open and delegates {@code useLog}, {@code listLogs},
 * {@code purgeLogs}, {@code readCommitRecords} and {@code holdWal} to it.
 */
public final class TransactionLogs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionLogs.class);

    /** What the log needs from its database. */
    public record Config(Storage storage, Path walDir, WalWriter wal, CommitPipeline pipeline, LongSupplier flushedSeqno,
                         LongSupplier clock, long retentionMillis, double rotationThreshold, long walKeepSize,
                         long holdCap, long checkIntervalMillis, LongFunction<Optional<Transaction>> transactions) {
    }

    private final Config c;
    private final LogIndex index;
    private final LogRetention retention;
    private final Map<String, TransactionLog> logs = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicLong retentionFailures = new AtomicLong();
    private volatile EventBus events = EventBus.global();

    private TransactionLogs(Config c, LogIndex index) {
        this.c = c;
        this.index = index;
        this.retention = new LogRetention(c.storage(), c.walDir(), index, c.wal(), c.flushedSeqno(), c.clock(),
                c.retentionMillis(), c.walKeepSize(), c.holdCap(), EventBus.global());
        if (c.wal() != null) {
            c.wal().onSealed(this::sealed);
            if (c.rotationThreshold() > 0 && c.retentionMillis() != Long.MAX_VALUE) {
                c.wal().rotateAfter((long) (c.retentionMillis() * c.rotationThreshold()));
            }
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "strata-txnlog-" + c.walDir().getParent().getFileName());
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            long ms = Math.max(1, c.checkIntervalMillis());
            timer.scheduleWithFixedDelay(this::timedRetention, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /**
     * A segment was sealed (on the committer leading the WAL write): index it now, write its
     * summary file on the log's thread, off the commit path.
     */
    private void sealed(SegmentSummary s) {
        index.sealed(s);
        try {
            timer.execute(() -> index.writeSummary(s));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            index.writeSummary(s); // the log is closing: the database's last seal
        }
    }

    /**
     * Loads the index of the WAL in {@code c.walDir()}; damaged segments found on the way are
     * reported as {@code log.warn} events on the global event bus (listen before opening).
     */
    public static TransactionLogs open(Config c) {
        try {
            LogIndex index = LogIndex.load(c.storage(), c.walDir(), c.wal(),
                    (path, damage) -> EventBus.global().notify("log.warn", path.toString(), damage.getMessage()));
            return new TransactionLogs(c, index);
        } catch (IOException e) {
            throw new StrataIOException("cannot read the transaction log in " + c.walDir(), e);
        }
    }

    /** Where events of this database go once it is open (holds dropped, retention failures). */
    public void events(EventBus bus) {
        this.events = bus;
    }

    // ---------------------------------------------------------------- logs

    /** The log named {@code name} (the same instance each time). */
    public TransactionLog use(String name) {
        if (name == null || name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            throw new InvalidArgumentException("a transaction log name is 1 to 255 UTF-8 bytes, was "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        return logs.computeIfAbsent(name, n -> new TransactionLog(this, n));
    }

    /** Every log used since open or with entries on disk, sorted by name. */
    public List<String> list() {
        TreeSet<String> names = new TreeSet<>(logs.keySet());
        for (SegmentSummary s : index.segments()) {
            names.addAll(s.logs().keySet());
        }
        return new ArrayList<>(names);
    }

    Transaction transaction(long id) {
        return c.transactions().apply(id).orElseThrow(() ->
                new InvalidArgumentException("no open transaction has id " + id));
    }

    Path directory() {
        return c.walDir();
    }

    LogEntryIterator query(TransactionLog log, LogQuery q) {
        q.validate();
        long from = q.fromSeqno();
        if (q.startFromLastFlushed()) {
            from = Math.max(from, c.flushedSeqno().getAsLong() + 1);
        }
        long to = q.toSeqno();
        LongSupplier bound = q.readUncommitted() ? c.pipeline()::writtenSeqno : c.pipeline()::durableSeqno;
        long fixed = Math.min(to, bound.getAsLong());
        String name = log.name();
        long start = q.start();
        long end = q.end();
        RecordWalk walk = new RecordWalk(index, from, () -> fixed, false, s -> {
            SegmentSummary.LogCounts lc = s.logs().get(name);
            return lc != null && lc.lastTimestamp() >= start && lc.firstTimestamp() < end && lc.lastSeqno() >= q.fromSeqno();
        }, false);
        return new LogEntryIterator(walk, log.nameBytes(), q);
    }

    /**
     * Whole commit records from {@code fromSeqno}, following the durable seqno; throws
     * {@link dev.strata.engine.LogUnavailableException} if the WAL no longer holds it whole.
     */
    public CommitRecordCursor records(long fromSeqno) {
        long from = Math.max(1, fromSeqno);
        long oldest = retention.oldestWholeSeqno();
        if (from < oldest) {
            throw new dev.strata.engine.LogUnavailableException(oldest == Long.MAX_VALUE
                    ? "this database keeps no WAL (durability NONE)"
                    : "the WAL keeps whole records from seqno " + oldest + " only; " + from + " was asked for", oldest);
        }
        RecordWalk walk = new RecordWalk(index, fromSeqno, c.pipeline()::durableSeqno, true, s -> true, true);
        return new CommitRecordCursor(walk);
    }

    /**
     * A durable change feed from {@code fromSeqno} ({@link LogChangeFeed}); its records are held
     * on disk until delivered.
     */
    public dev.strata.engine.event.Subscription subscribe(byte[] prefix, long fromSeqno,
                                                          dev.strata.engine.event.ChangeListener listener,
                                                          LogChangeFeed.DurableWait wait) {
        if (prefix == null || listener == null) {
            throw new InvalidArgumentException("prefix and listener must not be null");
        }
        long from = Math.max(1, fromSeqno);
        WalHold hold = c.wal() != null ? retention.hold("change feed from seqno " + from, from) : null;
        CommitRecordCursor cursor;
        try {
            cursor = records(from);
        } catch (RuntimeException e) {
            if (hold != null) {
                hold.close();
            }
            throw e;
        }
        LogChangeFeed feed = new LogChangeFeed(cursor, hold, prefix, from, listener, wait,
                "strata-feed-" + c.walDir().getParent().getFileName() + "-" + from);
        feeds.add(feed);
        feed.start();
        return feed;
    }

    private final java.util.List<LogChangeFeed> feeds = new java.util.concurrent.CopyOnWriteArrayList<>();

    // ---------------------------------------------------------------- retention

    public WalHold hold(String holder, long fromSeqno) {
        if (c.wal() == null) {
            throw new InvalidArgumentException("a WAL hold needs a writable database with a WAL");
        }
        return retention.hold(holder, fromSeqno);
    }

    /** Deletions only (quick): after each flush, on the flush thread. */
    public void afterFlush() {
        try {
            retention.run(false);
        } catch (IOException e) {
            // Harmless for correctness: the segments stay until the next pass.
            retentionFailures.incrementAndGet();
            LOG.warn("Transaction-log retention after a flush failed; segments stay until the next pass", e);
        }
    }

    private void timedRetention() {
        try {
            retention.run(true);
        } catch (IOException | RuntimeException e) {
            retentionFailures.incrementAndGet();
            LOG.warn("Transaction-log retention failed; it runs again in {} ms", c.checkIntervalMillis(), e);
            events.notify("txnlog.retentionFailed", e.toString());
        }
    }

    /** Runs a full retention pass now (rewrites too) and returns its report. */
    public RetentionReport runRetention() {
        try {
            return retention.run(true);
        } catch (IOException e) {
            retentionFailures.incrementAndGet();
            throw new StrataIOException("transaction-log retention failed in " + c.walDir(), e);
        }
    }

    /** The report of the last retention pass. */
    public RetentionReport retentionReport() {
        return retention.lastReport();
    }

    /**
     * {@code db.purgeLogs}: removes entries of {@code name} (every log if null) older than
     * {@code before} (ms; Long.MAX_VALUE for all) from the segments retention may touch;
     * {@code destroy} also forgets the log's name.
     */
    public PurgeResult purge(Long before, String name, boolean destroy, boolean includeEntryCounts) {
        long cut = destroy ? Long.MAX_VALUE : before != null ? before : c.clock().getAsLong() - c.retentionMillis();
        try {
            List<PurgeResult.PurgedFile> files = retention.purge(name, cut, includeEntryCounts);
            if (destroy && name != null) {
                logs.remove(name);
            }
            return new PurgeResult(List.copyOf(files));
        } catch (IOException e) {
            throw new StrataIOException("purging transaction logs in " + c.walDir() + " failed", e);
        }
    }

    // ---------------------------------------------------------------- statistics

    TransactionLogStats stats(String name) {
        long flushed = c.flushedSeqno().getAsLong();
        int files = 0;
        int unflushed = 0;
        long bytes = 0;
        long entryBytes = 0;
        long entries = 0;
        long txns = 0;
        long oldestTs = 0;
        long newestTs = 0;
        long oldestSeqno = 0;
        long newestSeqno = 0;
        for (SegmentSummary s : index.segments()) {
            SegmentSummary.LogCounts lc = s.logs().get(name);
            if (lc == null) {
                continue;
            }
            files++;
            bytes += s.bytes();
            entryBytes += lc.dataBytes();
            entries += lc.entries();
            txns += lc.transactions();
            if (oldestSeqno == 0) {
                oldestSeqno = lc.firstSeqno();
                oldestTs = lc.firstTimestamp();
            }
            newestSeqno = lc.lastSeqno();
            newestTs = lc.lastTimestamp();
            if (!s.logOnly() && s.lastSeqno() > flushed) {
                unflushed++;
            }
        }
        return new TransactionLogStats(name, files, bytes, entryBytes, entries, txns, oldestTs, newestTs,
                oldestSeqno, newestSeqno, unflushed, replayGapBytes(flushed));
    }

    long segmentSize(String name, long segment) {
        for (SegmentSummary s : index.segments()) {
            if (s.number() == segment && s.logs().containsKey(name)) {
                return s.bytes();
            }
        }
        return 0;
    }

    /** WAL bytes holding records above {@code flushed}: what recovery would read and replay. */
    private long replayGapBytes(long flushed) {
        long n = 0;
        for (SegmentSummary s : index.segments()) {
            if (!s.logOnly() && s.lastSeqno() > flushed) {
                n += s.bytes();
            }
        }
        return n;
    }

    /** Bytes of WAL segments whose data is not all in tables (the {@code maxWalSize} trigger). */
    public long unflushedWalBytes() {
        return replayGapBytes(c.flushedSeqno().getAsLong());
    }

    /** The database-wide {@code txnlog.*} statistics. */
    public Map<String, Long> statistics() {
        Map<String, Long> m = new LinkedHashMap<>();
        List<SegmentSummary> segs = index.segments();
        long bytes = 0;
        long logOnly = 0;
        long logOnlyBytes = 0;
        long entries = 0;
        long entryBytes = 0;
        for (SegmentSummary s : segs) {
            bytes += s.bytes();
            entries += s.entryCount();
            for (SegmentSummary.LogCounts lc : s.logs().values()) {
                entryBytes += lc.dataBytes();
            }
            if (s.logOnly()) {
                logOnly++;
                logOnlyBytes += s.bytes();
            }
        }
        m.put("txnlog.logs", (long) list().size());
        m.put("txnlog.segments", (long) segs.size());
        m.put("txnlog.totalSizeBytes", bytes);
        m.put("txnlog.logOnlySegments", logOnly);
        m.put("txnlog.logOnlyBytes", logOnlyBytes);
        m.put("txnlog.entries", entries);
        m.put("txnlog.entryBytes", entryBytes);
        m.put("txnlog.replayGapBytes", replayGapBytes(c.flushedSeqno().getAsLong()));
        RetentionReport r = retention.lastReport();
        for (String reason : new String[]{KeptSegment.NOT_FLUSHED, KeptSegment.WAL_KEEP_SIZE, KeptSegment.ARCHIVE,
                KeptSegment.PINNED, KeptSegment.FOLLOWER, KeptSegment.LOG_RETENTION}) {
            long n = r.kept().stream().filter(k -> k.reasons().stream().anyMatch(x -> x.startsWith(reason))).count();
            m.put("txnlog.kept." + reason.replace(' ', '_'), n);
        }
        m.put("txnlog.holds", (long) retention.holds().size());
        m.put("txnlog.holdsDropped", retention.droppedHolds());
        m.put("txnlog.deletedSegments", retention.deletedSegments());
        m.put("txnlog.rewrittenSegments", retention.rewrittenSegments());
        m.put("txnlog.retentionRuns", retention.runs());
        m.put("txnlog.retentionFailures", retentionFailures.get());
        m.put("txnlog.summaryWriteFailures", index.summaryFailures());
        return m;
    }

    public CommitPipeline pipeline() {
        return c.pipeline();
    }

    public LogIndex index() {
        return index;
    }

    @Override
    public void close() {
        for (LogChangeFeed f : feeds) {
            f.close();
        }
        if (timer != null) {
            timer.shutdown(); // no interrupt: it would close a segment being rewritten
            try {
                timer.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
