package dev.strata.engine.log;

import dev.strata.engine.LogUnavailableException;
import dev.strata.engine.event.EventBus;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.SegmentSummary;
import dev.strata.engine.wal.SegmentSummaryFile;
import dev.strata.engine.wal.WalFormat;
import dev.strata.engine.wal.WalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Decides, for every sealed WAL segment, whether it is kept whole, rewritten log-only or deleted,
 * by DESIGN.md's rule, and does it. A sealed segment is kept whole while something needs whole
 * records: data not yet in tables, a checkpoint or backup copying the WAL (pinned), the WAL
 * archive that has not copied it, a follower's {@link WalHold}, or the catch-up window
 * {@code walKeepSize} (the newest sealed segments up to that many bytes). Otherwise, if it holds
 * transaction-log entries inside {@code transactionLogRetention}, it is rewritten log-only
 * ({@link LogOnlyRewriter}); otherwise it is deleted. Each hold is capped by
 * {@code maxFollowerRetainedBytes}: a hold past it is dropped, with a {@code txnlog.holdDropped}
 * event and a count, never silently.
 *
 * <p>Who calls it: the database after each flush (deletions only: quick, on the flush thread)
 * and the transaction log's timer (rewrites too), and {@code purgeLogs}. Passes are serialized
 * on this object. Log-only segments are only ever deleted once all their entries are past
 * retention (or purged).
 */
public final class LogRetention {
    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);

    private final Storage storage;
    private final Path walDir;
    private final LogIndex index;
    private final WalWriter wal;
    private final LongSupplier flushedSeqno;
    private final LongSupplier clock;
    private final long retentionMillis;
    private final long walKeepSize;
    private final long holdCap;
    private final EventBus events;
    private final List<WalHold> holds = new CopyOnWriteArrayList<>();
    /** Per log name, entries older than this timestamp are purged ({@code purgeLogs}); in memory. */
    private final Map<String, Long> purgedBefore = new ConcurrentHashMap<>();

    private final AtomicLong deletedSegments = new AtomicLong();
    private final AtomicLong rewrittenSegments = new AtomicLong();
    private final AtomicLong droppedHolds = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private volatile RetentionReport last = new RetentionReport(0, List.of(), List.of(), List.of(), List.of());

    LogRetention(Storage storage, Path walDir, LogIndex index, WalWriter wal, LongSupplier flushedSeqno,
                 LongSupplier clock, long retentionMillis, long walKeepSize, long holdCap, EventBus events) {
        this.storage = storage;
        this.walDir = walDir;
        this.index = index;
        this.wal = wal;
        this.flushedSeqno = flushedSeqno;
        this.clock = clock;
        this.retentionMillis = retentionMillis;
        this.walKeepSize = walKeepSize;
        this.holdCap = holdCap;
        this.events = events;
    }

    /** A hold keeping whole records from {@code fromSeqno}; fails if they are already gone. */
    synchronized WalHold hold(String holder, long fromSeqno) {
        long oldest = oldestWholeSeqno();
        if (fromSeqno < oldest) {
            throw new LogUnavailableException("the WAL keeps whole records from seqno " + oldest
                    + " only; " + holder + " asked for " + fromSeqno, oldest);
        }
        WalHold h = new WalHold(holder, fromSeqno, this);
        holds.add(h);
        return h;
    }

    void release(WalHold h) {
        holds.remove(h);
    }

    List<WalHold> holds() {
        return List.copyOf(holds);
    }

    /** The oldest seqno from which every record is on disk whole. */
    long oldestWholeSeqno() {
        List<SegmentSummary> segs = index.segments();
        long oldest = Long.MAX_VALUE;
        for (int i = segs.size() - 1; i >= 0 && !segs.get(i).logOnly(); i--) {
            oldest = segs.get(i).firstSeqno();
        }
        return oldest;
    }

    /** Marks entries of {@code name} older than {@code before} as purged (rewrites drop them). */
    void purgeBefore(String name, long before) {
        purgedBefore.merge(name, before, Math::max);
    }

    private boolean keepEntry(String name, long ts, long cutoff) {
        Long p = purgedBefore.get(name);
        return ts >= cutoff && (p == null || ts >= p);
    }

    /**
     * One pass. {@code rewrite}: also rewrite segments log-only (the timer's pass); without it
     * such segments are kept for the next timed pass. Returns the report.
     */
    synchronized RetentionReport run(boolean rewrite) throws IOException {
        if (wal == null) {
            return last;
        }
        long now = clock.getAsLong();
        long cutoff = retentionMillis == Long.MAX_VALUE ? Long.MIN_VALUE : now - retentionMillis;
        long flushed = flushedSeqno.getAsLong();
        boolean pinned = wal.pinned();
        long archived = wal.archivedThrough();
        List<SegmentSummary> sealed = index.sealedSegments();
        List<String> dropped = dropHoldsPastCap(sealed);
        // The catch-up window: the newest whole sealed segments up to walKeepSize bytes.
        long keepFrom = Long.MAX_VALUE;
        long keptBytes = 0;
        for (int i = sealed.size() - 1; i >= 0; i--) {
            SegmentSummary s = sealed.get(i);
            if (s.logOnly() || keptBytes + s.bytes() > walKeepSize) {
                break;
            }
            keptBytes += s.bytes();
            keepFrom = s.number();
        }
        List<KeptSegment> kept = new ArrayList<>();
        List<Long> deleted = new ArrayList<>();
        List<Long> rewritten = new ArrayList<>();
        for (SegmentSummary s : sealed) {
            List<String> reasons = new ArrayList<>(2);
            if (pinned) {
                reasons.add(KeptSegment.PINNED);
            }
            if (!s.logOnly()) {
                if (s.lastSeqno() > flushed) {
                    reasons.add(KeptSegment.NOT_FLUSHED);
                }
                if (s.number() > archived) {
                    reasons.add(KeptSegment.ARCHIVE);
                }
                for (WalHold h : holds) {
                    if (h.active() && s.lastSeqno() >= h.seqno()) {
                        reasons.add(KeptSegment.FOLLOWER + " " + h.holder() + " at seqno " + (h.seqno() - 1));
                    }
                }
                if (s.number() >= keepFrom) {
                    reasons.add(KeptSegment.WAL_KEEP_SIZE);
                }
            }
            if (!reasons.isEmpty() || index.isDamaged(s.number())) {
                if (index.isDamaged(s.number())) {
                    reasons.add("damaged: kept for inspection");
                }
                kept.add(new KeptSegment(s.number(), s.bytes(), s.logOnly(), List.copyOf(reasons)));
                continue;
            }
            boolean wanted = false;
            boolean allWanted = true;
            for (Map.Entry<String, SegmentSummary.LogCounts> e : s.logs().entrySet()) {
                boolean newest = keepEntry(e.getKey(), e.getValue().lastTimestamp(), cutoff);
                boolean oldest = keepEntry(e.getKey(), e.getValue().firstTimestamp(), cutoff);
                wanted |= newest;
                allWanted &= oldest;
            }
            if (!wanted) {
                delete(s.number());
                deleted.add(s.number());
            } else if (s.logOnly() && allWanted) {
                kept.add(new KeptSegment(s.number(), s.bytes(), true, List.of(KeptSegment.LOG_RETENTION)));
            } else if (!rewrite) {
                kept.add(new KeptSegment(s.number(), s.bytes(), s.logOnly(), List.of(KeptSegment.LOG_RETENTION + " (rewrite pending)")));
            } else {
                SegmentSummary ns = LogOnlyRewriter.rewrite(storage, walDir, s.number(),
                        (buf, nOff, nLen, ts) -> keepEntry(new String(buf, nOff, nLen, java.nio.charset.StandardCharsets.UTF_8), ts, cutoff));
                if (ns == null) {
                    delete(s.number());
                    deleted.add(s.number());
                } else {
                    index.replaced(ns);
                    index.writeSummary(ns);
                    rewritten.add(s.number());
                    rewrittenSegments.incrementAndGet();
                    kept.add(new KeptSegment(s.number(), ns.bytes(), true, List.of(KeptSegment.LOG_RETENTION)));
                }
            }
        }
        runs.incrementAndGet();
        RetentionReport r = new RetentionReport(now, List.copyOf(kept), List.copyOf(deleted), List.copyOf(rewritten), dropped);
        last = r;
        return r;
    }

    /** Drops every hold whose segments pass the cap; returns their holders. */
    private List<String> dropHoldsPastCap(List<SegmentSummary> sealed) {
        List<String> dropped = new ArrayList<>();
        for (WalHold h : holds) {
            if (!h.active()) {
                continue;
            }
            long bytes = 0;
            for (SegmentSummary s : sealed) {
                if (!s.logOnly() && s.lastSeqno() >= h.seqno()) {
                    bytes += s.bytes();
                }
            }
            if (bytes > holdCap) {
                h.drop();
                droppedHolds.incrementAndGet();
                dropped.add(h.holder());
                LOG.warn("WAL hold of {} keeps {} bytes, past maxFollowerRetainedBytes {}: dropped; it must copy the database",
                        h.holder(), bytes, holdCap);
                events.notify("txnlog.holdDropped", h.holder(), h.seqno() - 1, bytes);
            }
        }
        return List.copyOf(dropped);
    }

    private void delete(long number) throws IOException {
        storage.delete(walDir.resolve(WalFormat.fileName(number)));
        storage.delete(walDir.resolve(SegmentSummaryFile.fileName(number)));
        wal.forgetSegment(number);
        index.removed(number);
        deletedSegments.incrementAndGet();
        dev.strata.engine.util.CrashPoints.hit("wal.segments.deleted");
        storage.forceDirectory(walDir);
    }

    /**
     * Purges entries of {@code name} (every log if null) older than {@code before} from every
     * sealed segment that is not needed whole: rewrites or deletes it. Segments still needed
     * whole keep them until retention can act (the purge is remembered until close).
     */
    synchronized List<PurgeResult.PurgedFile> purge(String name, long before, boolean countEntries) throws IOException {
        List<PurgeResult.PurgedFile> out = new ArrayList<>();
        if (wal == null) {
            return out;
        }
        if (name != null) {
            purgeBefore(name, before);
        } else {
            for (SegmentSummary s : index.segments()) {
                for (String n : s.logs().keySet()) {
                    purgeBefore(n, before);
                }
            }
        }
        Map<Long, SegmentSummary> was = new java.util.HashMap<>();
        for (SegmentSummary s : index.sealedSegments()) {
            was.put(s.number(), s);
        }
        RetentionReport r = run(true);
        for (long n : r.deleted()) {
            long entries = countEntries ? entriesOf(was.get(n), name) : -1;
            out.add(new PurgeResult.PurgedFile(walDir.resolve(WalFormat.fileName(n)), true, entries));
        }
        for (long n : r.rewritten()) {
            SegmentSummary now = index.sealedSegments().stream().filter(x -> x.number() == n).findFirst().orElse(null);
            long entries = countEntries ? entriesOf(was.get(n), name) - entriesOf(now, name) : -1;
            out.add(new PurgeResult.PurgedFile(walDir.resolve(WalFormat.fileName(n)), false, entries));
        }
        return out;
    }

    private static long entriesOf(SegmentSummary s, String name) {
        if (s == null) {
            return 0;
        }
        if (name == null) {
            return s.entryCount();
        }
        SegmentSummary.LogCounts c = s.logs().get(name);
        return c == null ? 0 : c.entries();
    }

    RetentionReport lastReport() {
        return last;
    }

    long deletedSegments() {
        return deletedSegments.get();
    }

    long rewrittenSegments() {
        return rewrittenSegments.get();
    }

    long droppedHolds() {
        return droppedHolds.get();
    }

    long runs() {
        return runs.get();
    }
}
