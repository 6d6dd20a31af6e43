package dev.strata.engine;

/** The database or handle is closed. Code {@link ErrorCode#CLOSED}. */
public class ClosedException extends StrataException {
    private static final long serialVersionUID = 1L;

    public ClosedException(String message) {
        super(ErrorCode.CLOSED, message);
    }

    public ClosedException(String message, Throwable cause) {
        super(ErrorCode.CLOSED, message, cause);
    }
}
