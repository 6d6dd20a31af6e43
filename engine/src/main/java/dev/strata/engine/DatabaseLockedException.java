package dev.strata.engine;

/** The database directory is locked by another writer. Code {@link ErrorCode#LOCKED}. */
public class DatabaseLockedException extends StrataException {
    private static final long serialVersionUID = 1L;

    public DatabaseLockedException(String message) {
        super(ErrorCode.LOCKED, message);
    }

    public DatabaseLockedException(String message, Throwable cause) {
        super(ErrorCode.LOCKED, message, cause);
    }
}
