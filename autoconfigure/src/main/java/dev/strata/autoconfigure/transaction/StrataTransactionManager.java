package dev.strata.autoconfigure.transaction;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import dev.strata.engine.txn.Transaction;
import dev.strata.engine.txn.TransactionOptions;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.InvalidIsolationLevelException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.SmartTransactionObject;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A {@code PlatformTransactionManager} for one Strata database: a {@code @Transactional} method
 * (or a {@code TransactionTemplate}) runs as one Strata transaction bound to the thread, as
 * {@code DataSourceTransactionManager} binds a JDBC connection. {@link StrataTemplate}, the typed
 * views and {@link StrataTransactions#current} join it; the transaction commits when the
 * outermost method returns, under one seqno, or not at all.
 *
 * <p>Spring's propagation rules come from {@link AbstractPlatformTransactionManager}: REQUIRED
 * joins, REQUIRES_NEW suspends the outer transaction (unbinds it) and begins a separate Strata
 * transaction with its own snapshot and commit, SUPPORTS and NOT_SUPPORTED run without one
 * (template calls then commit on their own), MANDATORY and NEVER refuse. NESTED is refused
 * ({@code NestedTransactionNotSupportedException}): the engine has no savepoints.
 *
 * <p>Isolation is snapshot isolation whatever the definition asks, which satisfies every level
 * but SERIALIZABLE; SERIALIZABLE is refused ({@link InvalidIsolationLevelException}) rather than
 * silently weakened (write skew is possible). A read-only transaction is rolled back at its end,
 * never committed: the helpers refuse writes in it, and anything written through the raw
 * {@link Transaction} is discarded. A timeout makes every operation through the template or the
 * views after the deadline fail with {@code TransactionTimedOutException}.
 *
 * <p>A conflict found at commit (optimistic mode) is thrown as
 * {@code OptimisticLockingFailureException}, a lock timeout as {@code CannotAcquireLockException}
 * ({@link StrataDataAccessExceptionTranslator}); the manager never re-runs a method, since only
 * the caller can: see Spring's {@code @Retryable} in docs/spring.md. Created by
 * {@link StrataTransactionAutoConfiguration} as {@code strataTransactionManager}.
 */
public class StrataTransactionManager extends AbstractPlatformTransactionManager implements ResourceTransactionManager {
    private static final long serialVersionUID = 1L;

    private final transient StrataDatabase database;
    private final transient StrataDataAccessExceptionTranslator translator;

    public StrataTransactionManager(StrataDatabase database) {
        this(database, new StrataDataAccessExceptionTranslator());
    }

    public StrataTransactionManager(StrataDatabase database, StrataDataAccessExceptionTranslator translator) {
        if (database == null || translator == null) {
            throw new InvalidArgumentException("a StrataTransactionManager needs a database and a translator");
        }
        this.database = database;
        this.translator = translator;
    }

    public StrataDatabase getDatabase() {
        return database;
    }

    @Override
    public Object getResourceFactory() {
        return database;
    }

    @Override
    protected Object doGetTransaction() {
        StrataTransactionObject tx = new StrataTransactionObject();
        tx.holder = (StrataTransactionHolder) TransactionSynchronizationManager.getResource(database);
        return tx;
    }

    @Override
    protected boolean isExistingTransaction(Object transaction) {
        return ((StrataTransactionObject) transaction).holder != null;
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
        if (definition.getIsolationLevel() == TransactionDefinition.ISOLATION_SERIALIZABLE) {
            throw new InvalidIsolationLevelException("Strata transactions run at snapshot isolation, which does not "
                    + "prevent write skew; SERIALIZABLE is not offered. Read the keys your writes depend on with "
                    + "getForUpdate (strata.transaction-mode=pessimistic locks them) and leave the isolation at DEFAULT.");
        }
        Transaction txn;
        try {
            txn = database.beginTransaction(TransactionOptions.defaults());
        } catch (StrataException e) {
            throw new CannotCreateTransactionException("Could not begin a Strata transaction on " + database.path(),
                    translator.translate(e));
        }
        StrataTransactionHolder holder = new StrataTransactionHolder(txn, definition.isReadOnly(), false);
        holder.setSynchronizedWithTransaction(true);
        int timeout = determineTimeout(definition);
        if (timeout != TransactionDefinition.TIMEOUT_DEFAULT) {
            holder.setTimeoutInSeconds(timeout);
        }
        ((StrataTransactionObject) transaction).holder = holder;
        TransactionSynchronizationManager.bindResource(database, holder);
    }

    @Override
    protected Object doSuspend(Object transaction) {
        ((StrataTransactionObject) transaction).holder = null;
        return TransactionSynchronizationManager.unbindResource(database);
    }

    @Override
    protected void doResume(Object transaction, Object suspendedResources) {
        TransactionSynchronizationManager.bindResource(database, suspendedResources);
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        StrataTransactionHolder holder = ((StrataTransactionObject) status.getTransaction()).holder;
        Transaction txn = holder.transaction();
        if (holder.isReadOnly()) {
            txn.abort();
            return;
        }
        try {
            txn.commit();
        } catch (StrataException e) {
            throw translator.translate(e);
        }
    }

    @Override
    protected void doRollback(DefaultTransactionStatus status) {
        ((StrataTransactionObject) status.getTransaction()).holder.transaction().abort();
    }

    @Override
    protected void doSetRollbackOnly(DefaultTransactionStatus status) {
        ((StrataTransactionObject) status.getTransaction()).holder.setRollbackOnly();
    }

    @Override
    protected void doCleanupAfterCompletion(Object transaction) {
        StrataTransactionObject tx = (StrataTransactionObject) transaction;
        TransactionSynchronizationManager.unbindResourceIfPossible(database);
        tx.holder.transaction().close(); // aborts one that neither committed nor rolled back
        tx.holder.clear();
        tx.holder = null;
    }

    /** What the manager's statuses carry: the holder of the transaction joined or begun, if any. */
    private static final class StrataTransactionObject implements SmartTransactionObject {
        StrataTransactionHolder holder;

        @Override
        public boolean isRollbackOnly() {
            return holder != null && holder.isRollbackOnly();
        }

        @Override
        public void flush() {
            // Writes live in the transaction until commit; there is nothing to flush before it.
        }
    }
}
