package dev.strata.autoconfigure.transaction;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.txn.Transaction;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the Strata transaction bound to the current thread is found. With spring-tx on the class
 * path the binding is a resource of Spring's {@link TransactionSynchronizationManager} keyed by
 * the database, exactly as {@code DataSourceTransactionManager} binds a JDBC connection under its
 * {@code DataSource}: so {@link StrataTransactionManager} sees a transaction that
 * {@link StrataTemplate} began as an existing one (propagation then works across both), and
 * {@code TransactionSynchronizationManager.hasResource(db)} answers as it does for JDBC. Without
 * spring-tx only the template binds, in a thread-local map of this class.
 *
 * <p>Application code calls {@link #current}; the template and the views call {@link #bound}.
 */
public final class StrataTransactions {

    private static final boolean SPRING_TX = ClassUtils.isPresent(
            "org.springframework.transaction.support.TransactionSynchronizationManager",
            StrataTransactions.class.getClassLoader());

    // Without spring-tx: database -> the transaction StrataTemplate bound on this thread.
    private static final ThreadLocal<Map<StrataDatabase, BoundTransaction>> LOCAL =
            ThreadLocal.withInitial(IdentityHashMap::new);

    private StrataTransactions() {
    }

    /**
     * The transaction of {@code db} that the current thread runs in: the one of a
     * {@code @Transactional} method (through {@link StrataTransactionManager}) or of a
     * {@link StrataTemplate} callback; empty outside both.
     */
    public static Optional<Transaction> current(StrataDatabase db) {
        BoundTransaction bound = bound(db);
        return bound == null ? Optional.empty() : Optional.of(bound.transaction());
    }

    /** The binding of {@code db} on the current thread, or null. */
    public static BoundTransaction bound(StrataDatabase db) {
        if (SPRING_TX) {
            return SpringResources.get(db);
        }
        return LOCAL.get().get(db);
    }

    /** Binds a transaction {@link StrataTemplate} began; the caller unbinds it with {@link #unbind}. */
    static BoundTransaction bindTemplateTransaction(StrataDatabase db, Transaction txn) {
        if (SPRING_TX) {
            return SpringResources.bind(db, txn);
        }
        BoundTransaction bound = new TemplateBoundTransaction(txn);
        LOCAL.get().put(db, bound);
        return bound;
    }

    static void unbind(StrataDatabase db) {
        if (SPRING_TX) {
            SpringResources.unbind(db);
            return;
        }
        Map<StrataDatabase, BoundTransaction> map = LOCAL.get();
        map.remove(db);
        if (map.isEmpty()) {
            LOCAL.remove();
        }
    }

    /** Loaded only when spring-tx is present. */
    private static final class SpringResources {

        static BoundTransaction get(StrataDatabase db) {
            Object resource = TransactionSynchronizationManager.getResource(db);
            return resource instanceof BoundTransaction bound ? bound : null;
        }

        static BoundTransaction bind(StrataDatabase db, Transaction txn) {
            StrataTransactionHolder holder = new StrataTransactionHolder(txn, false, true);
            TransactionSynchronizationManager.bindResource(db, holder);
            return holder;
        }

        static void unbind(StrataDatabase db) {
            TransactionSynchronizationManager.unbindResourceIfPossible(db);
        }
    }

    /** The binding of a template's transaction without spring-tx: no deadline, never read-only. */
    private static final class TemplateBoundTransaction implements BoundTransaction {
        private final Transaction txn;
        private boolean rollbackOnly;

        TemplateBoundTransaction(Transaction txn) {
            this.txn = txn;
        }

        @Override
        public Transaction transaction() {
            return txn;
        }

        @Override
        public boolean isReadOnly() {
            return false;
        }

        @Override
        public boolean isTemplateOwned() {
            return true;
        }

        @Override
        public boolean isRollbackOnly() {
            return rollbackOnly;
        }

        @Override
        public void setRollbackOnly() {
            rollbackOnly = true;
        }

        @Override
        public void checkDeadline() {
            // A template's transaction has no timeout.
        }
    }
}
