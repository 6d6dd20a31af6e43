package dev.strata.autoconfigure.transaction;

import dev.strata.engine.StrataException;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.dao.NonTransientDataAccessResourceException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.support.PersistenceExceptionTranslator;
import org.springframework.transaction.UnexpectedRollbackException;

/**
 * Maps the engine's failures onto Spring's {@link DataAccessException} hierarchy by their stable
 * code, keeping the engine's exception (and so its code) as the cause. Used by
 * {@link StrataTransactionManager} for commits, and by {@link StrataTemplate} and the typed views
 * when spring-tx is on the class path; also a {@link PersistenceExceptionTranslator}, so
 * {@code @Repository} beans get the same mapping from Spring's translation post-processor.
 *
 * <pre>
 * ERR_BUSY                     OptimisticLockingFailureException (a ConcurrencyFailureException)
 * ERR_LOCK_TIMEOUT             CannotAcquireLockException (a ConcurrencyFailureException)
 * ERR_TRANSACTION_ABANDONED    ConcurrencyFailureException
 * ERR_INVALID_ARGUMENT         InvalidDataAccessApiUsageException
 * ERR_READ_ONLY                InvalidDataAccessApiUsageException
 * ERR_COLUMN_FAMILY_NOT_FOUND  InvalidDataAccessResourceUsageException
 * ERR_CLOSED, ERR_IO, ERR_BACKGROUND, ERR_LOCKED   DataAccessResourceFailureException
 * ERR_CORRUPTION               NonTransientDataAccessResourceException
 * anything else                UncategorizedStrataException
 * </pre>
 * The three concurrency failures share {@link ConcurrencyFailureException}, the type to retry on
 * (Spring's {@code @Retryable(includes = ConcurrencyFailureException.class)}).
 */
public class StrataDataAccessExceptionTranslator implements PersistenceExceptionTranslator, StrataExceptionMapper {

    @Override
    public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
        return ex instanceof StrataException e ? translate(e) : null;
    }

    /** The {@link DataAccessException} for {@code e}; never null. */
    public DataAccessException translate(StrataException e) {
        String message = e.getMessage();
        return switch (e.code()) {
            case BUSY -> new OptimisticLockingFailureException(message, e);
            case LOCK_TIMEOUT -> new CannotAcquireLockException(message, e);
            case TRANSACTION_ABANDONED -> new ConcurrencyFailureException(message, e);
            case INVALID_ARGUMENT, READ_ONLY -> new InvalidDataAccessApiUsageException(message, e);
            case COLUMN_FAMILY_NOT_FOUND -> new InvalidDataAccessResourceUsageException(message, e);
            case CLOSED, IO_ERROR, BACKGROUND_ERROR, LOCKED -> new DataAccessResourceFailureException(message, e);
            case CORRUPTION -> new NonTransientDataAccessResourceException(message, e);
            default -> new UncategorizedStrataException(message, e);
        };
    }

    @Override
    public RuntimeException map(StrataException e) {
        return translate(e);
    }

    @Override
    public RuntimeException rolledBack(String message) {
        return new UnexpectedRollbackException(message);
    }
}
