package dev.strata.engine.event;

import dev.strata.engine.util.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One subscription of a {@link ChangeFeed}: its prefix, its bounded queue and its delivery. The
 * feed's dispatcher {@link #offer offers} changes without ever waiting; a drain task on the
 * feed's delivery pool hands them to the listener one at a time. When the queue is full, changes
 * are dropped into a gap, which becomes a {@link ChangeOverflow} in the queue once it has room
 * again (half empty, so a listener that stays behind gets few large reports, not many small).
 *
 * <p>Invariants: the queue, the gap and {@link #draining} are guarded by this object; at most one
 * drain task runs, so the listener sees the queue's order.
 */
final class FeedSubscription implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(FeedSubscription.class);

    private final ChangeFeed feed;
    private final int cf;
    private final byte[] prefix;
    /** The first key after every key with the prefix, or null when there is none (all 0xFF). */
    private final byte[] prefixEnd;
    private final ChangeListener listener;
    private final int capacity;
    private final long startSeqno;
    private final Executor delivery;

    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private long gapFirst = -1;
    private long gapLast;
    private long gapCount;
    private boolean draining;
    private volatile boolean open = true;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    FeedSubscription(ChangeFeed feed, int cf, byte[] prefix, ChangeListener listener, int capacity, long startSeqno,
                     Executor delivery) {
        this.feed = feed;
        this.cf = cf;
        this.prefix = prefix;
        this.prefixEnd = successor(prefix);
        this.listener = listener;
        this.capacity = capacity;
        this.startSeqno = startSeqno;
        this.delivery = delivery;
    }

    /** The smallest key greater than every key that starts with {@code prefix}, or null. */
    private static byte[] successor(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] s = Arrays.copyOf(prefix, i + 1);
                s[i]++;
                return s;
            }
        }
        return null;
    }

    /** Whether a change with this seqno is this subscription's. */
    boolean wants(long seqno) {
        return open && seqno > startSeqno;
    }

    /** Whether the key in {@code buf[off, off + len)} of family {@code family} is under the prefix. */
    boolean matchesKey(int family, byte[] buf, int off, int len) {
        return family == cf && len >= prefix.length
                && Arrays.equals(buf, off, off + prefix.length, prefix, 0, prefix.length);
    }

    /** Whether the range [start, end) of family {@code family} removes any key under the prefix. */
    boolean matchesRange(int family, byte[] buf, int sOff, int sLen, int eOff, int eLen) {
        return family == cf
                && Bytes.compare(buf, sOff, sLen, buf, eOff, eLen) < 0
                && Bytes.compare(prefix, 0, prefix.length, buf, eOff, eLen) < 0
                && (prefixEnd == null || Bytes.compare(buf, sOff, sLen, prefixEnd, 0, prefixEnd.length) < 0);
    }

    /** Queues a change, or drops it into the gap when the queue is full. Never waits. */
    void offer(ChangeEvent change) {
        synchronized (this) {
            if (!open) {
                return;
            }
            closeGapIfRoom();
            if (gapFirst < 0 && queue.size() < capacity) {
                queue.add(change);
            } else {
                drop(change.seqno(), 1);
                return;
            }
        }
        scheduleDrain();
    }

    /** A commit whose changes the feed itself had to drop (its own buffer was full): report it. */
    void lost(long seqno) {
        synchronized (this) {
            if (!open) {
                return;
            }
            drop(seqno, 0);
        }
        scheduleDrain();
    }

    /** Puts an open gap's report in the queue once it is half empty. Under this object's lock. */
    private void closeGapIfRoom() {
        if (gapFirst >= 0 && queue.size() <= capacity / 2) {
            queue.add(new ChangeOverflow(gapFirst, gapLast, gapCount));
            gapFirst = -1;
            gapCount = 0;
        }
    }

    /** Under this object's lock. */
    private void drop(long seqno, long changes) {
        if (gapFirst < 0) {
            gapFirst = seqno;
        }
        gapLast = seqno;
        gapCount += changes;
        dropped.addAndGet(changes);
        if (changes == 0) {
            LOG.warn("Change subscription to {} missed commit {}: the feed's buffer was full", Bytes.toDisplay(prefix), seqno);
        }
    }

    /** Starts the drain task unless one runs. */
    private void scheduleDrain() {
        synchronized (this) {
            if (draining || (queue.isEmpty() && gapFirst < 0)) {
                return;
            }
            draining = true;
        }
        try {
            delivery.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The database is closing: this subscription closes with it.
            LOG.debug("Change delivery pool closed; subscription to {} stops", Bytes.toDisplay(prefix), e);
            synchronized (this) {
                draining = false;
                open = false;
                queue.clear();
            }
        }
    }

    private void drain() {
        while (true) {
            Object item;
            synchronized (this) {
                closeGapIfRoom();
                item = open ? queue.poll() : null;
                if (item == null) {
                    draining = false;
                    return;
                }
            }
            try {
                if (item instanceof ChangeEvent e) {
                    listener.onChange(e);
                    delivered.incrementAndGet();
                } else {
                    listener.onOverflow((ChangeOverflow) item);
                }
            } catch (RuntimeException e) {
                LOG.error("Change listener of {} failed on {}", Bytes.toDisplay(prefix), item, e);
            }
        }
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
        return dropped.get();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
            queue.clear();
        }
        feed.unsubscribe(this);
    }
}
