package dev.strata.engine;

/**
 * The root of every failure Strata throws. Unchecked, as RocksJava's and most Java storage
 * APIs' are not: callers that care match on the subtype or on {@link #code()}, which is stable
 * across releases.
 */
public class StrataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public StrataException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public StrataException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The stable code of this failure. */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code.id() + ": " + super.getMessage();
    }
}
