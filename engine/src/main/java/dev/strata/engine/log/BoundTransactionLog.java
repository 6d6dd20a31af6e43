package dev.strata.engine.log;

import dev.strata.engine.txn.Transaction;

/** A transaction log bound to one transaction ({@code txn.useLog(name)}): entries go to it. */
public final class BoundTransactionLog {
    private final TransactionLog log;
    private final Transaction txn;

    public BoundTransactionLog(TransactionLog log, Transaction txn) {
        this.log = log;
        this.txn = txn;
    }

    /** Adds an entry to the log in the bound transaction; see {@link Transaction#addLogEntry}. */
    public void addEntry(byte[] data) {
        log.addEntry(data, txn);
    }

    public TransactionLog log() {
        return log;
    }

    public Transaction transaction() {
        return txn;
    }
}
