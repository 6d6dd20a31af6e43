package dev.strata.replication;

import dev.strata.engine.StrataIOException;
import dev.strata.replication.epoch.EpochStore;
import dev.strata.replication.leader.LeaderCore;
import dev.strata.replication.leader.LeaderSessions;
import dev.strata.replication.leader.SemiSync;
import dev.strata.replication.spi.ReplicationSource;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A replication leader: listens on a TCP port and ships its source's durable commit records to
 * every follower that authenticates (see docs/replication.md). Start it over a database (or over a
 * follower, to chain), read its followers' status, optionally make commits semi-synchronous, and
 * close it. Closing the leader does not close the database.
 *
 * <pre>{@code
 * ReplicationConfig cfg = ReplicationConfig.forCluster("orders").secret(secret);
 * try (Leader leader = Leader.start(source, epochs, workDir, new InetSocketAddress(7400), cfg)) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class Leader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Leader.class);

    private final LeaderCore core;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;
    private final LeaderSessions sessions;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Leader(LeaderCore core, EventLoopGroup boss, EventLoopGroup workers, Channel server, LeaderSessions sessions) {
        this.core = core;
        this.boss = boss;
        this.workers = workers;
        this.server = server;
        this.sessions = sessions;
    }

    /**
     * Starts listening on {@code bind} (port 0 picks a free one, see {@link #port()}).
     *
     * @param epochs  the epoch history of the source's database directory
     * @param workDir where full-sync checkpoints are made; on the database's file system, so they
     *                are hard links
     * @throws dev.strata.engine.InvalidArgumentException if the configuration is invalid (no secret
     *                                                     and not insecure, among others)
     */
    public static Leader start(ReplicationSource source, EpochStore epochs, Path workDir, InetSocketAddress bind,
                               ReplicationConfig config) {
        config.validate();
        if (!config.hasSecret()) {
            LOG.warn("Replication leader on {} runs WITHOUT a shared secret (insecure): anyone who reaches the port "
                    + "can copy the whole database", bind);
        }
        LeaderCore core = new LeaderCore(source, epochs, workDir, config);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("strata-repl-accept", true),
                NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("strata-repl-io", true),
                NioIoHandler.newFactory());
        LeaderSessions sessions = new LeaderSessions(core);
        try {
            Channel server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark()))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(sessions)
                    .bind(bind).syncUninterruptibly().channel();
            LOG.info("Replication leader of cluster '{}' listening on {}", config.clusterId(), server.localAddress());
            return new Leader(core, boss, workers, server, sessions);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            core.close();
            throw new StrataIOException("cannot listen on " + bind, new IOException(e.getMessage(), e));
        }
    }

    /** The port the leader listens on. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Every registered follower's status. */
    public List<FollowerInfo> followers() {
        return core.followers();
    }

    /** Forgets a follower: closes its connection and lets the log it pinned go. */
    public boolean unregister(String followerId) {
        return core.unregister(followerId);
    }

    /**
     * Makes commits wait for {@code requiredAcks} followers' durable acknowledgement, up to
     * {@code timeout}, then {@code policy} decides. Returns the gate (its counters report timeouts).
     */
    public SemiSync semiSync(int requiredAcks, Duration timeout, SemiSync.Policy policy) {
        SemiSync gate = new SemiSync(core, requiredAcks, timeout, policy);
        core.semiSync(gate);
        return gate;
    }

    /** Turns semi-synchronous commits off. */
    public void asynchronous() {
        core.semiSync(null);
    }

    /** Full syncs started (each resume counts once more). */
    public long fullSyncsStarted() {
        return core.fullSyncsStarted();
    }

    /** Full syncs resumed at a file and offset after a broken connection (also counted as started). */
    public long fullSyncsResumed() {
        return core.fullSyncsResumed();
    }

    /**
     * The newest epoch a follower reported that is newer than this leader's (0 if none): when
     * not 0, another node was promoted and this leader is stale (a health check should say so).
     */
    public long newerEpochSeen() {
        return core.newerEpochSeen();
    }

    /** Connections refused: wrong secret, wrong cluster, too many, stale leader. */
    public long rejectedConnections() {
        return core.rejected() + sessions.overCap();
    }

    /** Connections closed because the peer was silent past a timeout. */
    public long timedOutConnections() {
        return core.timeouts();
    }

    /** Connections closed for a malformed, oversized or out-of-turn frame. */
    public long protocolErrors() {
        return core.protocolErrors();
    }

    /** Connections open now. */
    public int openConnections() {
        return sessions.open();
    }

    /** Stops listening, closes every follower connection, deletes full-sync checkpoints. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close().syncUninterruptibly();
        sessions.closeAll();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        core.close();
    }
}
