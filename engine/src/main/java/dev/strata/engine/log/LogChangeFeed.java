package dev.strata.engine.log;

import dev.strata.engine.ClosedException;
import dev.strata.engine.event.ChangeEvent;
import dev.strata.engine.event.ChangeListener;
import dev.strata.engine.event.ChangeOverflow;
import dev.strata.engine.event.ChangeType;
import dev.strata.engine.event.Subscription;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.wal.CommitRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A durable, resumable change subscription ({@code db.subscribe(prefix, fromSeqno, listener)}):
 * replays the changes under a prefix from the WAL starting at {@code fromSeqno}, then follows new
 * commits as they become durable, in seqno order, on its own thread. The consumer stores the
 * seqno it has processed and resubscribes from the next one after a restart: delivery is at
 * least once (a change is delivered again if the consumer stopped before storing its seqno).
 *
 * <p>It reads the log instead of queueing changes, so a slow listener never loses changes; it
 * only falls behind. A {@link WalHold} keeps the records it has not delivered yet (bounded by
 * {@code maxFollowerRetainedBytes}); if the hold is dropped the feed cannot go on: the listener
 * gets {@link ChangeListener#onOverflow} for the seqnos it will miss and the feed closes.
 */
public final class LogChangeFeed implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(LogChangeFeed.class);
    private static final long POLL_NANOS = 200_000_000L;

    /** Waits until a seqno is durable (the database's {@code awaitDurable}). */
    @FunctionalInterface
    public interface DurableWait {
        boolean await(long seqno, long nanos) throws InterruptedException;
    }

    private final CommitRecordCursor cursor;
    private final WalHold hold;
    private final byte[] prefix;
    private final ChangeListener listener;
    private final DurableWait durable;
    private final long startSeqno;
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean open = true;
    private final Thread thread;

    LogChangeFeed(CommitRecordCursor cursor, WalHold hold, byte[] prefix, long fromSeqno, ChangeListener listener,
                  DurableWait durable, String name) {
        this.cursor = cursor;
        this.hold = hold;
        this.prefix = prefix.clone();
        this.listener = listener;
        this.durable = durable;
        this.startSeqno = fromSeqno;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long next = startSeqno;
        try {
            while (open) {
                if (cursor.next()) {
                    deliver(cursor.buffer(), cursor.offset(), cursor.length(), cursor.seqno(), cursor.timestamp());
                    next = cursor.seqno() + 1;
                    if (hold != null) {
                        hold.advance(cursor.seqno());
                    }
                    continue;
                }
                if (hold != null && hold.dropped()) {
                    listener.onOverflow(new ChangeOverflow(next, Long.MAX_VALUE, -1));
                    break;
                }
                durable.await(next, POLL_NANOS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedException e) {
            // The database closed: the feed ends with it.
        } catch (RuntimeException e) {
            LOG.warn("Change feed from seqno {} stopped at seqno {}", startSeqno, next, e);
            listener.onOverflow(new ChangeOverflow(next, Long.MAX_VALUE, -1));
        } finally {
            open = false;
            cursor.close();
            if (hold != null) {
                hold.close();
            }
        }
    }

    private void deliver(byte[] buf, int off, int len, long seqno, long ts) {
        try {
            CommitRecord.decode(buf, off, len, new CommitRecord.OpVisitor() {
                @Override
                public void put(int cf, byte[] b, int kOff, int kLen, int vOff, int vLen, long expiresAt) {
                    if (cf == 0 && startsWithPrefix(b, kOff, kLen)) {
                        emit(new ChangeEvent(seqno, ts, cf, ChangeType.PUT, Arrays.copyOfRange(b, kOff, kOff + kLen),
                                Arrays.copyOfRange(b, vOff, vOff + vLen), null, expiresAt));
                    }
                }

                @Override
                public void delete(int cf, byte[] b, int kOff, int kLen) {
                    if (cf == 0 && startsWithPrefix(b, kOff, kLen)) {
                        emit(new ChangeEvent(seqno, ts, cf, ChangeType.REMOVE, Arrays.copyOfRange(b, kOff, kOff + kLen),
                                null, null, 0));
                    }
                }

                @Override
                public void deleteRange(int cf, byte[] b, int sOff, int sLen, int eOff, int eLen) {
                    if (cf == 0 && rangeTouchesPrefix(b, sOff, sLen, eOff, eLen)) {
                        emit(new ChangeEvent(seqno, ts, cf, ChangeType.DELETE_RANGE, Arrays.copyOfRange(b, sOff, sOff + sLen),
                                null, Arrays.copyOfRange(b, eOff, eOff + eLen), 0));
                    }
                }
            }, null);
        } catch (ByteReader.Malformed m) {
            throw new IllegalStateException("commit record " + seqno + " does not decode at " + m.offset, m);
        }
    }

    private void emit(ChangeEvent e) {
        listener.onChange(e);
        delivered.incrementAndGet();
    }

    private boolean startsWithPrefix(byte[] b, int off, int len) {
        return len >= prefix.length && Arrays.equals(b, off, off + prefix.length, prefix, 0, prefix.length);
    }

    /** Whether [start, end) holds a key with the prefix: start below the prefix's end, end above the prefix. */
    private boolean rangeTouchesPrefix(byte[] b, int sOff, int sLen, int eOff, int eLen) {
        if (prefix.length == 0) {
            return true;
        }
        boolean endAbove = Bytes.compare(b, eOff, eLen, prefix, 0, prefix.length) > 0;
        if (!endAbove) {
            return false;
        }
        if (startsWithPrefix(b, sOff, sLen)) {
            return true;
        }
        return Bytes.compare(b, sOff, sLen, prefix, 0, prefix.length) < 0;
    }

    @Override
    public long startSeqno() {
        return startSeqno;
    }

    @Override
    public long delivered() {
        return delivered.get();
    }

    @Override
    public long dropped() {
        return 0;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
