package dev.strata.engine;

/** A lock was not acquired in time. Code {@link ErrorCode#LOCK_TIMEOUT}. */
public class LockTimeoutException extends StrataException {
    private static final long serialVersionUID = 1L;

    public LockTimeoutException(String message) {
        super(ErrorCode.LOCK_TIMEOUT, message);
    }

    public LockTimeoutException(String message, Throwable cause) {
        super(ErrorCode.LOCK_TIMEOUT, message, cause);
    }
}
