package dev.strata.engine.log;

/**
 * Keeps whole WAL records from a seqno on disk for one reader that needs every commit, such as a
 * follower that has not acknowledged them yet ({@code db.holdWal(holder, fromSeqno)}). Advance
 * it as the reader acknowledges; close it when the reader is gone. A hold is bounded: when the
 * segments it alone keeps pass {@code StrataOptions.maxFollowerRetainedBytes}, retention drops
 * it ({@link #dropped()} turns true, a {@code txnlog.holdDropped} event is emitted and counted)
 * and the reader must copy the database instead. Thread-safe.
 */
public final class WalHold implements AutoCloseable {
    private final String holder;
    private final LogRetention retention;
    private volatile long seqno;
    private volatile boolean dropped;
    private volatile boolean closed;

    WalHold(String holder, long fromSeqno, LogRetention retention) {
        this.holder = holder;
        this.seqno = fromSeqno;
        this.retention = retention;
    }

    public String holder() {
        return holder;
    }

    /** The first seqno kept for the holder. */
    public long seqno() {
        return seqno;
    }

    /** The holder has everything up to {@code ackedSeqno}: records up to it may go. */
    public void advance(long ackedSeqno) {
        synchronized (this) {
            if (ackedSeqno + 1 > seqno) {
                seqno = ackedSeqno + 1;
            }
        }
    }

    /** Whether retention dropped the hold because it passed the size cap. */
    public boolean dropped() {
        return dropped;
    }

    void drop() {
        dropped = true;
    }

    boolean active() {
        return !dropped && !closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            retention.release(this);
        }
    }

    @Override
    public String toString() {
        return "WalHold[" + holder + " from seqno " + seqno + (dropped ? ", dropped" : "") + "]";
    }
}
