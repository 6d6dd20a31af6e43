package dev.strata.engine.txn;

/**
 * Names of the events a database notifies on its bus ({@code db.events()}) for transactions, as
 * rocksdb-js names them. Each gets the transaction id (a {@code Long}); the commit events also
 * get the commit's seqno (a {@code Long}, 0 for a transaction that wrote nothing).
 */
public final class TransactionEvents {
    /** Right before a transaction's callback runs (each attempt), or when one is begun explicitly. Args: id. */
    public static final String BEGIN = "begin-transaction";
    /** Right before a transaction commits. Args: id. */
    public static final String BEFORE_COMMIT = "beforecommit";
    /** The commit is written (acknowledged in the durability mode); cleanup still runs. Args: id, seqno. */
    public static final String COMMITTED = "committed";
    /** The commit is complete: locks and snapshot released. Args: id, seqno. */
    public static final String AFTER_COMMIT = "aftercommit";

    private TransactionEvents() {
    }
}
