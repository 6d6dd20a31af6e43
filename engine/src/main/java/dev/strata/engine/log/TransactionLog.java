package dev.strata.engine.log;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.txn.Transaction;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A named transaction log ({@code db.useLog(name)}), rocksdb-js's {@code TransactionLog}: entries
 * an application attaches to its transactions, written in the transaction's commit record and
 * queryable by time or seqno. There are no files of its own: the log is a view over the WAL
 * segments (DESIGN.md), so an entry is durable exactly when its transaction is, and a follower
 * that applies the leader's records has the same log. Retention keeps entries for
 * {@code transactionLogRetention} (default 3 days) by rewriting old segments log-only.
 * Thread-safe; one instance per name and database.
 */
public final class TransactionLog {
    private final TransactionLogs logs;
    private final String name;
    private final byte[] nameBytes;

    TransactionLog(TransactionLogs logs, String name) {
        this.logs = logs;
        this.name = name;
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
    }

    public String name() {
        return name;
    }

    /** The directory whose segments hold the log (the WAL's). */
    public Path path() {
        return logs.directory();
    }

    /** Adds an entry in {@code txn}; see {@link Transaction#addLogEntry}. */
    public void addEntry(byte[] data, Transaction txn) {
        if (txn == null) {
            throw new InvalidArgumentException("an entry belongs to a transaction: txn must not be null");
        }
        txn.addLogEntry(nameBytes, data);
    }

    /**
     * Adds an entry in the transaction with this id ({@link Transaction#id()}), which must not
     * have ended ({@link InvalidArgumentException} otherwise).
     */
    public void addEntry(byte[] data, long transactionId) {
        addEntry(data, logs.transaction(transactionId));
    }

    /** Every durable entry, oldest first. Close the iterator. */
    public LogEntryIterator query() {
        return query(LogQuery.all());
    }

    /** The entries {@code q} selects, oldest first, streamed. Close the iterator. */
    public LogEntryIterator query(LogQuery q) {
        return logs.query(this, q);
    }

    /** Bytes of every WAL segment holding entries of this log. */
    public long getLogFileSize() {
        return logs.stats(name).totalSizeBytes();
    }

    /** Bytes of segment {@code segment} if it holds entries of this log, else 0. */
    public long getLogFileSize(long segment) {
        return logs.segmentSize(name, segment);
    }

    public TransactionLogStats getStats() {
        return logs.stats(name);
    }

    byte[] nameBytes() {
        return nameBytes;
    }

    @Override
    public String toString() {
        return "TransactionLog[" + name + "]";
    }
}
