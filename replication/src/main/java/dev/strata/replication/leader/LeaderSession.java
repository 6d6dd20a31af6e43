package dev.strata.replication.leader;

import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import dev.strata.replication.wire.FrameFormat;
import dev.strata.replication.wire.Handshake;
import dev.strata.replication.wire.Message;
import dev.strata.replication.wire.Messages;
import dev.strata.replication.wire.PeerFailure;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One follower connection on the leader, from accept to close: sends the challenge, checks the
 * follower's proof before anything else (any other frame first closes the connection), answers
 * with its own proof, takes the hello and hands the connection to a {@link Shipper} thread; then
 * receives acknowledgements. Runs on the channel's event loop, so it never blocks: the log is read
 * and checkpoints are taken on the shipper's thread.
 *
 * <p>Invariants: {@code state} only moves forward (AWAIT_AUTH, AWAIT_HELLO, ACTIVE) and is touched
 * only on the event loop; the handshake timer is cancelled once the hello arrived.
 */
final class LeaderSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderSession.class);

    private enum State { AWAIT_AUTH, AWAIT_HELLO, ACTIVE }

    private final LeaderCore core;
    private final Handshake handshake;
    private final byte[] nonce = Handshake.nonce();
    private State state = State.AWAIT_AUTH;
    private Channel channel;
    private ScheduledFuture<?> handshakeTimer;
    private volatile Shipper shipper;
    private volatile Registration registration;
    private volatile String closeReason;

    LeaderSession(LeaderCore core) {
        this.core = core;
        this.handshake = new Handshake(core.config.effectiveSecret());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        handshakeTimer = ctx.executor().schedule(() -> {
            core.timeouts.incrementAndGet();
            close("no hello within the handshake timeout " + core.config.handshakeTimeout());
        }, core.config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(new Messages.Challenge(FrameFormat.PROTOCOL_VERSION, nonce));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Message m = (Message) msg;
        switch (state) {
            case AWAIT_AUTH -> {
                if (!(m instanceof Messages.Auth a)) {
                    throw new ReplicationException(Reason.PROTOCOL, m.type() + " before authentication");
                }
                Handshake.check(handshake.followerProof(nonce, a.nonce()), a.mac(), "the follower at " + channel.remoteAddress());
                state = State.AWAIT_HELLO;
                ctx.writeAndFlush(new Messages.AuthOk(handshake.leaderProof(nonce, a.nonce())));
            }
            case AWAIT_HELLO -> {
                if (!(m instanceof Messages.Hello h)) {
                    throw new ReplicationException(Reason.PROTOCOL, m.type() + " before the hello");
                }
                hello(h);
            }
            case ACTIVE -> {
                if (!(m instanceof Messages.Ack a)) {
                    throw new ReplicationException(Reason.PROTOCOL, "a follower may not send " + m.type());
                }
                Registration r = registration;
                if (r != null) {
                    r.acked(a.received(), a.durable(), a.applied(), core.source.durableSeqno());
                    core.onAck();
                }
            }
        }
    }

    private void hello(Messages.Hello h) {
        if (!h.clusterId().equals(core.config.clusterId())) {
            reject(Reason.CLUSTER_MISMATCH, "this leader serves cluster '" + core.config.clusterId()
                    + "', not '" + h.clusterId() + "'");
            return;
        }
        if (h.followerId().isEmpty()) {
            reject(Reason.PROTOCOL, "the follower id must not be empty");
            return;
        }
        Registration r;
        try {
            r = core.register(h.followerId());
        } catch (ReplicationException e) {
            reject(e.reason(), e.getMessage());
            return;
        }
        handshakeTimer.cancel(false);
        state = State.ACTIVE;
        LeaderSession replaced = r.attach(this, String.valueOf(channel.remoteAddress()));
        if (replaced != null) {
            replaced.close("replaced by a new connection of follower " + h.followerId());
        }
        registration = r;
        Shipper s = new Shipper(core, this, r, h);
        shipper = s;
        core.ship(s);
    }

    /** Sends a REJECT and closes (on the event loop or any thread). */
    void reject(Reason reason, String message) {
        core.rejected.incrementAndGet();
        closeReason = reason + ": " + message;
        LOG.warn("Refusing follower at {}: {}", channel.remoteAddress(), closeReason);
        channel.writeAndFlush(new Messages.Reject(reason, message)).addListener(ChannelFutureListener.CLOSE);
    }

    Channel channel() {
        return channel;
    }

    void close(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        channel.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Shipper s = shipper;
        if (s != null) {
            s.wake();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            core.timeouts.incrementAndGet();
            close("no frame from the follower within the idle timeout " + core.config.idleTimeout());
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        Shipper s = shipper;
        if (s != null) {
            s.stop();
        }
        Registration r = registration;
        if (r != null) {
            r.detach(this, closeReason);
        }
        LOG.debug("Follower connection {} closed: {}", ctx.channel().remoteAddress(), closeReason);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = PeerFailure.unwrap(cause);
        if (c instanceof ReplicationException re && re.reason() == Reason.AUTH_FAILED) {
            // Tell the peer why (it learns nothing it did not know), then hang up.
            reject(Reason.AUTH_FAILED, "authentication failed");
            return;
        }
        if (c instanceof ReplicationException || c instanceof TooLongFrameException || cause instanceof DecoderException) {
            core.protocolErrors.incrementAndGet();
        }
        closeReason = PeerFailure.describe(c);
        PeerFailure.log(LOG, "follower connection", ctx.channel().remoteAddress(), c);
        ctx.close();
    }
}
