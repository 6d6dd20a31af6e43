package dev.strata.autoconfigure.transaction;

import dev.strata.autoconfigure.view.StrataCodec;
import dev.strata.engine.ColumnFamily;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.txn.Transaction;
import dev.strata.engine.txn.TransactionCallback;
import dev.strata.engine.txn.TransactionOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Transactions in the manner of Spring's {@code TransactionTemplate}, with Strata's retries:
 * {@link #execute} runs a callback in a transaction and commits when it returns; a conflict at
 * commit (or, pessimistic, a lock timeout) re-runs it in a new transaction up to
 * {@code strata.transaction.max-retries} times. Inside a transaction already bound to the thread
 * (a {@code @Transactional} method through {@link StrataTransactionManager}, or an enclosing
 * {@code execute}) the callback joins it instead: it runs once, and the outermost owner commits
 * and retries.
 *
 * <p>The byte and codec helpers ({@link #get}, {@link #put}, {@link #remove}, {@link #range}) go
 * through the bound transaction when there is one and are plain single-commit operations
 * otherwise; the typed views use them. Engine failures leave as {@link StrataExceptionMapper}
 * says: Spring's {@code DataAccessException}s when spring-tx is present, the engine's typed
 * exceptions otherwise. Inside a template's own callback they stay the engine's, so that its
 * retry loop recognises a conflict; they are mapped when they leave {@link #execute}.
 *
 * <p>Thread-safe and stateless between calls. Created by {@link StrataTransactionAutoConfiguration}.
 */
public class StrataTemplate {

    private final StrataDatabase db;
    private final int maxRetries;
    private final boolean coordinatedRetry;
    private final StrataExceptionMapper mapper;

    /** Three retries with a random back-off, and the engine's exceptions. */
    public StrataTemplate(StrataDatabase db) {
        this(db, TransactionOptions.defaults().maxRetries(), false, StrataExceptionMapper.ENGINE);
    }

    public StrataTemplate(StrataDatabase db, int maxRetries, boolean coordinatedRetry, StrataExceptionMapper mapper) {
        if (db == null || mapper == null) {
            throw new InvalidArgumentException("a StrataTemplate needs a database and an exception mapper");
        }
        if (maxRetries < 0) {
            throw new InvalidArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        this.db = db;
        this.maxRetries = maxRetries;
        this.coordinatedRetry = coordinatedRetry;
        this.mapper = mapper;
    }

    public StrataDatabase database() {
        return db;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public boolean coordinatedRetry() {
        return coordinatedRetry;
    }

    /**
     * Runs {@code callback} in a transaction and returns what it returned. Outside a bound
     * transaction: commits when the callback returns, rolls back and rethrows when it throws,
     * retries conflicts, and after the last attempt throws {@code TransactionAbandonedException}
     * (mapped: {@code ConcurrencyFailureException}). Inside one: joins it; a throw marks it
     * rollback-only, as a participating {@code TransactionTemplate} does.
     */
    public <T> T execute(TransactionCallback<T> callback) {
        if (callback == null) {
            throw new InvalidArgumentException("the transaction callback must not be null");
        }
        BoundTransaction bound = StrataTransactions.bound(db);
        if (bound != null) {
            return joined(bound, callback);
        }
        TransactionOptions options = TransactionOptions.defaults().maxRetries(maxRetries).coordinatedRetry(coordinatedRetry);
        try {
            return db.transaction((txn, attempt) -> runBound(txn, attempt, callback), options);
        } catch (StrataException e) {
            throw mapper.map(e);
        }
    }

    /** {@link #execute} for a callback with no result. */
    public void executeWithoutResult(Consumer<Transaction> action) {
        if (action == null) {
            throw new InvalidArgumentException("the transaction action must not be null");
        }
        execute((txn, attempt) -> {
            action.accept(txn);
            return null;
        });
    }

    /** The transaction the current thread runs in for this database, if any ({@link StrataTransactions#current}). */
    public Optional<Transaction> currentTransaction() {
        return StrataTransactions.current(db);
    }

    private <T> T joined(BoundTransaction bound, TransactionCallback<T> callback) {
        try {
            bound.checkDeadline();
            return callback.run(bound.transaction(), 1);
        } catch (StrataException e) {
            bound.setRollbackOnly();
            throw bound.isTemplateOwned() ? e : mapper.map(e);
        } catch (RuntimeException | Error e) {
            bound.setRollbackOnly();
            throw e;
        }
    }

    /** One attempt of a template-owned transaction, bound to the thread so that nested calls join it. */
    private <T> T runBound(Transaction txn, int attempt, TransactionCallback<T> callback) {
        BoundTransaction bound = StrataTransactions.bindTemplateTransaction(db, txn);
        try {
            T result = callback.run(txn, attempt);
            if (bound.isRollbackOnly()) {
                throw mapper.rolledBack("Strata transaction rolled back because a call that joined it failed and "
                        + "marked it rollback-only");
            }
            return result;
        } finally {
            StrataTransactions.unbind(db);
        }
    }

    // ------------------------------------------------------------------ helpers: the bound transaction or one commit

    /** The value of {@code key} in {@code family} (null for the default family), as the bound transaction sees it; null if absent. */
    public byte[] get(ColumnFamily family, byte[] key) {
        return access(txn -> txn.get(family(family), key), () -> family(family).get(key));
    }

    /**
     * {@link #get}, and in a transaction also locks the key (pessimistic mode) or, optimistic,
     * checks it at commit: use it for keys your writes depend on. Outside a transaction a plain get.
     */
    public byte[] getForUpdate(ColumnFamily family, byte[] key) {
        return access(txn -> txn.getForUpdate(family(family), key), () -> family(family).get(key));
    }

    /** Writes {@code key} in the bound transaction, or commits it on its own. */
    public void put(ColumnFamily family, byte[] key, byte[] value) {
        write(txn -> txn.put(family(family), key, value), () -> family(family).put(key, value));
    }

    /** Removes {@code key} in the bound transaction, or commits the removal on its own. */
    public void remove(ColumnFamily family, byte[] key) {
        write(txn -> txn.remove(family(family), key), () -> family(family).remove(key));
    }

    /** The entries of {@code range} (bounded by its limit, which is required), as the bound transaction sees them. */
    public List<KeyValue> range(ColumnFamily family, RangeOptions range) {
        if (range == null || range.limit() == Long.MAX_VALUE) {
            // The entries are collected into a list: an unbounded range could hold the whole database.
            throw new InvalidArgumentException("a range read through the template needs a range with a limit");
        }
        return access(txn -> drain(txn.iterator(family(family), range)), () -> drain(family(family).iterator(range)));
    }

    /** The value of {@code key} (UTF-8) in the default family, decoded; empty if absent. */
    public <V> Optional<V> get(String key, StrataCodec<V> codec) {
        byte[] value = get(null, utf8(key));
        return value == null ? Optional.empty() : Optional.of(codec.decode(value));
    }

    /** Writes {@code value}, encoded, under {@code key} (UTF-8) in the default family. */
    public <V> void put(String key, V value, StrataCodec<V> codec) {
        put(null, utf8(key), codec.encode(value));
    }

    /** Removes {@code key} (UTF-8) from the default family. */
    public void remove(String key) {
        remove(null, utf8(key));
    }

    private void write(Consumer<Transaction> inTransaction, Runnable alone) {
        access(txn -> {
            if (StrataTransactions.bound(db).isReadOnly()) {
                throw new ReadOnlyException("the Spring transaction is read-only (@Transactional(readOnly = true)); "
                        + "it refuses writes");
            }
            inTransaction.accept(txn);
            return null;
        }, () -> {
            alone.run();
            return null;
        });
    }

    private <T> T access(Function<Transaction, T> inTransaction, Supplier<T> alone) {
        BoundTransaction bound = StrataTransactions.bound(db);
        try {
            if (bound == null) {
                return alone.get();
            }
            bound.checkDeadline();
            return inTransaction.apply(bound.transaction());
        } catch (StrataException e) {
            throw bound != null && bound.isTemplateOwned() ? e : mapper.map(e);
        }
    }

    private ColumnFamily family(ColumnFamily family) {
        return family != null ? family : db.defaultColumnFamily();
    }

    private static List<KeyValue> drain(StrataIterator<KeyValue> iterator) {
        try (StrataIterator<KeyValue> it = iterator) {
            List<KeyValue> entries = new ArrayList<>();
            while (it.hasNext()) {
                entries.add(it.next());
            }
            return entries;
        }
    }

    private static byte[] utf8(String key) {
        if (key == null) {
            throw new InvalidArgumentException("key must not be null");
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
