package dev.strata.engine;

/** A transaction conflict; retrying may succeed. Code {@link ErrorCode#BUSY}. */
public class BusyException extends StrataException {
    private static final long serialVersionUID = 1L;

    public BusyException(String message) {
        super(ErrorCode.BUSY, message);
    }

    public BusyException(String message, Throwable cause) {
        super(ErrorCode.BUSY, message, cause);
    }
}
