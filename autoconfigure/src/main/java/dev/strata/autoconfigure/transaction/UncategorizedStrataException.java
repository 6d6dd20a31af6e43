package dev.strata.autoconfigure.transaction;

import dev.strata.engine.StrataException;
import org.springframework.dao.UncategorizedDataAccessException;

/**
 * An engine failure whose code {@link StrataDataAccessExceptionTranslator} has no more specific
 * Spring type for (an interrupted call, whose outcome is unknown, or a code newer than this
 * module). The engine's exception, with its code, is the cause.
 */
public class UncategorizedStrataException extends UncategorizedDataAccessException {
    private static final long serialVersionUID = 1L;

    public UncategorizedStrataException(String message, StrataException cause) {
        super(message, cause);
    }
}
