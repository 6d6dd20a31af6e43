package dev.strata.engine.commit;

import java.util.function.LongSupplier;

/**
 * Commit timestamps: the wall clock in milliseconds, never going backwards, across restarts too
 * (recovery floors it at the newest timestamp in the WAL). Transaction-log queries by time rely
 * on timestamps being non-decreasing in seqno order. Not thread-safe: the committer calls it
 * under the commit lock.
 */
public final class MonotonicClock {
    private final LongSupplier wall;
    private long last;

    public MonotonicClock(LongSupplier wall, long floor) {
        this.wall = wall;
        this.last = floor;
    }

    public long next() {
        long now = wall.getAsLong();
        if (now > last) {
            last = now;
        }
        return last;
    }

    /**
     * Takes {@code ts} as the latest timestamp (a record replicated from a leader keeps the
     * leader's timestamp) and floors later ones at it. Returns {@code ts}.
     */
    public long observe(long ts) {
        if (ts > last) {
            last = ts;
        }
        return ts;
    }

    /** The wall clock itself, unfloored (for TTL checks). */
    public long wallTime() {
        return wall.getAsLong();
    }
}
