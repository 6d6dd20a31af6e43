package dev.strata.replication.spi;

/**
 * Called on a writer's thread after its commit is durable locally and before it is acknowledged:
 * returning acknowledges it, throwing a {@link dev.strata.engine.StrataException} fails it (the
 * commit stays durable and will replicate; only the writer is told it was not replicated in
 * time). The leader's semi-synchronous mode installs one.
 */
@FunctionalInterface
public interface CommitGate {
    void awaitReplicated(long seqno);
}
