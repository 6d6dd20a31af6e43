package dev.strata.replication;

/**
 * What a leader knows of one registered follower (the Actuator issue publishes it).
 *
 * @param id             the follower's id (from its hello)
 * @param address        where it connected from, or null when it is not connected
 * @param state          CONNECTED (handshaking), FULL_SYNC, STREAMING or DISCONNECTED
 * @param shippedSeqno   the last seqno sent to it
 * @param receivedSeqno  the last seqno it acknowledged receiving
 * @param durableSeqno   the last seqno it acknowledged as durable (what pins the leader's log)
 * @param appliedSeqno   the last seqno it acknowledged as applied (readable there)
 * @param lagRecords     the leader's durable seqno minus {@code durableSeqno}
 * @param lagBytes       record bytes shipped since it last acknowledged all that was shipped (an upper bound)
 * @param lagMillis      0 when it has acknowledged the leader's durable seqno; else the time since it last had
 * @param connections    connections it has made (a reconnect count + 1)
 * @param fullSyncs      full syncs sent to it (resumed ones included)
 * @param holdDropped    whether its log hold passed the byte cap (it needs a full sync)
 * @param lastError      the last failure of its connection, or null
 */
public record FollowerInfo(String id, String address, String state, long shippedSeqno, long receivedSeqno,
                           long durableSeqno, long appliedSeqno, long lagRecords, long lagBytes, long lagMillis,
                           long connections, long fullSyncs, boolean holdDropped, String lastError) {
}
