package dev.strata.replication.spi;

/**
 * What a follower needs from the database it keeps: apply a leader's commit record in seqno
 * order (appending it to its own log with the leader's seqno and timestamp), report what it has
 * applied and made durable, read its own records back (for the hello's hash and for followers
 * of its own) and become writable when promoted. {@code EngineReplica}
 * implements it over a {@code StrataDatabase} opened as a follower.
 *
 * <p>Thread-safety: {@link #apply} is called by one thread (the follower's worker); the other
 * methods may be called from any thread.
 */
public interface ReplicaTarget extends AutoCloseable {
    /** The seqno of the last record applied (0 when none). */
    long appliedSeqno();

    /** The seqno of the last record forced to this follower's disk. */
    long durableSeqno();

    /**
     * Applies one commit record.
     *
     * @return false if its seqno is at or below {@link #appliedSeqno()} (a duplicate, skipped)
     * @throws dev.strata.engine.InvalidArgumentException if its seqno leaves a gap
     */
    boolean apply(byte[] buffer, int offset, int length);

    /** This replica as a source, so it can serve followers of its own (chaining). */
    ReplicationSource source();

    /** Makes the replica writable in place: it stops being a follower. */
    void promote();

    @Override
    void close();
}
