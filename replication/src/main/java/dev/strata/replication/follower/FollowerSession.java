package dev.strata.replication.follower;

import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import dev.strata.replication.epoch.EpochHistory;
import dev.strata.replication.wire.FrameFormat;
import dev.strata.replication.wire.Handshake;
import dev.strata.replication.wire.Message;
import dev.strata.replication.wire.Messages;
import dev.strata.replication.wire.PeerFailure;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * One connection to the leader, on the follower's event loop: answers the challenge, checks the
 * leader's proof (mutual authentication: a fake leader cannot feed records), sends the hello,
 * refuses a leader whose epoch is older than one this follower has seen, and queues records and
 * full-sync frames for the {@link ReplicaWorker} in arrival order. Acknowledges every heartbeat.
 *
 * <p>Invariants: {@code state} only moves forward and is touched only on the event loop; every
 * frame before the leader's proof other than the expected one closes the connection.
 */
final class FollowerSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FollowerSession.class);

    private enum State { AWAIT_CHALLENGE, AWAIT_AUTH_OK, AWAIT_DECISION, STREAMING, FULL_SYNC }

    private final FollowerCore core;
    private final long generation;
    private final Handshake handshake;
    private State state = State.AWAIT_CHALLENGE;
    private byte[] leaderNonce;
    private byte[] nonce;
    private ScheduledFuture<?> handshakeTimer;

    FollowerSession(FollowerCore core, long generation) {
        this.core = core;
        this.generation = generation;
        this.handshake = new Handshake(core.config.effectiveSecret());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        core.state("HANDSHAKE");
        handshakeTimer = ctx.executor().schedule(() -> {
            core.error("TIMEOUT: the leader did not finish the handshake within " + core.config.handshakeTimeout());
            ctx.close();
        }, core.config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Message m = (Message) msg;
        if (m instanceof Messages.Reject r) {
            core.error(new ReplicationException(r.reason(), "the leader refused this follower: " + r.message()).getMessage());
            LOG.warn("Follower {}: the leader refused it: {} {}", core.followerId, r.reason(), r.message());
            ctx.close();
            return;
        }
        switch (state) {
            case AWAIT_CHALLENGE -> {
                Messages.Challenge c = expect(m, Messages.Challenge.class);
                if (c.version() != FrameFormat.PROTOCOL_VERSION) {
                    throw new ReplicationException(Reason.PROTOCOL, "the leader speaks protocol version " + c.version()
                            + ", this follower " + FrameFormat.PROTOCOL_VERSION);
                }
                leaderNonce = c.nonce();
                nonce = Handshake.nonce();
                state = State.AWAIT_AUTH_OK;
                ctx.writeAndFlush(new Messages.Auth(nonce, handshake.followerProof(leaderNonce, nonce)));
            }
            case AWAIT_AUTH_OK -> {
                Messages.AuthOk ok = expect(m, Messages.AuthOk.class);
                Handshake.check(handshake.leaderProof(leaderNonce, nonce), ok.mac(), "the leader at " + ctx.channel().remoteAddress());
                state = State.AWAIT_DECISION;
                ctx.writeAndFlush(core.hello());
            }
            case AWAIT_DECISION -> decision(ctx, m);
            case STREAMING -> streaming(ctx, m);
            case FULL_SYNC -> fullSync(ctx, m);
        }
    }

    private void decision(ChannelHandlerContext ctx, Message m) {
        if (m instanceof Messages.Continue c) {
            checkEpoch(c.history());
            handshakeTimer.cancel(false);
            state = State.STREAMING;
            core.streaming();
            core.submit(generation, 0, () -> core.epochs.replace(c.history()));
        } else if (m instanceof Messages.FullSync f) {
            checkEpoch(f.history());
            handshakeTimer.cancel(false);
            state = State.FULL_SYNC;
            core.state("FULL_SYNC");
            core.submit(generation, 0, () -> core.receiver.begin(f));
        } else {
            throw new ReplicationException(Reason.PROTOCOL, "expected CONTINUE or FULL_SYNC, got " + m.type());
        }
    }

    private void streaming(ChannelHandlerContext ctx, Message m) {
        if (m instanceof Messages.Records r) {
            long last = r.count() == 0 ? 0 : lastSeqno(r);
            core.received(last, last);
            core.submit(generation, r.length(), () -> core.apply(generation, r));
        } else if (m instanceof Messages.Heartbeat h) {
            core.received(0, h.durableSeqno());
            core.ack(generation);
        } else {
            throw new ReplicationException(Reason.PROTOCOL, "unexpected " + m.type() + " while streaming");
        }
    }

    private void fullSync(ChannelHandlerContext ctx, Message m) {
        if (m instanceof Messages.FileChunk c) {
            core.submit(generation, c.data().length, () -> core.receiver.chunk(c));
            core.ack(generation); // keeps the leader's idle timer quiet during a long copy
        } else if (m instanceof Messages.FullSyncEnd) {
            core.submit(generation, 0, () -> core.fullSyncDone(core.receiver.finish()));
        } else {
            throw new ReplicationException(Reason.PROTOCOL, "unexpected " + m.type() + " during a full sync");
        }
    }

    private void checkEpoch(EpochHistory leaderHistory) {
        long seen = core.epochs.currentEpoch();
        if (leaderHistory.current() < seen) {
            throw new ReplicationException(Reason.STALE_LEADER, "the leader is at epoch " + leaderHistory.current()
                    + ", older than epoch " + seen + " this follower has seen");
        }
    }

    /** The seqno of the last record of a batch (the decoder checked the lengths). */
    private static long lastSeqno(Messages.Records r) {
        ByteBuffer b = ByteBuffer.wrap(r.data(), 0, r.length()).order(ByteOrder.LITTLE_ENDIAN);
        int off = 0;
        for (int i = 0; i < r.count() - 1; i++) {
            off += 4 + b.getInt(off);
        }
        return b.remaining() - off >= 12 ? b.getLong(off + 4) : 0;
    }

    private static <T extends Message> T expect(Message m, Class<T> type) {
        if (!type.isInstance(m)) {
            throw new ReplicationException(Reason.PROTOCOL, "expected " + type.getSimpleName() + ", got " + m.type());
        }
        return type.cast(m);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            core.error("TIMEOUT: nothing from the leader within the idle timeout " + core.config.idleTimeout());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (state == State.AWAIT_CHALLENGE || state == State.AWAIT_AUTH_OK || state == State.AWAIT_DECISION) {
            core.errorIfNone("the leader closed the connection during the handshake (" + state + ")");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = PeerFailure.unwrap(cause);
        core.error(PeerFailure.describe(c));
        PeerFailure.log(LOG, "the connection of follower " + core.followerId + " to", ctx.channel().remoteAddress(), c);
        ctx.close();
    }
}
