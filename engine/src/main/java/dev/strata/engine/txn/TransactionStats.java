package dev.strata.engine.txn;

/**
 * Counters of a database's transactions since it opened.
 *
 * @param begun        transactions started (each retry attempt counts)
 * @param committed    commits acknowledged
 * @param aborted      transactions rolled back (by abort, by a throwing callback, or by a conflict)
 * @param conflicts    busy conflicts found (at commit in optimistic mode, at the operation or at
 *                     commit in pessimistic mode)
 * @param lockTimeouts lock waits that timed out
 * @param retries      attempts re-run by {@code db.transaction} after a conflict or lock timeout
 * @param abandoned    {@code db.transaction} calls given up with {@code TransactionAbandonedException}
 */
public record TransactionStats(long begun, long committed, long aborted, long conflicts, long lockTimeouts,
                               long retries, long abandoned) {
}
