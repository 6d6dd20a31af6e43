package dev.strata.replication.engine;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.replication.spi.ReplicaOpener;
import dev.strata.replication.spi.ReplicaTarget;
import dev.strata.replication.spi.ReplicationSource;

/**
 * {@link ReplicaTarget} over a {@link StrataDatabase} opened as a follower
 * ({@code StrataOptions.follower(true)}): user writes are refused with {@code ERR_READ_ONLY};
 * {@code applyReplicated} appends the leader's record to this database's own WAL with the
 * leader's seqno and timestamp and applies it, so the follower's transaction log is the leader's.
 */
public final class EngineReplica implements ReplicaTarget {
    private final StrataDatabase db;
    private final EngineSource source;

    public EngineReplica(StrataDatabase db) {
        this.db = db;
        this.source = new EngineSource(db);
    }

    /**
     * Opens follower databases with {@code options} (which this sets to follower mode; the other
     * options, durability included, are the follower's own).
     */
    public static ReplicaOpener opener(StrataOptions options) {
        return dir -> new EngineReplica(StrataDatabase.open(dir, options.follower(true)));
    }

    /** The follower's database: read from it (a full sync replaces it: see {@code Follower.onReplaced}). */
    public StrataDatabase database() {
        return db;
    }

    @Override
    public long appliedSeqno() {
        return db.latestSeqno();
    }

    @Override
    public long durableSeqno() {
        return db.durableSeqno();
    }

    @Override
    public boolean apply(byte[] buffer, int offset, int length) {
        return db.applyReplicated(buffer, offset, length) != null;
    }

    @Override
    public ReplicationSource source() {
        return source;
    }

    @Override
    public void promote() {
        db.promoteToLeader();
    }

    @Override
    public void close() {
        db.close();
    }
}
