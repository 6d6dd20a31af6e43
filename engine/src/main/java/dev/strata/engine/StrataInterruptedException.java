package dev.strata.engine;

/** A blocking call was interrupted; the outcome of the operation is unknown (it may or may not have been applied). Code {@link ErrorCode#INTERRUPTED}. */
public class StrataInterruptedException extends StrataException {
    private static final long serialVersionUID = 1L;

    public StrataInterruptedException(String message) {
        super(ErrorCode.INTERRUPTED, message);
    }

    public StrataInterruptedException(String message, Throwable cause) {
        super(ErrorCode.INTERRUPTED, message, cause);
    }
}
