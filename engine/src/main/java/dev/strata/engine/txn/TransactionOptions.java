package dev.strata.engine.txn;

import dev.strata.engine.InvalidArgumentException;

import java.time.Duration;

/**
 * Options of one transaction (rocksdb-js's {@code TransactionOptions}). A mutable builder; the
 * transaction copies what it needs when it begins.
 */
public final class TransactionOptions {
    private int maxRetries = 3;
    private boolean retryOnBusy = true;
    private boolean coordinatedRetry;
    private boolean disableSnapshot;
    private Duration lockTimeout;

    public static TransactionOptions defaults() {
        return new TransactionOptions();
    }

    /**
     * How many times {@code db.transaction} re-runs the callback after a conflict (default 3):
     * at most {@code maxRetries + 1} attempts, then {@code TransactionAbandonedException}.
     */
    public TransactionOptions maxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
        return this;
    }

    /**
     * Whether {@code db.transaction} retries on a busy conflict or a lock timeout (default true;
     * rocksdb-js defaults to false unless a transaction log is bound). When false the
     * {@code BusyException} or {@code LockTimeoutException} reaches the caller.
     */
    public TransactionOptions retryOnBusy(boolean retryOnBusy) {
        this.retryOnBusy = retryOnBusy;
        return this;
    }

    /**
     * On a busy conflict, wait until the conflicting commit is visible, then re-run at once
     * (default false: wait a random, growing backoff, which may still be too short for the
     * conflicting commit to become visible, so the retry can conflict again). Still bounded by
     * {@link #maxRetries}.
     */
    public TransactionOptions coordinatedRetry(boolean coordinatedRetry) {
        this.coordinatedRetry = coordinatedRetry;
        return this;
    }

    /**
     * Read the latest committed state at each read instead of one snapshot (default false). Each
     * key is then conflict-checked from the moment it was read.
     */
    public TransactionOptions disableSnapshot(boolean disableSnapshot) {
        this.disableSnapshot = disableSnapshot;
        return this;
    }

    /** Pessimistic mode: how long a write waits for a key's lock (default: the database's). */
    public TransactionOptions lockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
        return this;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public boolean retryOnBusy() {
        return retryOnBusy;
    }

    public boolean coordinatedRetry() {
        return coordinatedRetry;
    }

    public boolean disableSnapshot() {
        return disableSnapshot;
    }

    /** The lock timeout, or null for the database's. */
    public Duration lockTimeout() {
        return lockTimeout;
    }

    void validate() {
        if (maxRetries < 0) {
            throw new InvalidArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        if (lockTimeout != null && lockTimeout.isNegative()) {
            throw new InvalidArgumentException("lockTimeout must be >= 0, was " + lockTimeout);
        }
    }
}
