package dev.strata.engine.wal;

import java.util.Map;

/**
 * What one WAL segment holds, without its records: the seqno and timestamp range, the bytes, and
 * per transaction-log name how many entries it carries. The transaction log uses summaries to
 * skip every segment a query cannot match (a query of the last minute of a 1 GiB log opens one or
 * two segments), and retention uses them to decide what to keep. Built while the segment is
 * written ({@link SegmentSummaryBuilder}), stored beside it when it is sealed
 * ({@link SegmentSummaryFile}) and rebuilt by scanning the segment when that file is missing.
 *
 * @param number         the segment number
 * @param flags          the segment header's flags ({@link WalFormat#FLAG_LOG_ONLY})
 * @param firstSeqno     the header's first seqno (a log-only segment may hold later seqnos only)
 * @param lastSeqno      the seqno of its last record, or {@code firstSeqno - 1} if it has none
 * @param firstTimestamp the commit timestamp of its first record (0 if none)
 * @param lastTimestamp  that of its last record (0 if none)
 * @param records        commit records in it
 * @param bytes          the file's length in bytes, header included
 * @param logs           per log name, what it holds of that log (empty if none)
 */
public record SegmentSummary(long number, int flags, long firstSeqno, long lastSeqno, long firstTimestamp,
                             long lastTimestamp, long records, long bytes, Map<String, LogCounts> logs) {

    /**
     * One log's entries in a segment.
     *
     * @param entries        entries of the log
     * @param transactions   records (commits) with at least one entry of the log
     * @param dataBytes      bytes of the entries' data
     * @param firstSeqno     seqno of the first record with an entry
     * @param lastSeqno      seqno of the last record with an entry
     * @param firstTimestamp its timestamp
     * @param lastTimestamp  that of the last
     */
    public record LogCounts(long entries, long transactions, long dataBytes, long firstSeqno, long lastSeqno,
                            long firstTimestamp, long lastTimestamp) {
    }

    public boolean logOnly() {
        return (flags & WalFormat.FLAG_LOG_ONLY) != 0;
    }

    /** Whether the segment holds any transaction-log entry. */
    public boolean hasEntries() {
        return !logs.isEmpty();
    }

    /** The newest timestamp of an entry of any log in the segment, or -1 if none. */
    public long lastEntryTimestamp() {
        long t = -1;
        for (LogCounts c : logs.values()) {
            t = Math.max(t, c.lastTimestamp());
        }
        return t;
    }

    /** Entries of every log in the segment. */
    public long entryCount() {
        long n = 0;
        for (LogCounts c : logs.values()) {
            n += c.entries();
        }
        return n;
    }
}
