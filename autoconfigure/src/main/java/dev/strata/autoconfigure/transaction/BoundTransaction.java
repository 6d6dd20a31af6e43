package dev.strata.autoconfigure.transaction;

import dev.strata.engine.txn.Transaction;

/**
 * A Strata transaction bound to the current thread for one database, which template calls and
 * typed views join instead of committing on their own. Bound by {@link StrataTransactionManager}
 * (a {@code @Transactional} method or a {@code TransactionTemplate}) or by
 * {@link StrataTemplate#execute} for the length of its callback; found through
 * {@link StrataTransactions#bound}.
 */
public interface BoundTransaction {

    /** The engine transaction: read and write through it. */
    Transaction transaction();

    /** A read-only Spring transaction: the helpers refuse writes, and it is rolled back, never committed. */
    boolean isReadOnly();

    /** Whether it was begun by {@link StrataTemplate} (true) or by the transaction manager (false). */
    boolean isTemplateOwned();

    /** Whether a participant failed, so the transaction will be rolled back at its end. */
    boolean isRollbackOnly();

    /** Makes the transaction roll back at its end (as Spring does when a participating call fails). */
    void setRollbackOnly();

    /** Throws Spring's {@code TransactionTimedOutException} once the transaction's timeout has passed. */
    void checkDeadline();
}
