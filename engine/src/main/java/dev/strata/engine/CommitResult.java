package dev.strata.engine;

/**
 * What a committed write returns: its seqno (the MVCC version of every key it wrote, its position
 * in the transaction log and in replication) and its commit timestamp (milliseconds since the
 * epoch, never decreasing in seqno order). Use the seqno as a version or as a read-your-writes
 * token (a follower can wait until it has applied it).
 */
public record CommitResult(long seqno, long timestamp) {
}
