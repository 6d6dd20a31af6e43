package dev.strata.engine;

import dev.strata.engine.handle.HandleRegistry;

/**
 * A consistent point-in-time view: reads at a snapshot see exactly the batches with seqno &lt;=
 * {@link #seqno()}. Holding a snapshot keeps the versions it needs from being compacted away, so
 * close it when done (try-with-resources). After the database closes, reads at it throw
 * {@link ClosedException}.
 */
public final class Snapshot extends HandleRegistry.Handle implements AutoCloseable {
    private final long seqno;
    private final HandleRegistry registry;
    private volatile boolean closed;

    Snapshot(long seqno, HandleRegistry registry) {
        this.seqno = seqno;
        this.registry = registry;
    }

    /** The seqno this snapshot reads at. */
    public long seqno() {
        return seqno;
    }

    /** Whether this snapshot can still be read at. */
    public boolean isOpen() {
        return !closed && !invalidated();
    }

    void checkOpen() {
        if (closed) {
            throw new ClosedException("snapshot at seqno " + seqno + " is closed");
        }
        if (invalidated()) {
            throw new ClosedException("the database was closed while snapshot at seqno " + seqno + " was open");
        }
    }

    @Override
    protected void release() {
        closed = true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            registry.deregister(this);
        }
    }

    @Override
    public String toString() {
        return "Snapshot@" + seqno;
    }
}
