package dev.strata.replication;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataInterruptedException;
import dev.strata.replication.epoch.EpochStore;
import dev.strata.replication.follower.FollowerCore;
import dev.strata.replication.spi.ReplicaOpener;
import dev.strata.replication.spi.ReplicaTarget;
import dev.strata.replication.spi.ReplicationSource;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A replication follower: keeps a read-only copy of a leader's database in a directory, applying
 * every commit record the leader ships, in seqno order, and reconnecting after any failure (see
 * docs/replication.md). Reads go to {@link #target()}'s database; writes there are refused.
 *
 * <pre>{@code
 * try (Follower f = Follower.start(opener, Path.of("replica"), "replica-1", leaderAddress, cfg)) {
 *     CommitResult r = leaderDb.put(k, v);                 // on the leader
 *     f.awaitApplied(r.seqno(), Duration.ofSeconds(5));    // read-your-writes on the follower
 * }
 * }</pre>
 *
 * <p>A full sync replaces the database in the directory: the old instance is closed (reads on it
 * throw the engine's closed error) and a new one opened; {@link #onReplaced} tells the
 * application. Thread-safe.
 */
public final class Follower implements AutoCloseable {
    private final FollowerCore core;

    private Follower(FollowerCore core) {
        this.core = core;
    }

    /**
     * Opens the database in {@code dir} through {@code opener} (finishing a full-sync swap a crash
     * interrupted) and starts following the leader at {@code leader}.
     *
     * @param followerId names this follower to the leader (stable across restarts: the leader keeps
     *                   log for it under this name); 1 to 255 UTF-8 bytes
     */
    public static Follower start(ReplicaOpener opener, Path dir, String followerId, InetSocketAddress leader,
                                 ReplicationConfig config) {
        config.validate();
        if (followerId == null || followerId.isEmpty() || followerId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            throw new InvalidArgumentException("followerId must be 1 to 255 UTF-8 bytes, was " + followerId);
        }
        if (leader == null || opener == null || dir == null) {
            throw new InvalidArgumentException("opener, directory and leader address must not be null");
        }
        FollowerCore core = new FollowerCore(opener, dir, followerId, leader, config);
        core.start();
        return new Follower(core);
    }

    /** The replica now (a full sync replaces it). */
    public ReplicaTarget target() {
        return core.target();
    }

    /** Called with the new replica after a full sync swapped a new copy in. */
    public void onReplaced(Consumer<ReplicaTarget> listener) {
        core.onReplaced(listener);
    }

    /**
     * Waits until this follower has applied {@code seqno} (for instance the seqno of a commit on
     * the leader), so a read here sees it.
     *
     * @return false if the timeout passed first
     */
    public boolean awaitApplied(long seqno, Duration timeout) {
        try {
            return core.awaitApplied(seqno, timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataInterruptedException("interrupted waiting for seqno " + seqno);
        }
    }

    public FollowerStatus status() {
        return core.status();
    }

    /** This follower's epoch history (shared with a leader chained on it). */
    public EpochStore epochs() {
        return core.epochs();
    }

    /**
     * This follower as a source for followers of its own (chaining): always the current replica,
     * also after a full sync replaced it.
     */
    public ReplicationSource asSource() {
        return core.asSource();
    }

    /**
     * Stops following and makes the database writable: a new epoch starts after the last applied
     * record, written durably before the database accepts writes. Start a {@link Leader} over it
     * to serve the other followers.
     */
    public ReplicaTarget promote() {
        try {
            return core.promote();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataInterruptedException("interrupted while promoting");
        }
    }

    /** Stops following and closes the database. */
    @Override
    public void close() {
        try {
            core.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataInterruptedException("interrupted while closing the follower");
        }
    }
}
