package dev.strata.engine.event;

import dev.strata.engine.ClosedException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.wal.CommitRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A database's change subscriptions ({@code db.subscribe(prefix, listener)}): every committed
 * put, remove and delete-range under a prefix, in seqno order, delivered once the commit is
 * durable in the database's mode (visible to readers: forced in SYNC, written in ASYNC, applied
 * in NONE), never blocking a commit.
 *
 * <p>How. The commit tracker calls {@link #capture} under the commit lock, in seqno order, for
 * every commit while anyone is subscribed (otherwise the cost is the one volatile read of
 * {@link #active()}): it copies the record's ops into {@link #pending}. A dispatcher thread takes
 * records from the head once their seqno is visible, decodes them and offers each change to the
 * subscriptions whose prefix it touches (never waiting: see {@link FeedSubscription}). A record
 * whose commit failed never becomes visible, so nothing after it is delivered either: after a
 * failed WAL write or force the database accepts no commit at all.
 *
 * <p>Bounds: {@link #pending} holds at most {@code maxPendingBytes} of ops (commits applied but
 * not yet visible, or not yet dispatched); a commit that does not fit is kept as its seqno only,
 * and every subscription gets it as an overflow. Each subscription's queue is bounded too.
 *
 * <p>Invariants: {@link #pending} is in seqno order (appended under the commit lock, taken by the
 * one dispatcher). A subscription is added under this object's lock together with reading the
 * last assigned seqno, and the dispatcher offers each record under the same lock, so a
 * subscription sees exactly the commits after its start seqno.
 */
public final class ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    /** Default bound of each subscription's queue, in changes. */
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

    private final String name;
    private final LongSupplier visibleSeqno;
    private final LongSupplier lastSeqno;
    private final long maxPendingBytes;

    private final CopyOnWriteArrayList<FeedSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean active;
    private volatile boolean closed;
    private final ConcurrentLinkedQueue<Captured> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingBytes = new AtomicLong();
    private Thread dispatcher; // guarded by this
    private final ExecutorService delivery;

    /** A commit's ops as captured; null ops: it did not fit and is reported as lost. */
    private record Captured(long seqno, long timestamp, byte[] ops, int opCount) {
    }

    /**
     * @param visibleSeqno    the newest seqno readers can see (what may be delivered)
     * @param lastSeqno       the newest seqno assigned, read under the commit lock
     * @param maxPendingBytes bound of ops held between capture and dispatch
     */
    public ChangeFeed(String name, LongSupplier visibleSeqno, LongSupplier lastSeqno, long maxPendingBytes) {
        this.name = name;
        this.visibleSeqno = visibleSeqno;
        this.lastSeqno = lastSeqno;
        this.maxPendingBytes = maxPendingBytes;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "strata-changes-" + name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.delivery = pool;
    }

    /** Whether anyone is subscribed: the commit path's one check. */
    public boolean active() {
        return active;
    }

    /** Changes waiting between capture and dispatch, in bytes of ops (for tests and statistics). */
    public long pendingBytes() {
        return pendingBytes.get();
    }

    /** Called under the commit lock, in seqno order, for each commit while {@link #active()}. */
    public void capture(long seqno, long timestamp, byte[] ops, int off, int len, int opCount) {
        if (pendingBytes.get() + len > maxPendingBytes) {
            pending.add(new Captured(seqno, timestamp, null, 0));
            return;
        }
        pendingBytes.addAndGet(len);
        pending.add(new Captured(seqno, timestamp, Arrays.copyOfRange(ops, off, off + len), opCount));
    }

    /** A commit became visible: let the dispatcher look. */
    public void wake() {
        Thread d = dispatcher;
        if (d != null) {
            LockSupport.unpark(d);
        }
    }

    /**
     * Subscribes {@code listener} to every change of family {@code cf} under {@code prefix}
     * committed from now on.
     */
    public Subscription subscribe(int cf, byte[] prefix, ChangeListener listener, int queueCapacity) {
        if (prefix == null || listener == null) {
            throw new InvalidArgumentException("prefix and listener must not be null");
        }
        if (queueCapacity < 2) {
            throw new InvalidArgumentException("queueCapacity must be at least 2, was " + queueCapacity);
        }
        synchronized (this) {
            if (closed) {
                throw new ClosedException("the database is closed");
            }
            active = true; // before reading the last seqno: every later commit is captured
            FeedSubscription s = new FeedSubscription(this, cf, prefix.clone(), listener, queueCapacity,
                    lastSeqno.getAsLong(), delivery);
            subscriptions.add(s);
            if (dispatcher == null) {
                dispatcher = new Thread(this::dispatchLoop, "strata-changes-" + name);
                dispatcher.setDaemon(true);
                dispatcher.start();
            }
            return s;
        }
    }

    synchronized void unsubscribe(FeedSubscription s) {
        subscriptions.remove(s);
        active = !subscriptions.isEmpty();
    }

    private void dispatchLoop() {
        while (true) {
            boolean stopping = closed;
            long visible = visibleSeqno.getAsLong();
            Captured c;
            while ((c = pending.peek()) != null && c.seqno() <= visible) {
                pending.poll();
                if (c.ops() != null) {
                    pendingBytes.addAndGet(-c.ops().length);
                }
                dispatch(c);
            }
            if (stopping) {
                return; // delivered everything visible at close
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Offers one commit's changes to the subscriptions they concern. */
    private synchronized void dispatch(Captured c) {
        List<FeedSubscription> subs = subscriptions;
        if (subs.isEmpty()) {
            return;
        }
        if (c.ops() == null) {
            for (FeedSubscription s : subs) {
                if (s.wants(c.seqno())) {
                    s.lost(c.seqno());
                }
            }
            return;
        }
        try {
            CommitRecord.decodeOps(c.ops(), 0, c.ops().length, c.opCount(), new Router(c, subs));
        } catch (ByteReader.Malformed e) {
            // The pipeline encoded these bytes itself moments ago: a bug, not damage.
            throw new IllegalStateException("captured commit " + c.seqno() + " does not decode at " + e.offset, e);
        }
    }

    /** Turns the ops of one captured commit into events for the matching subscriptions. */
    private static final class Router implements CommitRecord.OpVisitor {
        private final Captured c;
        private final List<FeedSubscription> subs;

        Router(Captured c, List<FeedSubscription> subs) {
            this.c = c;
            this.subs = subs;
        }

        @Override
        public void put(int cf, byte[] buf, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) {
            for (FeedSubscription s : subs) {
                if (s.wants(c.seqno()) && s.matchesKey(cf, buf, keyOff, keyLen)) {
                    s.offer(new ChangeEvent(c.seqno(), c.timestamp(), cf, ChangeType.PUT,
                            Arrays.copyOfRange(buf, keyOff, keyOff + keyLen),
                            Arrays.copyOfRange(buf, valueOff, valueOff + valueLen), null, expiresAt));
                }
            }
        }

        @Override
        public void delete(int cf, byte[] buf, int keyOff, int keyLen) {
            for (FeedSubscription s : subs) {
                if (s.wants(c.seqno()) && s.matchesKey(cf, buf, keyOff, keyLen)) {
                    s.offer(new ChangeEvent(c.seqno(), c.timestamp(), cf, ChangeType.REMOVE,
                            Arrays.copyOfRange(buf, keyOff, keyOff + keyLen), null, null, 0));
                }
            }
        }

        @Override
        public void deleteRange(int cf, byte[] buf, int startOff, int startLen, int endOff, int endLen) {
            for (FeedSubscription s : subs) {
                if (s.wants(c.seqno()) && s.matchesRange(cf, buf, startOff, startLen, endOff, endLen)) {
                    s.offer(new ChangeEvent(c.seqno(), c.timestamp(), cf, ChangeType.DELETE_RANGE,
                            Arrays.copyOfRange(buf, startOff, startOff + startLen), null,
                            Arrays.copyOfRange(buf, endOff, endOff + endLen), 0));
                }
            }
        }
    }

    /**
     * Stops: dispatches what is already visible, then closes every subscription (changes still
     * in a subscription's queue are not delivered). Commits captured but not visible are never
     * delivered.
     */
    public void close() {
        Thread d;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            active = false;
            d = dispatcher;
        }
        if (d != null) {
            LockSupport.unpark(d);
            try {
                d.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (d.isAlive()) {
                LOG.warn("Change feed dispatcher of {} did not stop within 5 s", name);
            }
        }
        pending.clear();
        for (FeedSubscription s : subscriptions) {
            s.close();
        }
        delivery.shutdown();
    }
}
