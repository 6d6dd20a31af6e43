package dev.strata.replication.leader;

import dev.strata.engine.StrataInterruptedException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import dev.strata.replication.spi.CommitGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Semi-synchronous commit: a commit is acknowledged to its writer only once {@code requiredAcks}
 * registered followers have acknowledged it durable, or after {@code timeout} per the policy:
 * {@link Policy#FAIL} fails the writer's call (the commit itself stays durable on the leader and
 * still replicates), {@link Policy#DEGRADE} acknowledges it and switches to asynchronous mode
 * until enough followers catch up with the last degraded commit (as MySQL's semi-sync falls back),
 * so a lost follower costs one timeout, not one per commit. Both are counted.
 *
 * <p>Invariants: {@code degradedAt} (guarded by {@code this}) is 0 when not degraded; waiters
 * wait on {@code this} and are woken by every acknowledgement.
 */
public final class SemiSync implements CommitGate {
    private static final Logger LOG = LoggerFactory.getLogger(SemiSync.class);

    /** What a commit that timed out waiting for followers gets. */
    public enum Policy { FAIL, DEGRADE }

    private final LeaderCore core;
    private final int requiredAcks;
    private final long timeoutNanos;
    private final Policy policy;
    private long degradedAt;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong degradedCommits = new AtomicLong();

    public SemiSync(LeaderCore core, int requiredAcks, Duration timeout, Policy policy) {
        if (requiredAcks < 1 || timeout == null || timeout.isNegative() || timeout.isZero() || policy == null) {
            throw new InvalidArgumentException("semi-sync needs requiredAcks >= 1, a positive timeout and a policy; were "
                    + requiredAcks + ", " + timeout + ", " + policy);
        }
        this.core = core;
        this.requiredAcks = requiredAcks;
        this.timeoutNanos = timeout.toNanos();
        this.policy = policy;
    }

    @Override
    public void awaitReplicated(long seqno) {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (this) {
            if (degradedAt > 0) {
                if (acks(degradedAt) >= requiredAcks) {
                    LOG.info("Semi-sync: {} followers caught up; commits wait for them again", requiredAcks);
                    degradedAt = 0;
                } else {
                    degradedAt = Math.max(degradedAt, seqno);
                    degradedCommits.incrementAndGet();
                    return;
                }
            }
            while (acks(seqno) < requiredAcks) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    timedOut.incrementAndGet();
                    if (policy == Policy.FAIL) {
                        throw new ReplicationException(Reason.SEMI_SYNC_TIMEOUT, "commit " + seqno + " was not acknowledged by "
                                + requiredAcks + " follower(s) within " + Duration.ofNanos(timeoutNanos)
                                + "; it is durable on the leader and will still replicate");
                    }
                    LOG.warn("Semi-sync: commit {} not acknowledged by {} follower(s) within {}; degrading to asynchronous",
                            seqno, requiredAcks, Duration.ofNanos(timeoutNanos));
                    degradedAt = seqno;
                    degradedCommits.incrementAndGet();
                    return;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StrataInterruptedException("interrupted waiting for follower acknowledgements of commit " + seqno);
                }
            }
            acknowledged.incrementAndGet();
        }
    }

    private int acks(long seqno) {
        int n = 0;
        for (long d : core.acknowledgedDurable()) {
            if (d >= seqno) {
                n++;
            }
        }
        return n;
    }

    synchronized void onAck() {
        notifyAll();
    }

    /** Commits acknowledged after enough followers made them durable. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Commits that reached the timeout (failed under FAIL, degraded under DEGRADE). */
    public long timedOut() {
        return timedOut.get();
    }

    /** Commits acknowledged without waiting because the gate was degraded (including the one that timed out). */
    public long degradedCommits() {
        return degradedCommits.get();
    }

    /** Whether the gate is degraded to asynchronous now. */
    public synchronized boolean degraded() {
        return degradedAt > 0;
    }

    public int requiredAcks() {
        return requiredAcks;
    }

    public Policy policy() {
        return policy;
    }
}
