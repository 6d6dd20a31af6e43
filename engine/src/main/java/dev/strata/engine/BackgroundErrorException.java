package dev.strata.engine;

/**
 * The database refuses writes because an earlier failure (a failed force or write, later a
 * failed flush or compaction) latched it. Reads keep working. Reopening the database recovers
 * from the WAL; nothing acknowledged is lost. {@link #getCause()} is the original failure.
 * Code {@link ErrorCode#BACKGROUND_ERROR}.
 */
public class BackgroundErrorException extends StrataException {
    private static final long serialVersionUID = 1L;

    public BackgroundErrorException(String message, Throwable cause) {
        super(ErrorCode.BACKGROUND_ERROR, message + ": " + cause.getMessage(), cause);
    }
}
