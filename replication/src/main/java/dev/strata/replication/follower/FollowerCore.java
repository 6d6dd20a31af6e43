package dev.strata.replication.follower;

import java.util.concurrent.RejectedExecutionException;
import dev.strata.engine.StrataException;
import dev.strata.replication.FollowerStatus;
import dev.strata.replication.ReplicationConfig;
import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import dev.strata.replication.epoch.EpochStore;
import dev.strata.replication.spi.LogGoneException;
import dev.strata.replication.spi.LogHold;
import dev.strata.replication.spi.RecordCursor;
import dev.strata.replication.spi.ReplicaOpener;
import dev.strata.replication.spi.ReplicaTarget;
import dev.strata.replication.spi.ReplicationSource;
import dev.strata.replication.wire.FrameDecoder;
import dev.strata.replication.wire.Messages;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The follower's machinery behind the public {@code Follower}: connects to the leader (and
 * reconnects after any failure with exponential backoff and jitter), runs one
 * {@link FollowerSession} per connection, applies what arrives on its {@link ReplicaWorker}
 * (records in seqno order, idempotently; full-sync files into staging, then the swap) and keeps
 * the status.
 *
 * <p>Invariants: {@code generation} increases with every connection; only the worker thread
 * applies records or replaces {@code target}; {@code monitor} guards the wait for applied seqnos
 * and is notified after every batch; a record is applied only when its seqno is exactly the
 * applied seqno + 1 (a duplicate is skipped, a gap closes the connection).
 */
public final class FollowerCore {
    private static final Logger LOG = LoggerFactory.getLogger(FollowerCore.class);
    /** The name of the hold a follower keeps on its own log, so its last record's hash can be read. */
    static final String SELF_HOLD = "replication-self";

    final ReplicationConfig config;
    final String followerId;
    final InetSocketAddress leader;
    final Path dir;
    final EpochStore epochs;
    final FullSyncReceiver receiver;
    private final ReplicaOpener opener;
    private final ReplicaWorker worker;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Object monitor = new Object();
    private final Object closeLock = new Object();
    private final CopyOnWriteArrayList<Consumer<ReplicaTarget>> replacedListeners = new CopyOnWriteArrayList<>();

    private volatile ReplicaTarget target;
    private volatile LogHold selfHold;
    private volatile Channel channel;
    private volatile long generation;
    private volatile boolean stopped;
    /** Set when a full sync finished: the reconnect that follows is immediate, not backed off. */
    private volatile boolean reconnectNow;
    private volatile String state = "CONNECTING";
    private volatile String lastError;
    private volatile long lastErrorGeneration;
    private volatile long received;
    private volatile long leaderDurable;
    private volatile long caughtUpAt = System.currentTimeMillis();
    private volatile long completedSyncId;
    private volatile long completedSyncSeqno = -1;
    private long lastHashSeqno = -1;
    private int lastHash;
    private int attempts;
    private long progressMark;
    private long connections;
    private long fullSyncs;
    private long duplicates;
    private long gaps;

    public FollowerCore(ReplicaOpener opener, Path dir, String followerId, InetSocketAddress leader, ReplicationConfig config) {
        this.opener = opener;
        this.dir = dir;
        this.followerId = followerId;
        this.leader = leader;
        this.config = config;
        StagedSwap.finishInterrupted(dir);
        this.epochs = new EpochStore(dir);
        this.receiver = new FullSyncReceiver(dir);
        this.target = opener.open(dir);
        this.selfHold = holdOwnLog(target);
        this.worker = new ReplicaWorker("strata-repl-apply-" + dir.getFileName(), new ReplicaWorker.Listener() {
            public void done(long gen, int bytes, Exception failure) {
                taskDone(gen, failure);
            }

            public long currentGeneration() {
                return generation;
            }
        });
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("strata-repl-follower", true),
                NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.handshakeTimeout().toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (config.sslContext() != null) {
                            ch.pipeline().addLast("tls", config.sslContext().newHandler(ch.alloc(), leader.getHostString(), leader.getPort()));
                        }
                        ch.pipeline().addLast("idle", new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                        FrameDecoder.install(ch.pipeline(), config.maxFrameSize());
                        ch.pipeline().addLast("session", new FollowerSession(FollowerCore.this, ++generation));
                    }
                });
    }

    public void start() {
        worker.start();
        connect();
    }

    // ---------------------------------------------------------------- connections

    private void connect() {
        if (stopped) {
            return;
        }
        state = "CONNECTING";
        ChannelFuture f = bootstrap.connect(leader);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                lastError = "cannot connect to " + leader + ": " + done.cause();
                scheduleReconnect(false);
            } else {
                Channel ch = f.channel();
                synchronized (this) {
                    connections++;
                }
                channel = ch;
                ch.closeFuture().addListener(closed -> disconnected(ch));
            }
        });
    }

    private void disconnected(Channel ch) {
        if (channel == ch) {
            channel = null;
        }
        if (!stopped) {
            state = "DISCONNECTED";
            boolean now = reconnectNow;
            reconnectNow = false;
            scheduleReconnect(now);
        }
    }

    /** Reconnects after the backoff delay (min * 2^attempts, capped, with jitter), or at once. */
    void scheduleReconnect(boolean immediately) {
        if (stopped || group.isShuttingDown()) {
            return;
        }
        long delay;
        synchronized (this) {
            long min = config.reconnectMin().toMillis();
            long max = config.reconnectMax().toMillis();
            long base = Math.min(max, min << Math.min(20, attempts));
            attempts++;
            delay = immediately ? 0 : base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        }
        try {
            group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Not reconnecting: the follower is closing");
        }
    }

    /** A session reached streaming (the backoff resets once records are applied). */
    void streaming() {
        state = "STREAMING";
    }

    void state(String s) {
        state = s;
    }

    void error(String e) {
        lastError = e;
        lastErrorGeneration = generation;
    }

    /** Records {@code e} unless this connection already recorded why it failed. */
    void errorIfNone(String e) {
        if (lastErrorGeneration != generation) {
            lastError = e;
        }
    }

    // ---------------------------------------------------------------- the hello

    Messages.Hello hello() {
        ReplicaTarget t = target;
        long applied = t.appliedSeqno();
        long[] resume = receiver.resumePoint();
        long syncId = 0;
        int file = -1;
        long offset = 0;
        if (resume != null) {
            syncId = resume[0];
            file = (int) resume[1];
            offset = resume[2];
        } else if (completedSyncId != 0 && completedSyncSeqno == applied) {
            syncId = completedSyncId;
        }
        return new Messages.Hello(config.clusterId(), followerId, epochs.currentEpoch(), applied, hashOf(t, applied),
                syncId, file, offset);
    }

    private int hashOf(ReplicaTarget t, long seqno) {
        synchronized (monitor) {
            if (seqno == lastHashSeqno) {
                return lastHash;
            }
        }
        if (seqno == 0) {
            return 0;
        }
        try (RecordCursor c = t.source().read(seqno)) {
            if (c.next() && c.seqno() == seqno) {
                return crc(c.buffer(), c.offset(), c.length());
            }
        } catch (LogGoneException e) {
            LOG.info("Follower {} no longer has its record {}; the leader will decide on a full sync", followerId, seqno);
        }
        return 0;
    }

    // ---------------------------------------------------------------- work arriving from a session

    void submit(long gen, int bytes, ReplicaWorker.Task task) {
        worker.submit(gen, bytes, task);
        if (worker.queuedBytes() > config.applyQueueBytes()) {
            Channel ch = channel;
            if (ch != null) {
                ch.config().setAutoRead(false);
            }
        }
    }

    private void taskDone(long gen, Exception failure) {
        Channel ch = channel;
        if (failure != null && gen == generation) {
            String why = failure instanceof StrataException ? failure.getMessage() : failure.toString();
            LOG.warn("Follower {}: {}; closing the connection to resync", followerId, why);
            lastError = why;
            if (ch != null) {
                ch.close();
            }
        } else if (ch != null && !ch.config().isAutoRead() && worker.queuedBytes() <= config.applyQueueBytes() / 2) {
            ch.config().setAutoRead(true);
        }
    }

    void received(long seqno, long leaderDurableSeqno) {
        received = Math.max(received, seqno);
        leaderDurable = Math.max(leaderDurable, leaderDurableSeqno);
    }

    /** Applies a batch of records on the worker (the task {@link FollowerSession} queues). */
    void apply(long gen, Messages.Records batch) {
        ReplicaTarget t = target;
        ByteBuffer b = ByteBuffer.wrap(batch.data(), 0, batch.length()).order(ByteOrder.LITTLE_ENDIAN);
        try {
            for (int i = 0; i < batch.count(); i++) {
                int len = b.getInt();
                int off = b.position();
                if (len < 24) {
                    throw new ReplicationException(Reason.PROTOCOL, "a commit record of " + len + " bytes is shorter than its header");
                }
                long seqno = b.getLong(off);
                b.position(off + len);
                long applied = t.appliedSeqno();
                if (seqno <= applied) {
                    synchronized (this) {
                        duplicates++;
                    }
                    continue;
                }
                if (seqno != applied + 1) {
                    synchronized (this) {
                        gaps++;
                    }
                    throw new ReplicationException(Reason.PROTOCOL, "record " + seqno + " arrived after " + applied + " (a gap)");
                }
                t.apply(batch.data(), off, len);
                synchronized (monitor) {
                    lastHashSeqno = seqno;
                    lastHash = crc(batch.data(), off, len);
                }
            }
        } finally {
            applied(gen);
        }
    }

    /** After a batch: wakes waiters, lets the own log go up to the record before, acknowledges. */
    void applied(long gen) {
        ReplicaTarget t = target;
        long applied = t.appliedSeqno();
        synchronized (this) {
            if (applied > progressMark) {
                progressMark = applied;
                attempts = 0; // progress: the next failure starts the backoff from its minimum again
            }
        }
        LogHold h = selfHold;
        if (h != null && applied > 1) {
            h.advance(applied - 1);
        }
        if (applied >= leaderDurable) {
            caughtUpAt = System.currentTimeMillis();
        }
        synchronized (monitor) {
            monitor.notifyAll();
        }
        ack(gen);
    }

    void ack(long gen) {
        Channel ch = channel;
        if (ch != null && gen == generation && ch.isActive()) {
            ReplicaTarget t = target;
            ch.writeAndFlush(new Messages.Ack(received, t.durableSeqno(), t.appliedSeqno()));
        }
    }

    /** Swaps a finished full sync in: closes the database, renames, reopens; then reconnects. */
    void fullSyncDone(Messages.FullSync m) {
        ReplicaTarget old = target;
        LogHold h = selfHold;
        if (h != null) {
            h.close();
        }
        old.close();
        StagedSwap.swap(dir);
        epochs.reload();
        ReplicaTarget fresh = opener.open(dir);
        target = fresh;
        selfHold = holdOwnLog(fresh);
        synchronized (this) {
            fullSyncs++;
        }
        completedSyncId = m.syncId();
        completedSyncSeqno = fresh.appliedSeqno();
        synchronized (monitor) {
            lastHashSeqno = -1;
            monitor.notifyAll();
        }
        LOG.info("Follower {} swapped in full sync {} at seqno {}", followerId, Long.toHexString(m.syncId()), fresh.appliedSeqno());
        for (Consumer<ReplicaTarget> l : replacedListeners) {
            l.accept(fresh);
        }
        Channel ch = channel;
        if (ch != null) {
            reconnectNow = true;
            ch.close(); // reconnects; the hello names the finished sync and continues after it
        }
    }

    /**
     * Holds this follower's own log from its last applied record, so the next hello can send
     * that record's hash; from the next seqno when the record is already gone (after a full sync
     * the copy's log may start later).
     */
    private LogHold holdOwnLog(ReplicaTarget t) {
        long applied = t.appliedSeqno();
        try {
            return t.source().hold(SELF_HOLD, Math.max(1, applied));
        } catch (LogGoneException e) {
            return t.source().hold(SELF_HOLD, applied + 1);
        }
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }

    // ---------------------------------------------------------------- the public face

    public ReplicaTarget target() {
        return target;
    }

    public EpochStore epochs() {
        return epochs;
    }

    public ReplicationSource asSource() {
        return new CurrentSource(this::target);
    }

    public void onReplaced(Consumer<ReplicaTarget> listener) {
        replacedListeners.add(listener);
    }

    public boolean awaitApplied(long seqno, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (monitor) {
            while (target.appliedSeqno() < seqno) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                monitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return true;
        }
    }

    public synchronized FollowerStatus status() {
        ReplicaTarget t = target;
        long applied = t.appliedSeqno();
        long lagMillis = applied >= leaderDurable ? 0 : System.currentTimeMillis() - caughtUpAt;
        Channel ch = channel;
        return new FollowerStatus(state, leader.toString(), ch != null && ch.isActive(), epochs.currentEpoch(), applied,
                t.durableSeqno(), received, leaderDurable, Math.max(0, leaderDurable - applied), lagMillis,
                Math.max(0, connections - 1), fullSyncs, duplicates, gaps, lastError);
    }

    /** Stops following: closes the connection, finishes queued work. The database stays open. */
    public void stop() throws InterruptedException {
        stopped = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        worker.drain();
        worker.stop();
        receiver.abandon();
    }

    /** Promotes: stops following, starts a new epoch after the last applied record, makes the database writable. */
    public ReplicaTarget promote() throws InterruptedException {
        stop();
        ReplicaTarget t = target;
        epochs.promote(t.appliedSeqno() + 1);
        LogHold h = selfHold;
        if (h != null) {
            h.close();
            selfHold = null;
        }
        t.promote();
        state = "PROMOTED";
        LOG.info("Follower {} promoted to leader at seqno {}, epoch {}", followerId, t.appliedSeqno(), epochs.currentEpoch());
        return t;
    }

    public void close() throws InterruptedException {
        synchronized (closeLock) { // not this: the worker takes this while close waits for it to drain
            if ("CLOSED".equals(state)) {
                return;
            }
            if (!"PROMOTED".equals(state)) {
                stop();
            }
            LogHold h = selfHold;
            if (h != null) {
                h.close();
            }
            target.close();
            state = "CLOSED";
        }
    }

    long generation() {
        return generation;
    }

    boolean stopped() {
        return stopped;
    }
}
