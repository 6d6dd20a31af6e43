package dev.strata.replication.spi;

import dev.strata.engine.ErrorCode;
import dev.strata.engine.StrataException;

/**
 * The records a reader asked for are no longer kept on disk: a follower that needs them must
 * be sent a full copy instead.
 */
public class LogGoneException extends StrataException {
    private static final long serialVersionUID = 1L;

    public LogGoneException(String message) {
        super(ErrorCode.INVALID_ARGUMENT, message);
    }

    public LogGoneException(String message, Throwable cause) {
        super(ErrorCode.INVALID_ARGUMENT, message, cause);
    }
}
