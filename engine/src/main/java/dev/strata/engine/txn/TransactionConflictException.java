package dev.strata.engine.txn;

import dev.strata.engine.BusyException;
import dev.strata.engine.util.CfKey;

/**
 * A transaction conflict (code {@code BUSY}): a key the transaction read or wrote was committed
 * by someone else, at {@link #conflictSeqno()}, after the transaction's snapshot. Retrying may
 * succeed; a coordinated retry waits until that commit is visible first.
 */
public final class TransactionConflictException extends BusyException {
    private static final long serialVersionUID = 1L;

    private final transient CfKey key;
    private final long conflictSeqno;

    TransactionConflictException(String message, CfKey key, long conflictSeqno) {
        super(message);
        this.key = key;
        this.conflictSeqno = conflictSeqno;
    }

    /** The seqno of the commit that conflicted (a delete-range's, for a removed range). */
    public long conflictSeqno() {
        return conflictSeqno;
    }

    /** The key (or the start of the range) that conflicted. */
    public byte[] key() {
        return key == null ? null : key.key().clone();
    }
}
