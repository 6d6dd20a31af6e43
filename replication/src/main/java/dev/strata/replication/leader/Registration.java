package dev.strata.replication.leader;

import dev.strata.replication.FollowerInfo;
import dev.strata.replication.spi.LogHold;
import dev.strata.replication.spi.ReplicationSource;

/**
 * One registered follower on the leader: its log hold, acknowledged seqnos, counters and the
 * session currently serving it (at most one: a new connection of the same id replaces the old).
 *
 * <p>Invariants: guarded by {@code this}; acknowledged seqnos never move backwards within a
 * session; the hold is advanced to one below the durable acknowledgement, so the follower's last
 * durable record stays on the leader for the hash check of its next hello.
 */
final class Registration {
    final String id;
    private LogHold hold;
    private LeaderSession session;
    private String address;
    private String state = "DISCONNECTED";
    private long shipped;
    private long shippedBytes;
    private long received;
    private long durable;
    private long applied;
    private long caughtUpAt = System.currentTimeMillis();
    private long connections;
    private long fullSyncs;
    private boolean holdDropped;
    private String lastError;
    /** The checkpoint seqno of the last full sync sent, and its id: a hello naming it needs no hash check. */
    private long syncId;
    private long syncSeqno = -1;
    private boolean needsFullSync;

    Registration(String id) {
        this.id = id;
    }

    /** Makes {@code s} the serving session; returns the one it replaces (to close), or null. */
    synchronized LeaderSession attach(LeaderSession s, String address) {
        LeaderSession old = session;
        session = s;
        this.address = address;
        state = "CONNECTED";
        connections++;
        received = durable = applied = 0;
        shippedBytes = 0;
        return old;
    }

    synchronized void detach(LeaderSession s, String error) {
        if (session == s) {
            session = null;
            address = null;
            state = "DISCONNECTED";
            if (error != null) {
                lastError = error;
            }
        }
    }

    synchronized boolean isServedBy(LeaderSession s) {
        return session == s;
    }

    synchronized void state(String state) {
        this.state = state;
    }

    /** The hold, created at {@code fromSeqno} if there is none (or the old one was dropped). */
    synchronized LogHold ensureHold(ReplicationSource source, long fromSeqno) {
        if (hold != null && hold.dropped()) {
            hold.close();
            hold = null;
        }
        if (hold == null) {
            hold = source.hold("follower:" + id, Math.max(1, fromSeqno));
            holdDropped = false;
        }
        return hold;
    }

    /** Replaces the hold (a full sync holds the log from its checkpoint). */
    synchronized void replaceHold(LogHold h) {
        if (hold != null) {
            hold.close();
        }
        hold = h;
        holdDropped = false;
    }

    /** Whether the hold was dropped past the byte cap (noted for status). */
    synchronized boolean checkDropped() {
        if (hold != null && hold.dropped()) {
            holdDropped = true;
        }
        return holdDropped;
    }

    synchronized void shipped(long seqno, long bytes) {
        shipped = seqno;
        shippedBytes += bytes;
    }

    /** A session continues after {@code seqno}: the follower holds everything up to it. */
    synchronized void streamingFrom(long seqno) {
        shipped = seqno;
        shippedBytes = 0;
        state = "STREAMING";
    }

    /**
     * Records an acknowledgement. Each seqno is capped at what this session shipped (or the
     * follower had when it started), so a follower cannot claim more than it was sent: its
     * acknowledgement never counts above the leader's durable seqno, for the hold or semi-sync.
     */
    synchronized void acked(long received, long durable, long applied, long leaderDurable) {
        received = Math.min(received, shipped);
        durable = Math.min(durable, shipped);
        applied = Math.min(applied, shipped);
        this.received = Math.max(this.received, received);
        this.applied = Math.max(this.applied, applied);
        if (durable > this.durable) {
            this.durable = durable;
            if (hold != null) {
                hold.advance(durable - 1);
            }
        }
        if (this.durable >= leaderDurable) {
            caughtUpAt = System.currentTimeMillis();
        }
        if (this.durable >= shipped) {
            shippedBytes = 0; // everything shipped is acknowledged: no bytes in flight
        }
    }

    synchronized long durable() {
        return durable;
    }

    synchronized boolean needsFullSync() {
        return needsFullSync;
    }

    synchronized void needsFullSync(boolean on) {
        needsFullSync = on;
    }

    synchronized void fullSyncStarted(long id, long seqno) {
        needsFullSync = false;
        fullSyncs++;
        syncId = id;
        syncSeqno = seqno;
        state = "FULL_SYNC";
    }

    /** Whether a follower at {@code seqno} names the full sync this leader sent it last. */
    synchronized boolean finishedSync(long id, long seqno) {
        return id != 0 && id == syncId && seqno == syncSeqno;
    }

    synchronized void error(String error) {
        lastError = error;
    }

    synchronized void closeHold() {
        if (hold != null) {
            hold.close();
            hold = null;
        }
    }

    synchronized LeaderSession session() {
        return session;
    }

    synchronized FollowerInfo info(long leaderDurable) {
        long now = System.currentTimeMillis();
        long lagMillis = durable >= leaderDurable ? 0 : now - caughtUpAt;
        long lagBytes = durable >= shipped ? 0 : shippedBytes;
        return new FollowerInfo(id, address, state, shipped, received, durable, applied,
                Math.max(0, leaderDurable - durable), lagBytes, lagMillis, connections, fullSyncs, checkDropped(), lastError);
    }
}
