package dev.strata.engine;

/** An argument is out of range (size limits, bounds, options). Code {@link ErrorCode#INVALID_ARGUMENT}. */
public class InvalidArgumentException extends StrataException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super(ErrorCode.INVALID_ARGUMENT, message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(ErrorCode.INVALID_ARGUMENT, message, cause);
    }
}
