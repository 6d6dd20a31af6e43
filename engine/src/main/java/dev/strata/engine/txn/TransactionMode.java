package dev.strata.engine.txn;

/**
 * How a database's transactions handle conflicts; chosen when the database opens
 * ({@code StrataOptions.transactionMode}), one mode per open database.
 */
public enum TransactionMode {
    /**
     * The default. Transactions take no locks; at commit, a key the transaction read or wrote that
     * someone else committed after the transaction's snapshot fails the commit with
     * {@code BusyException} (code {@code BUSY}). Cheap when conflicts are rare.
     */
    OPTIMISTIC,
    /**
     * Writes and {@code getForUpdate} lock their key at once (waiting up to the lock timeout,
     * else {@code LockTimeoutException}) and fail at the operation with {@code BusyException} if
     * the key changed after the transaction began. Suits hot keys: a conflict is found before the
     * work, not after.
     */
    PESSIMISTIC
}
