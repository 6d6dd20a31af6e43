package dev.strata.replication.leader;

import dev.strata.replication.ReplicationConfig;
import dev.strata.replication.wire.FrameDecoder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds each accepted connection's pipeline (TLS if configured, the reader-idle timeout, the
 * frame codec, a {@link LeaderSession}) and enforces the connection cap: a connection past
 * {@code maxConnections} is closed at accept, before it can send a byte that is read.
 */
@ChannelHandler.Sharable
public final class LeaderSessions extends ChannelInitializer<SocketChannel> {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderSessions.class);

    private final LeaderCore core;
    private final ChannelGroup channels = new DefaultChannelGroup("strata-followers", GlobalEventExecutor.INSTANCE);
    private final AtomicLong overCap = new AtomicLong();

    public LeaderSessions(LeaderCore core) {
        this.core = core;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ReplicationConfig config = core.config;
        if (channels.size() >= config.maxConnections()) {
            overCap.incrementAndGet();
            LOG.warn("Refusing replication connection from {}: {} connections open (maxConnections)",
                    ch.remoteAddress(), channels.size());
            ch.close();
            return;
        }
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (config.sslContext() != null) {
            p.addLast("tls", config.sslContext().newHandler(ch.alloc()));
        }
        p.addLast("idle", new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        FrameDecoder.install(p, config.maxFrameSize());
        p.addLast("session", new LeaderSession(core));
    }

    public long overCap() {
        return overCap.get();
    }

    public int open() {
        return channels.size();
    }

    public void closeAll() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
