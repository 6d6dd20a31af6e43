package dev.strata.autoconfigure.transaction;

import dev.strata.engine.txn.Transaction;
import org.springframework.transaction.support.ResourceHolderSupport;

/**
 * The Strata transaction bound to a thread as a Spring resource (keyed by its database), as
 * {@code ConnectionHolder} carries a JDBC connection: created by {@link StrataTransactionManager}
 * when it begins a transaction, or by {@link StrataTemplate} for the length of a callback it runs
 * in its own transaction. Rollback-only and the deadline ({@code @Transactional(timeout)}) come
 * from {@link ResourceHolderSupport}.
 */
public class StrataTransactionHolder extends ResourceHolderSupport implements BoundTransaction {

    private final Transaction transaction;
    private final boolean readOnly;
    private final boolean templateOwned;

    StrataTransactionHolder(Transaction transaction, boolean readOnly, boolean templateOwned) {
        this.transaction = transaction;
        this.readOnly = readOnly;
        this.templateOwned = templateOwned;
    }

    @Override
    public Transaction transaction() {
        return transaction;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public boolean isTemplateOwned() {
        return templateOwned;
    }

    @Override
    public void checkDeadline() {
        if (hasTimeout()) {
            getTimeToLiveInMillis(); // throws TransactionTimedOutException (and marks rollback-only) once past
        }
    }
}
