package dev.strata.replication;

import dev.strata.engine.ErrorCode;
import dev.strata.engine.StrataException;

/**
 * A replication failure: a peer that broke the protocol, failed authentication, belongs to
 * another cluster, or a leader that is older than what a follower has seen. Its
 * {@link #code()} is {@link ErrorCode#IO_ERROR} (the engine's codes are the stable ones callers
 * switch on); {@link #reason()} is the stable replication-specific cause, which status reports
 * and logs carry.
 */
public class ReplicationException extends StrataException {
    private static final long serialVersionUID = 1L;

    /** Why replication failed. Names are stable: status reports and metrics carry them. */
    public enum Reason {
        /** The peer's HMAC proof did not match: wrong shared secret, or not a Strata peer. */
        AUTH_FAILED,
        /** The follower names another cluster id than the leader's. */
        CLUSTER_MISMATCH,
        /** The follower has seen a newer epoch than the leader's: the leader is stale. */
        STALE_LEADER,
        /** The leader has as many followers (or connections) as it is allowed. */
        TOO_MANY_FOLLOWERS,
        /** A frame was too large, failed its checksum, had an unknown type or came out of turn. */
        PROTOCOL,
        /** The peer did not finish the handshake, or fell silent, within its timeout. */
        TIMEOUT,
        /** The follower needs records the leader no longer keeps: it reconnects and gets a full sync. */
        RESYNC,
        /** A full sync could not be completed (a file failed its checksum, the copy failed). */
        FULL_SYNC_FAILED,
        /** A commit waited for follower acknowledgements longer than the semi-sync timeout. */
        SEMI_SYNC_TIMEOUT
    }

    private final Reason reason;

    public ReplicationException(Reason reason, String message) {
        super(ErrorCode.IO_ERROR, reason + ": " + message);
        this.reason = reason;
    }

    public ReplicationException(Reason reason, String message, Throwable cause) {
        super(ErrorCode.IO_ERROR, reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
