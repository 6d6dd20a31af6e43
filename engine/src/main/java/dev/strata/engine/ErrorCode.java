package dev.strata.engine;

/**
 * The stable code of every failure Strata reports. Applications, the CLI (exit codes) and
 * Actuator match on these, so a code is never renamed or reused; new codes are only added.
 * The string form ({@link #id()}) follows rocksdb-js's {@code ERR_*} names.
 */
public enum ErrorCode {
    /** The database (or the handle) was closed. */
    CLOSED("ERR_CLOSED"),
    /** A write was attempted on a database opened read-only, or on a follower. */
    READ_ONLY("ERR_READ_ONLY"),
    /** An argument is out of range: key or value too large, bad bounds, bad option. */
    INVALID_ARGUMENT("ERR_INVALID_ARGUMENT"),
    /** A file is damaged; the exception names the file and the offset. */
    CORRUPTION("ERR_CORRUPTION"),
    /** The operating system reported an I/O failure. */
    IO_ERROR("ERR_IO"),
    /** Another process (or another open in this JVM) holds the database's write lock. */
    LOCKED("ERR_LOCKED"),
    /** A transaction conflicted with another commit; retrying may succeed. */
    BUSY("ERR_BUSY"),
    /** A lock could not be acquired within its timeout. */
    LOCK_TIMEOUT("ERR_LOCK_TIMEOUT"),
    /** A transaction was given up after its retries were used. */
    TRANSACTION_ABANDONED("ERR_TRANSACTION_ABANDONED"),
    /**
     * An earlier failure (a failed force, a failed write) made the database refuse writes until
     * it is reopened. The cause is the original failure.
     */
    BACKGROUND_ERROR("ERR_BACKGROUND"),
    /** A blocking call was interrupted; the outcome of the operation is unknown. */
    INTERRUPTED("ERR_INTERRUPTED"),
    /** The column family named does not exist, or was dropped while the caller held it. */
    COLUMN_FAMILY_NOT_FOUND("ERR_COLUMN_FAMILY_NOT_FOUND"),
    /**
     * The WAL no longer holds whole commit records from the seqno asked for (retention removed
     * them or rewrote them log-only): a follower must copy the database instead.
     */
    LOG_UNAVAILABLE("ERR_LOG_UNAVAILABLE");

    private final String id;

    ErrorCode(String id) {
        this.id = id;
    }

    /** The stable string form, e.g. {@code ERR_CORRUPTION}. */
    public String id() {
        return id;
    }
}
