package dev.strata.engine.handle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every open iterator, snapshot and (later) transaction of one database. The top complaint of
 * RocksJava users is a crash or a leak from a handle used after, or left open at, close; here
 * close invalidates every registered handle, so later use throws the typed closed error, and
 * reports those that were left open (with where they were opened, when tracking is on).
 *
 * <p>Thread-safe: handles register and deregister from any thread.
 */
public final class HandleRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(HandleRegistry.class);

    /** A registered resource. */
    public abstract static class Handle {
        private long id;
        private String kind;
        private Throwable origin;
        private volatile boolean invalidated;

        /** Whether the database closed under this handle. */
        protected final boolean invalidated() {
            return invalidated;
        }

        /** Releases what the handle holds; called once, by close or by invalidation. */
        protected abstract void release();

        public final long handleId() {
            return id;
        }
    }

    private final ConcurrentHashMap<Long, Handle> open = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong leaked = new AtomicLong();
    private final boolean trackOrigins;

    public HandleRegistry(boolean trackOrigins) {
        this.trackOrigins = trackOrigins;
    }

    public <H extends Handle> H register(H handle, String kind) {
        Handle h = handle;
        h.id = nextId.getAndIncrement();
        h.kind = kind;
        if (trackOrigins) {
            h.origin = new Throwable(kind + " opened here");
        }
        open.put(h.id, h);
        return handle;
    }

    /** Removes a handle that was closed by its owner. */
    public void deregister(Handle h) {
        open.remove(h.id);
    }

    /**
     * Invalidates every handle still open, releases it and reports it as leaked. Called by the
     * database's close after running operations have finished or timed out.
     */
    public int invalidateAll() {
        List<Handle> left = new ArrayList<>(open.values());
        for (Handle h : left) {
            h.invalidated = true;
            open.remove(h.id);
            h.release();
            leaked.incrementAndGet();
            if (h.origin != null) {
                LOG.warn("{} {} was not closed before the database closed", h.kind, h.id, h.origin);
            }
        }
        if (!left.isEmpty() && !trackOrigins) {
            LOG.warn("{} handle(s) were not closed before the database closed; open with "
                    + "StrataOptions.trackHandleOrigins(true) to see where they were opened", left.size());
        }
        return left.size();
    }

    /** Counts of open handles by kind, and of handles found open at close. */
    public HandleStatus status() {
        long iterators = 0;
        long snapshots = 0;
        long other = 0;
        for (Handle h : open.values()) {
            switch (h.kind) {
                case HandleStatus.ITERATOR -> iterators++;
                case HandleStatus.SNAPSHOT -> snapshots++;
                default -> other++;
            }
        }
        return new HandleStatus(iterators, snapshots, other, leaked.get());
    }

    /** The open handles of a kind, for the oldest-snapshot query. */
    public List<Handle> openHandles() {
        return new ArrayList<>(open.values());
    }
}
