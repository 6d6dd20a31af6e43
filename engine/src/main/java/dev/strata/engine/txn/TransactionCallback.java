package dev.strata.engine.txn;

/**
 * The body of {@code db.transaction(callback)}: runs with a fresh transaction, and again (with a
 * new one) when a retryable conflict sends it round again. Returning commits; throwing rolls back
 * and rethrows.
 *
 * @param <T> what the transaction returns
 */
@FunctionalInterface
public interface TransactionCallback<T> {
    /**
     * @param txn     the transaction: read and write through it
     * @param attempt 1 on the first run, 2 on the first retry, ... (use it to keep side effects,
     *                such as log entries, from being repeated)
     */
    T run(Transaction txn, int attempt);
}
