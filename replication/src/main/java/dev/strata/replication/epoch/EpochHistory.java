package dev.strata.replication.epoch;

import dev.strata.engine.InvalidArgumentException;

import java.util.Arrays;

/**
 * Which leader wrote which seqnos: a list of epochs, each with the first seqno written in it, as
 * PostgreSQL keeps timelines. Epoch {@code e} ends where the next epoch starts; the last epoch is
 * the current one and has no end. A promotion appends a new epoch starting at the promoted
 * follower's applied seqno + 1, so a follower of the old leader that has not gone past that
 * point can continue from the new one without a full sync.
 *
 * <p>Immutable. Invariants: at least one entry; epochs strictly increase; start seqnos never
 * decrease and are at least 1.
 */
public final class EpochHistory {
    /** The largest number of epochs a history holds (and a peer may send). */
    public static final int MAX_ENTRIES = 1 << 16;

    private final long[] epochs;
    private final long[] starts;

    public EpochHistory(long[] epochs, long[] starts) {
        if (epochs.length != starts.length || epochs.length == 0 || epochs.length > MAX_ENTRIES) {
            throw new InvalidArgumentException("an epoch history has 1 to " + MAX_ENTRIES + " entries, was " + epochs.length);
        }
        for (int i = 0; i < epochs.length; i++) {
            if (epochs[i] < 1 || starts[i] < 1) {
                throw new InvalidArgumentException("epoch " + epochs[i] + " starting at seqno " + starts[i]
                        + ": epochs and start seqnos are at least 1");
            }
            if (i > 0 && (epochs[i] <= epochs[i - 1] || starts[i] < starts[i - 1])) {
                throw new InvalidArgumentException("epoch history out of order at entry " + i + ": epoch " + epochs[i]
                        + " from seqno " + starts[i] + " after epoch " + epochs[i - 1] + " from seqno " + starts[i - 1]);
            }
        }
        this.epochs = epochs.clone();
        this.starts = starts.clone();
    }

    /** The history of a database that has never changed leaders: epoch 1 from seqno 1. */
    public static EpochHistory initial() {
        return new EpochHistory(new long[]{1}, new long[]{1});
    }

    public int size() {
        return epochs.length;
    }

    public long epoch(int i) {
        return epochs[i];
    }

    public long start(int i) {
        return starts[i];
    }

    /** The current (newest) epoch. */
    public long current() {
        return epochs[epochs.length - 1];
    }

    public boolean contains(long epoch) {
        return Arrays.binarySearch(epochs, epoch) >= 0;
    }

    /**
     * The last seqno written in {@code epoch}: one before the next epoch's start, or
     * {@link Long#MAX_VALUE} for the current epoch. {@code epoch} must be in the history.
     */
    public long endOf(long epoch) {
        int i = Arrays.binarySearch(epochs, epoch);
        if (i < 0) {
            throw new InvalidArgumentException("epoch " + epoch + " is not in the history " + this);
        }
        return i == epochs.length - 1 ? Long.MAX_VALUE : starts[i + 1] - 1;
    }

    /** This history with a new epoch (the current + 1) that starts at {@code startSeqno}. */
    public EpochHistory promote(long startSeqno) {
        long[] e = Arrays.copyOf(epochs, epochs.length + 1);
        long[] s = Arrays.copyOf(starts, starts.length + 1);
        e[epochs.length] = current() + 1;
        s[starts.length] = Math.max(startSeqno, starts[starts.length - 1]);
        return new EpochHistory(e, s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EpochHistory h && Arrays.equals(epochs, h.epochs) && Arrays.equals(starts, h.starts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(epochs) * 31 + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < epochs.length; i++) {
            b.append(i == 0 ? "" : ", ").append("epoch ").append(epochs[i]).append(" from ").append(starts[i]);
        }
        return b.append(']').toString();
    }
}
