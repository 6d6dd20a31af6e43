package dev.strata.engine.log;

import dev.strata.engine.LogUnavailableException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.SegmentReader;
import dev.strata.engine.wal.SegmentSummary;
import dev.strata.engine.wal.WalFormat;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Walks the commit records of the WAL in seqno order, segment after segment, from a seqno up to
 * a bound: what transaction-log queries, commit-record cursors and resumable change feeds read
 * through. Only segments the {@code include} test accepts are opened (a query skips every
 * segment without entries of its log); checksums are checked as recovery checks them.
 *
 * <p>The bound is the durable seqno (or the written one) read when the walk starts; a
 * {@code follow} walk reads it again whenever it catches up, so it goes on with commits made
 * after it started. The segment being written is read only up to the bytes written when the
 * bound was read, and reopened at the same position when the bound moves, so the zeros
 * preallocated after the records, or a frame being written, are never taken for records.
 *
 * <p>Memory: one segment reader's window (256 KiB, more only for a larger record). Not
 * thread-safe.
 */
final class RecordWalk implements AutoCloseable {
    private final LogIndex index;
    private final LongSupplier boundSupplier;
    private final boolean follow;
    private final Predicate<SegmentSummary> include;
    private final boolean wholeOnly;

    private long nextSeqno;
    private long bound;
    private SegmentReader reader;
    private long segment = -1;
    private boolean readerIsCurrent;
    private long resumeOffset;
    private long resumeSeqno;
    private boolean started;
    private boolean closed;

    /**
     * @param fromSeqno the first seqno wanted
     * @param bound     the highest seqno that may be returned (read again when caught up, if following)
     * @param include   which segments to open (the others are skipped without reading)
     * @param wholeOnly refuse log-only segments and missing records ({@link LogUnavailableException}):
     *                  the reader wants every commit, not only the log entries
     */
    RecordWalk(LogIndex index, long fromSeqno, LongSupplier bound, boolean follow,
               Predicate<SegmentSummary> include, boolean wholeOnly) {
        this.index = index;
        this.nextSeqno = Math.max(1, fromSeqno);
        this.boundSupplier = bound;
        this.bound = bound.getAsLong();
        this.follow = follow;
        this.include = include;
        this.wholeOnly = wholeOnly;
    }

    /** Advances to the next record; false when none is left up to the bound (for now, if following). */
    boolean next() {
        if (closed) {
            return false;
        }
        try {
            return advance();
        } catch (IOException e) {
            throw new StrataIOException("reading the WAL in " + index.directory() + " failed", e);
        }
    }

    private boolean advance() throws IOException {
        boolean reopened = false;
        while (true) {
            if (nextSeqno > bound) {
                if (!follow) {
                    return false;
                }
                long b = boundSupplier.getAsLong();
                if (b < nextSeqno) {
                    return false;
                }
                bound = b;
                if (reader != null && readerIsCurrent) {
                    reopenAtPosition(); // the segment being written has grown
                    reopened = true;
                }
            }
            if (reader == null && !openNextSegment()) {
                return false;
            }
            if (reader.next()) {
                long s = reader.expectedSeqno() - 1;
                resumeOffset = reader.validEnd();
                resumeSeqno = reader.expectedSeqno();
                if (s < nextSeqno) {
                    continue;
                }
                if (wholeOnly && s != nextSeqno) {
                    throw unavailable("the WAL holds seqno " + s + " after " + (nextSeqno - 1) + ": records are missing");
                }
                nextSeqno = s + 1;
                return true;
            }
            if (!readerIsCurrent) {
                closeReader();
                continue;
            }
            // The segment that was being written ran out of bytes.
            boolean stillCurrent = index.isCurrent(segment);
            if (stillCurrent && (nextSeqno > bound || reopened)) {
                return false; // caught up (what the bound promises is read after one fresh reopen)
            }
            // Either the writer rolled (read the rest of this now sealed segment, then go on), or
            // the bound moved past what this reader saw: reopen at the position, fresh.
            reopenAtPosition();
            readerIsCurrent = stillCurrent;
            reopened = true;
        }
    }

    /** Opens the next segment after {@link #segment} that can hold {@link #nextSeqno}; false if none. */
    private boolean openNextSegment() throws IOException {
        List<SegmentSummary> segments = index.segments();
        SegmentSummary pick = null;
        for (int i = 0; i < segments.size(); i++) {
            SegmentSummary s = segments.get(i);
            if (s.number() <= segment) {
                continue;
            }
            boolean isCurrent = i == segments.size() - 1 && index.isCurrent(s.number());
            if (!started && wholeOnly) {
                // The first segment must start at or before the seqno asked for, and be whole.
                long oldest = oldestWhole(segments);
                if (nextSeqno < oldest) {
                    throw unavailable("the WAL keeps whole records from seqno " + oldest + " only; " + nextSeqno + " was asked for");
                }
            }
            started = true;
            if (!isCurrent && s.lastSeqno() < nextSeqno && !index.isDamaged(s.number())) {
                continue; // entirely before what is wanted
            }
            if (!isCurrent && !index.isDamaged(s.number()) && !include.test(s)) {
                continue;
            }
            if (wholeOnly && s.logOnly()) {
                throw unavailable("WAL segment " + s.number() + " was rewritten log-only; seqno " + nextSeqno + " is gone");
            }
            pick = s;
            readerIsCurrent = isCurrent;
            break;
        }
        if (pick == null) {
            started = true;
            return false;
        }
        segment = pick.number();
        Path path = index.path(segment);
        try {
            reader = SegmentReader.openAt(index.storage(), path, readerIsCurrent, WalFormat.HEADER_SIZE, 0,
                    readerIsCurrent ? currentLimit() : Long.MAX_VALUE);
        } catch (NoSuchFileException e) {
            // Retention deleted it after we listed it: its records were past every keep rule.
            if (wholeOnly) {
                throw unavailable("WAL segment " + segment + " was deleted while being read");
            }
            return openNextSegment();
        }
        resumeOffset = WalFormat.HEADER_SIZE;
        resumeSeqno = pick.firstSeqno();
        return true;
    }

    private long currentLimit() {
        SegmentSummary cur = index.current();
        return cur != null && cur.number() == segment ? cur.bytes() : Long.MAX_VALUE;
    }

    private void reopenAtPosition() throws IOException {
        closeReader();
        reader = SegmentReader.openAt(index.storage(), index.path(segment), index.isCurrent(segment), resumeOffset,
                resumeSeqno, index.isCurrent(segment) ? currentLimit() : Long.MAX_VALUE);
    }

    private static long oldestWhole(List<SegmentSummary> segments) {
        long oldest = Long.MAX_VALUE;
        for (int i = segments.size() - 1; i >= 0; i--) {
            SegmentSummary s = segments.get(i);
            if (s.logOnly()) {
                break;
            }
            oldest = s.firstSeqno();
        }
        return oldest;
    }

    private LogUnavailableException unavailable(String why) {
        return new LogUnavailableException(why, oldestWhole(index.segments()));
    }

    long seqno() {
        return CommitRecord.seqno(reader.buffer(), reader.payloadOffset());
    }

    long timestamp() {
        return CommitRecord.timestamp(reader.buffer(), reader.payloadOffset());
    }

    byte[] buffer() {
        return reader.buffer();
    }

    int offset() {
        return reader.payloadOffset();
    }

    int length() {
        return reader.payloadLength();
    }

    /** The file and offset of the current record's frame (for errors). */
    Path segmentPath() {
        return index.path(segment);
    }

    long recordOffset() {
        return reader.recordOffset();
    }

    private void closeReader() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                closeReader();
            } catch (IOException e) {
                throw new StrataIOException("closing a WAL segment failed", e);
            }
        }
    }
}
