package dev.strata.replication.follower;

import dev.strata.replication.spi.CommitGate;
import dev.strata.replication.spi.LogHold;
import dev.strata.replication.spi.RecordCursor;
import dev.strata.replication.spi.ReplicaTarget;
import dev.strata.replication.spi.ReplicationSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A follower seen as a source for followers of its own (chaining): every call goes to the replica
 * current at that moment, so a leader chained on a follower keeps working after a full sync
 * replaced the follower's database (a cursor or hold taken on the old one fails or lapses, and the
 * chained follower reconnects). A follower takes no writes of its own, so a commit gate is
 * meaningless here and ignored.
 */
final class CurrentSource implements ReplicationSource {
    private final Supplier<ReplicaTarget> current;

    CurrentSource(Supplier<ReplicaTarget> current) {
        this.current = current;
    }

    private ReplicationSource source() {
        return current.get().source();
    }

    @Override
    public long durableSeqno() {
        return source().durableSeqno();
    }

    @Override
    public boolean awaitDurable(long seqno, Duration timeout) throws InterruptedException {
        return source().awaitDurable(seqno, timeout);
    }

    @Override
    public RecordCursor read(long fromSeqno) {
        return source().read(fromSeqno);
    }

    @Override
    public LogHold hold(String holder, long fromSeqno) {
        return source().hold(holder, fromSeqno);
    }

    @Override
    public Checkpoint checkpoint(Path dir) {
        return source().checkpoint(dir);
    }

    @Override
    public void commitGate(CommitGate gate) {
        // A follower takes no writes of its own.
    }
}
