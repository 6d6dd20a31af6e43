package dev.strata.replication.spi;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a leader needs from the database it replicates: its durable commit records, a way to wait
 * for new ones, a way to keep them on disk for a follower, and checkpoints for full syncs. The
 * replication module talks to the engine only through this interface (and {@link ReplicaTarget}
 * on the follower side), so the protocol is tested end to end against a real in-memory log. {@code
 * EngineSource} implements it over a {@code StrataDatabase}. A
 * follower serving followers (chaining) is a source too.
 *
 * <p>Thread-safety: every method may be called from any thread, concurrently.
 */
public interface ReplicationSource {
    /** The highest seqno forced to disk: the leader ships nothing above it. */
    long durableSeqno();

    /**
     * Waits until {@link #durableSeqno()} is at least {@code seqno} or the timeout passes.
     *
     * @return whether {@code seqno} is durable
     */
    boolean awaitDurable(long seqno, Duration timeout) throws InterruptedException;

    /**
     * The durable commit records from {@code fromSeqno} on, in seqno order, up to the durable
     * seqno at the time of the call.
     *
     * @throws LogGoneException when {@code fromSeqno} is older than the oldest whole record kept
     *                          (the follower needs a full sync)
     */
    RecordCursor read(long fromSeqno);

    /**
     * Keeps every whole record at or after {@code fromSeqno} on disk for {@code holder} until the
     * hold is advanced, dropped (past the byte cap) or closed.
     *
     * @throws LogGoneException when records from {@code fromSeqno} are no longer kept
     */
    LogHold hold(String holder, long fromSeqno);

    /**
     * Writes an openable copy of the database into {@code dir} (which must not exist), hard-linking
     * what it can.
     */
    Checkpoint checkpoint(Path dir);

    /**
     * Installs {@code gate} on the database's commits (null removes it): the semi-synchronous
     * mode. A source that takes no writes (a follower serving followers) ignores it.
     */
    void commitGate(CommitGate gate);

    /** A checkpoint: its directory and the last commit it holds. */
    record Checkpoint(Path directory, long seqno) {
    }
}
