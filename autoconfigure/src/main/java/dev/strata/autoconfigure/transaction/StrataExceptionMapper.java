package dev.strata.autoconfigure.transaction;

import dev.strata.engine.StrataException;
import dev.strata.engine.TransactionAbandonedException;

/**
 * What the Spring-facing beans ({@link StrataTemplate}, the typed views) throw when the engine
 * fails. Without spring-tx on the class path this is {@link #ENGINE}: the engine's own typed
 * exceptions, with their stable codes. With spring-tx the auto-configuration uses
 * {@link StrataDataAccessExceptionTranslator}, which maps them onto Spring's
 * {@code DataAccessException} hierarchy (the engine's exception stays the cause). Kept free of
 * spring-tx types so the template loads without it.
 */
public interface StrataExceptionMapper {

    /** The engine's exceptions as they are. */
    StrataExceptionMapper ENGINE = new StrataExceptionMapper() {
        @Override
        public RuntimeException map(StrataException e) {
            return e;
        }

        @Override
        public RuntimeException rolledBack(String message) {
            return new TransactionAbandonedException(message);
        }
    };

    /** What to throw for this engine failure. */
    RuntimeException map(StrataException e);

    /**
     * What to throw when a transaction that {@link StrataTemplate} began was marked rollback-only
     * (by a joined call that failed) and was therefore rolled back instead of committed.
     */
    RuntimeException rolledBack(String message);
}
