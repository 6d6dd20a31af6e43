package dev.strata.engine.event;

import dev.strata.engine.InvalidArgumentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named events with listeners, rocksdb-js's emitter API: {@link #addListener} / {@link #on},
 * {@link #once}, {@link #removeListener} / {@link #off}, {@link #listeners}, {@link #notify}.
 * Unlike {@code EventEmitter}, delivery is asynchronous: {@code notify} returns at once and the
 * listeners run later on the bus's own thread, in the order they were added; events are
 * delivered in the order they were notified. Each database has a bus ({@code db.events()}: its
 * transaction events and whatever the application notifies); {@link #global()} is the
 * process-wide one.
 *
 * <p>Thread-safe. The delivery thread is a daemon started on demand and stopped after a few
 * idle seconds; a database's bus stops with the database (events already notified are still
 * delivered). The queue between {@code notify} and delivery is unbounded: a listener slow enough
 * to fall behind for long grows it.
 */
public final class EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private static final EventBus GLOBAL = new EventBus("strata-events-global");

    private final ConcurrentHashMap<String, CopyOnWriteArrayList<Registration>> listeners = new ConcurrentHashMap<>();
    /** Registrations across all events: the one volatile read that skips all work when 0. */
    private final AtomicInteger count = new AtomicInteger();
    private final ThreadPoolExecutor delivery;
    private volatile boolean closed;

    /** A listener as added; {@code once} registrations fire at most once. */
    private record Registration(EventListener listener, boolean once, AtomicBoolean fired) {
    }

    /** A bus whose delivery thread is called {@code threadName}. */
    public EventBus(String threadName) {
        AtomicInteger n = new AtomicInteger();
        delivery = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        delivery.allowCoreThreadTimeOut(true);
    }

    /** The process-wide bus (rocksdb-js's static {@code RocksDatabase.on/notify}). */
    public static EventBus global() {
        return GLOBAL;
    }

    /** Adds {@code listener} for {@code event}; the same listener added twice runs twice. */
    public void addListener(String event, EventListener listener) {
        add(event, listener, false);
    }

    /** Alias of {@link #addListener}. */
    public void on(String event, EventListener listener) {
        add(event, listener, false);
    }

    /** Adds a listener that is removed after the first event it receives. */
    public void once(String event, EventListener listener) {
        add(event, listener, true);
    }

    private void add(String event, EventListener listener, boolean once) {
        if (event == null || listener == null) {
            throw new InvalidArgumentException("event and listener must not be null");
        }
        listeners.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>())
                .add(new Registration(listener, once, new AtomicBoolean()));
        count.incrementAndGet();
    }

    /** Removes the first registration of exactly {@code listener} for {@code event}; false if there was none. */
    public boolean removeListener(String event, EventListener listener) {
        CopyOnWriteArrayList<Registration> list = event == null ? null : listeners.get(event);
        if (list == null) {
            return false;
        }
        for (Registration r : list) {
            if (r.listener() == listener && list.remove(r)) {
                count.decrementAndGet();
                return true;
            }
        }
        return false;
    }

    /** Alias of {@link #removeListener}. */
    public boolean off(String event, EventListener listener) {
        return removeListener(event, listener);
    }

    /** How many listeners {@code event} has. */
    public int listeners(String event) {
        CopyOnWriteArrayList<Registration> list = event == null ? null : listeners.get(event);
        return list == null ? 0 : list.size();
    }

    /** Whether any listener is registered for any event (one volatile read; for hot paths). */
    public boolean hasListeners() {
        return count.get() > 0;
    }

    /**
     * Delivers {@code event} with {@code args} to its listeners, later and in registration
     * order. Returns whether it had any listener (false also after the bus closed).
     */
    public boolean notify(String event, Object... args) {
        if (closed || count.get() == 0 || event == null) {
            return false;
        }
        CopyOnWriteArrayList<Registration> list = listeners.get(event);
        if (list == null || list.isEmpty()) {
            return false;
        }
        List<Registration> targets = new ArrayList<>(list.size());
        for (Registration r : list) {
            if (!r.once()) {
                targets.add(r);
            } else if (r.fired().compareAndSet(false, true)) {
                if (list.remove(r)) {
                    count.decrementAndGet();
                }
                targets.add(r);
            }
        }
        if (targets.isEmpty()) {
            return false;
        }
        Object[] copy = args == null ? new Object[0] : args.clone();
        try {
            delivery.execute(() -> deliver(event, targets, copy));
        } catch (RejectedExecutionException e) {
            return false; // closed between the check and now
        }
        return true;
    }

    private static void deliver(String event, List<Registration> targets, Object[] args) {
        for (Registration r : targets) {
            try {
                r.listener().onEvent(args);
            } catch (RuntimeException e) {
                LOG.error("A listener of event '{}' failed", event, e);
            }
        }
    }

    /** Stops taking events; those already notified are still delivered. */
    public void close() {
        closed = true;
        delivery.shutdown();
    }
}
