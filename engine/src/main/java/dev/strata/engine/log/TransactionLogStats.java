package dev.strata.engine.log;

/**
 * A snapshot of one transaction log's figures ({@code log.getStats()}). Sizes in bytes,
 * timestamps in ms since the epoch (0 when the log has no entry).
 *
 * @param name                    the log's name
 * @param fileCount               WAL segments holding entries of the log
 * @param totalSizeBytes          their size on disk (segments are shared with data and other
 *                                logs until retention rewrites them log-only)
 * @param entryBytes              bytes of the log's entries' data
 * @param entriesWritten          entries of the log on disk
 * @param transactionsWritten     transactions with entries of the log on disk
 * @param oldestTimestamp         timestamp of the oldest entry on disk
 * @param newestTimestamp         timestamp of the newest
 * @param oldestSeqno             seqno of the oldest entry's transaction
 * @param newestSeqno             seqno of the newest
 * @param retainedUnflushedFiles  of {@code fileCount}, segments whose data is not all in tables
 *                                yet (retention cannot touch them whatever their age)
 * @param replayGapBytes          WAL bytes after the last flushed seqno: what recovery would replay
 */
public record TransactionLogStats(String name, int fileCount, long totalSizeBytes, long entryBytes,
                                  long entriesWritten, long transactionsWritten, long oldestTimestamp,
                                  long newestTimestamp, long oldestSeqno, long newestSeqno,
                                  int retainedUnflushedFiles, long replayGapBytes) {
}
