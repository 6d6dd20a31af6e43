package dev.strata.engine;

/**
 * The WAL no longer holds whole commit records from the seqno asked for: retention deleted those
 * segments or rewrote them log-only. Code {@link ErrorCode#LOG_UNAVAILABLE}.
 */
public class LogUnavailableException extends StrataException {
    private static final long serialVersionUID = 1L;
    private final long oldestAvailable;

    public LogUnavailableException(String message, long oldestAvailable) {
        super(ErrorCode.LOG_UNAVAILABLE, message);
        this.oldestAvailable = oldestAvailable;
    }

    /** The oldest seqno whole records are still kept from. */
    public long oldestAvailable() {
        return oldestAvailable;
    }
}
