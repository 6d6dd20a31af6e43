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

    /** The wall clock itself, unfloored (for TTL checks). */
    public long wallTime() {
        return wall.getAsLong();
    }
}
