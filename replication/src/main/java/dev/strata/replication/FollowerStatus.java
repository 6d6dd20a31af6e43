package dev.strata.replication;

/**
 * A follower's view of itself (the Actuator issue publishes it).
 *
 * @param state              CONNECTING, HANDSHAKE, FULL_SYNC, STREAMING, DISCONNECTED, PROMOTED or CLOSED
 * @param leaderAddress      the leader it follows
 * @param connected          whether a connection is open now
 * @param epoch              the newest epoch it has seen (0: none yet)
 * @param appliedSeqno       the last record applied (readable here)
 * @param durableSeqno       the last record forced to its disk (what it acknowledges)
 * @param receivedSeqno      the last record received
 * @param leaderDurableSeqno the leader's durable seqno at its last heartbeat or batch
 * @param lagRecords         {@code leaderDurableSeqno - appliedSeqno} (0 or more)
 * @param lagMillis          0 when caught up with the leader's last known durable seqno; else the time since it last was
 * @param reconnects         connections made after the first
 * @param fullSyncs          full syncs completed (swapped in)
 * @param duplicatesSkipped  records received again and skipped
 * @param gaps               batches that skipped a seqno (each closed the connection to resync)
 * @param lastError          the last failure, or null
 */
public record FollowerStatus(String state, String leaderAddress, boolean connected, long epoch, long appliedSeqno,
                             long durableSeqno, long receivedSeqno, long leaderDurableSeqno, long lagRecords,
                             long lagMillis, long reconnects, long fullSyncs, long duplicatesSkipped, long gaps,
                             String lastError) {
}
