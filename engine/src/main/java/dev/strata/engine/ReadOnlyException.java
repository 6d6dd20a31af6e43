package dev.strata.engine;

/** A write on a read-only database. Code {@link ErrorCode#READ_ONLY}. */
public class ReadOnlyException extends StrataException {
    private static final long serialVersionUID = 1L;

    public ReadOnlyException(String message) {
        super(ErrorCode.READ_ONLY, message);
    }

    public ReadOnlyException(String message, Throwable cause) {
        super(ErrorCode.READ_ONLY, message, cause);
    }
}
