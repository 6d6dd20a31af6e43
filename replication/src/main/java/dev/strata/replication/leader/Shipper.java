package dev.strata.replication.leader;

import dev.strata.engine.ErrorCode;
import dev.strata.engine.StrataException;
import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import dev.strata.replication.epoch.EpochHistory;
import dev.strata.replication.spi.LogGoneException;
import dev.strata.replication.spi.RecordCursor;
import dev.strata.replication.wire.Message;
import dev.strata.replication.wire.Messages;
import dev.strata.replication.wire.RecordsCompression;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.zip.CRC32C;

/**
 * The thread that serves one follower connection after its hello: decides (continue, full sync,
 * refuse), streams a full sync's files, then ships durable records from the follower's next
 * seqno, first those already in the log (a cursor), then live ones as they become durable, with
 * a heartbeat at least every {@code heartbeatInterval}.
 *
 * <p>Back-pressure: before each frame it waits until the channel is writable (Netty's write-buffer
 * water marks), so at most the high water mark plus one frame is queued per follower; a slow
 * follower slows only its own shipper. It stops when the channel closes, checking at least once
 * per heartbeat interval (it is never interrupted: the source may be doing file I/O).
 */
final class Shipper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);
    /** RECORDS overhead: count u32 and the frame header, with room to spare. */
    private static final int RECORDS_OVERHEAD = 64;

    private final LeaderCore core;
    private final LeaderSession session;
    private final Registration registration;
    private final Messages.Hello hello;
    private final Channel channel;
    private final Object writable = new Object();
    private volatile boolean stopped;

    Shipper(LeaderCore core, LeaderSession session, Registration registration, Messages.Hello hello) {
        this.core = core;
        this.session = session;
        this.registration = registration;
        this.hello = hello;
        this.channel = session.channel();
    }

    void stop() {
        stopped = true;
        wake();
    }

    void wake() {
        synchronized (writable) {
            writable.notifyAll();
        }
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (StoppedException e) {
            LOG.debug("Shipper for follower {} stopped: the connection closed", registration.id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.close("leader shutting down");
        } catch (ReplicationException e) {
            registration.error(e.getMessage());
            if (e.reason() == Reason.RESYNC) {
                registration.needsFullSync(true); // the next hello gets one, whatever it says
            }
            session.reject(e.reason(), e.getMessage());
        } catch (RuntimeException | IOException e) {
            LOG.warn("Shipping to follower {} failed; closing its connection", registration.id, e);
            registration.error(e.toString());
            session.close(e.toString());
        }
    }

    private void serve() throws InterruptedException, IOException {
        EpochHistory history = core.epochs.historyForLeader();
        if (hello.resumeSyncId() != 0 && hello.resumeFile() >= 0) {
            FullSyncFiles.Prepared p = core.fullSyncs.resume(hello.resumeSyncId());
            if (p != null) {
                core.fullSyncsResumed.incrementAndGet();
                LOG.info("Follower {} resumes full sync {} at file {} offset {}", registration.id,
                        Long.toHexString(p.syncId()), hello.resumeFile(), hello.resumeOffset());
                fullSync(p, hello.resumeFile(), hello.resumeOffset());
                return;
            }
        }
        Decision d = registration.finishedSync(hello.resumeSyncId(), hello.lastSeqno()) && hello.epoch() <= history.current()
                ? Decision.afterFullSync(hello.lastSeqno())
                : Decision.decide(history, core.source.durableSeqno(), hello.epoch(), hello.lastSeqno(), hello.lastHash(), this::hashAt);
        LOG.info("Follower {} at seqno {} epoch {}: {}", registration.id, hello.lastSeqno(), hello.epoch(), d);
        switch (d.kind()) {
            case STALE_LEADER -> {
                core.newerEpochSeen.accumulateAndGet(hello.epoch(), Math::max);
                LOG.error("This leader is stale: follower {} has seen epoch {}, this leader is at epoch {}; another node "
                        + "was promoted, so this one must not take writes", registration.id, hello.epoch(), history.current());
                throw new ReplicationException(Reason.STALE_LEADER, d.why());
            }
            case FULL_SYNC -> startFullSync(history);
            case CONTINUE -> {
                if (registration.checkDropped() || registration.needsFullSync()) {
                    startFullSync(history); // its hold passed the byte cap, or its records were found gone
                    return;
                }
                boolean held;
                try {
                    registration.ensureHold(core.source, d.fromSeqno() - 1);
                    held = true;
                } catch (LogGoneException e) {
                    held = false;
                }
                if (!held || !available(d.fromSeqno())) {
                    LOG.info("Follower {}: seqno {} is no longer in the log; full sync", registration.id, d.fromSeqno());
                    startFullSync(history);
                    return;
                }
                stream(d.fromSeqno(), history);
            }
        }
    }

    private void startFullSync(EpochHistory history) throws InterruptedException, IOException {
        fullSync(core.fullSyncs.create(registration, history), 0, 0);
    }

    /** Whether the log still holds {@code seqno} (or it is the next one to be written). */
    private boolean available(long seqno) {
        try (RecordCursor c = core.source.read(seqno)) {
            return true;
        } catch (LogGoneException e) {
            return false;
        }
    }

    private Integer hashAt(long seqno) {
        try (RecordCursor c = core.source.read(seqno)) {
            if (!c.next() || c.seqno() != seqno) {
                return null;
            }
            return hash(c.buffer(), c.offset(), c.length());
        } catch (LogGoneException e) {
            return null;
        }
    }

    /** The hash a hello carries: CRC32C of a commit record's payload. */
    public static int hash(byte[] buf, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(buf, off, len);
        return (int) crc.getValue();
    }

    // ---------------------------------------------------------------- full sync

    private void fullSync(FullSyncFiles.Prepared p, int startFile, long startOffset) throws InterruptedException, IOException {
        try {
            if (startFile > p.files().size() || (startFile < p.files().size() && (startOffset < 0
                    || startOffset > p.files().get(startFile).size()))) {
                throw new ReplicationException(Reason.PROTOCOL, "resume point file " + startFile + " offset " + startOffset
                        + " is outside full sync " + Long.toHexString(p.syncId()));
            }
            core.fullSyncsStarted.incrementAndGet();
            registration.fullSyncStarted(p.syncId(), p.seqno());
            send(new Messages.FullSync(p.syncId(), p.seqno(), p.history(), p.files(), startFile, startOffset));
            int chunk = core.config.chunkBytes();
            for (int i = startFile; i < p.files().size(); i++) {
                Messages.SyncFile f = p.files().get(i);
                long offset = i == startFile ? startOffset : 0;
                try (FileChannel ch = FileChannel.open(p.directory().resolve(f.name()), StandardOpenOption.READ)) {
                    while (offset < f.size()) {
                        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(chunk, f.size() - offset));
                        while (buf.hasRemaining()) {
                            if (ch.read(buf, offset + buf.position()) < 0) {
                                throw new IOException(f.name() + " of full sync " + Long.toHexString(p.syncId()) + " shrank");
                            }
                        }
                        send(new Messages.FileChunk(i, offset, buf.array()));
                        offset += buf.capacity();
                    }
                }
            }
            send(new Messages.FullSyncEnd());
            // The follower swaps the copy in and reconnects; its hello then continues after p.seqno().
        } finally {
            core.fullSyncs.release(p.syncId());
        }
    }

    // ---------------------------------------------------------------- records

    private void stream(long from, EpochHistory history) throws InterruptedException {
        registration.streamingFrom(from - 1);
        send(new Messages.Continue(from, history));
        long next = from;
        long heartbeatNanos = core.config.heartbeatInterval().toNanos();
        long lastBeat = 0;
        int maxRecord = core.config.maxFrameSize() - RECORDS_OVERHEAD;
        while (true) {
            checkOpen();
            if (registration.checkDropped()) {
                throw new ReplicationException(Reason.RESYNC, "follower " + registration.id
                        + " fell further behind than the log the leader keeps for it: it needs a full sync");
            }
            if (core.source.durableSeqno() >= next) {
                next = shipFrom(next, maxRecord);
            }
            long now = System.nanoTime();
            if (now - lastBeat >= heartbeatNanos) {
                send(new Messages.Heartbeat(core.source.durableSeqno(), System.currentTimeMillis()));
                lastBeat = now;
            }
            long wait = Math.max(1, heartbeatNanos - (System.nanoTime() - lastBeat));
            core.source.awaitDurable(next, Duration.ofNanos(Math.min(wait, heartbeatNanos)));
        }
    }

    /** Ships every durable record from {@code next} on; returns the next seqno to ship. */
    private long shipFrom(long next, int maxRecord) throws InterruptedException {
        int batch = core.config.batchBytes();
        ByteBuffer out = newBatch(batch);
        int count = 0;
        try (RecordCursor c = core.source.read(next)) {
            while (c.next()) {
                if (c.seqno() != next) {
                    throw new StrataException(ErrorCode.CORRUPTION, "the log returned seqno "
                            + c.seqno() + " where " + next + " was expected");
                }
                int len = c.length();
                if (len + 4 > maxRecord) {
                    throw new ReplicationException(Reason.PROTOCOL, "commit record " + c.seqno() + " of " + len
                            + " bytes does not fit the maximum frame size " + core.config.maxFrameSize());
                }
                if (count > 0 && out.position() + 4 + len > batch) {
                    sendBatch(out, count, next - 1);
                    out = newBatch(Math.max(batch, len + 4));
                    count = 0;
                }
                if (out.remaining() < 4 + len) {
                    out = grow(out, 4 + len);
                }
                out.putInt(len).put(c.buffer(), c.offset(), len);
                count++;
                next++;
            }
        } catch (LogGoneException e) {
            throw new ReplicationException(Reason.RESYNC, "the log from seqno " + next
                    + " is gone; follower " + registration.id + " needs a full sync", e);
        }
        if (count > 0) {
            sendBatch(out, count, next - 1);
        }
        return next;
    }

    private static ByteBuffer newBatch(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer grow(ByteBuffer b, int extra) {
        ByteBuffer g = newBatch(b.position() + extra);
        b.flip();
        return g.put(b);
    }

    private void sendBatch(ByteBuffer out, int count, long last) throws InterruptedException {
        // A fresh array per frame: the encoder writes it later, on the event loop.
        Messages.Records records = new Messages.Records(count, out.array(), out.position());
        registration.shipped(last, out.position()); // before the send: an ack may come back at once
        send(core.config.compression() ? RecordsCompression.compress(records) : records);
    }

    private void send(Message m) throws InterruptedException {
        synchronized (writable) {
            while (!channel.isWritable()) {
                checkOpen();
                writable.wait(100);
            }
        }
        checkOpen();
        channel.writeAndFlush(m).addListener(f -> {
            if (!f.isSuccess() && channel.isActive()) {
                session.close("cannot send " + m.type() + ": " + f.cause()); // an encoder refusal, say
            }
        });
    }

    private void checkOpen() {
        if (stopped || !channel.isActive()) {
            throw new StoppedException();
        }
    }

    /** The connection closed under the shipper: not an error. */
    private static final class StoppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoppedException() {
            super(null, null, false, false);
        }
    }
}
