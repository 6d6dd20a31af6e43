package dev.strata.engine.iterator;

import dev.strata.engine.util.Bytes;

import java.util.Arrays;

/**
 * Turns internal entries into what a user sees at a snapshot: for each user key, its newest
 * version with seqno &lt;= the snapshot, unless that version is a point tombstone or a newer
 * visible delete-range covers it; within bounds, in one direction, up to a limit.
 *
 * <p>Not thread-safe (one iterator, one thread), as every Java iterator. The caller (the
 * database's iterator handle) checks that the database is open before each step.
 */
public final class DbIterator {
    private final InternalIterator in;
    private final TombstoneCheck tombstones;
    private final long snapshot;
    private final byte[] start;
    private final boolean startInclusive;
    private final byte[] end;
    private final boolean endInclusive;
    private final boolean reverse;
    private final boolean keysOnly;
    /** The wall time the iterator judges expiry by: fixed at creation, like its snapshot. */
    private final long now;
    private long remaining;

    private byte[] key;
    private byte[] value;
    private boolean positioned;

    public DbIterator(InternalIterator in, TombstoneCheck tombstones, long snapshot,
                      byte[] start, boolean startInclusive, byte[] end, boolean endInclusive,
                      boolean reverse, boolean keysOnly, long limit, long now) {
        this.now = now;
        this.in = in;
        this.tombstones = tombstones;
        this.snapshot = snapshot;
        this.start = start;
        this.startInclusive = startInclusive;
        this.end = end;
        this.endInclusive = endInclusive;
        this.reverse = reverse;
        this.keysOnly = keysOnly;
        this.remaining = limit;
    }

    /** Moves to the next visible entry; false when there is none. */
    public boolean advance() {
        if (remaining <= 0) {
            key = null;
            return false;
        }
        if (!positioned) {
            positioned = true;
            if (reverse) {
                if (end == null) {
                    in.seekToLast();
                } else {
                    in.seekForPrev(end);
                }
            } else {
                if (start == null) {
                    in.seekToFirst();
                } else {
                    in.seek(start);
                }
            }
        }
        boolean found = reverse ? findPrev() : findNext();
        if (found) {
            remaining--;
        } else {
            key = null;
        }
        return found;
    }

    public byte[] key() {
        return key;
    }

    public byte[] value() {
        return value;
    }

    private boolean beforeStart(byte[] k) {
        if (start == null) {
            return false;
        }
        int c = Bytes.compare(k, start);
        return c < 0 || (c == 0 && !startInclusive);
    }

    private boolean afterEnd(byte[] k) {
        if (end == null) {
            return false;
        }
        int c = Bytes.compare(k, end);
        return c > 0 || (c == 0 && !endInclusive);
    }

    private boolean findNext() {
        while (in.valid()) {
            byte[] k = in.key();
            if (afterEnd(k)) {
                return false;
            }
            if (in.seqno() > snapshot || beforeStart(k)) {
                in.next();
                continue;
            }
            // The newest visible version of k.
            long seqno = in.seqno();
            boolean tombstone = in.isTombstone() || expired(in.expiresAt());
            byte[] v = tombstone || keysOnly ? null : in.value();
            do {
                in.next();
            } while (in.valid() && Arrays.equals(in.key(), k));
            if (tombstone || tombstones.maxCoveringSeqno(k, snapshot) > seqno) {
                continue;
            }
            key = k.clone();
            value = v == null ? null : v.clone();
            return true;
        }
        return false;
    }

    private boolean findPrev() {
        while (in.valid()) {
            byte[] k = in.key();
            if (beforeStart(k)) {
                return false;
            }
            // Versions of k arrive oldest first: the last one within the snapshot is the newest visible.
            long seqno = -1;
            boolean tombstone = false;
            byte[] v = null;
            do {
                if (in.seqno() <= snapshot) {
                    seqno = in.seqno();
                    tombstone = in.isTombstone() || expired(in.expiresAt());
                    v = tombstone || keysOnly ? null : in.value();
                }
                in.prev();
            } while (in.valid() && Arrays.equals(in.key(), k));
            if (seqno < 0 || afterEnd(k) || tombstone || tombstones.maxCoveringSeqno(k, snapshot) > seqno) {
                continue;
            }
            key = k.clone();
            value = v == null ? null : v.clone();
            return true;
        }
        return false;
    }

    private boolean expired(long expiresAt) {
        return expiresAt != 0 && expiresAt <= now;
    }

    public void close() {
        in.close();
    }
}
