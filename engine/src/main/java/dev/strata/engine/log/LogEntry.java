package dev.strata.engine.log;

/**
 * One entry of a transaction log, as a query returns it.
 *
 * @param timestamp the commit timestamp of its transaction (ms since the epoch; non-decreasing in seqno order)
 * @param seqno     the seqno of its transaction's commit (entries of one transaction share it)
 * @param data      the bytes given to {@code addEntry}
 * @param endTxn    whether it is the last entry of its transaction in this log
 */
public record LogEntry(long timestamp, long seqno, byte[] data, boolean endTxn) {
}
