package dev.strata.engine.event;

/**
 * A live change subscription. It receives every change under its prefix committed with a seqno
 * above {@link #startSeqno()} (the state up to that seqno can be read with a snapshot once
 * {@code latestSeqno()} reaches it). Close it to stop; the database closes it at close.
 */
public interface Subscription extends AutoCloseable {
    /** Changes with seqnos above this are delivered. */
    long startSeqno();

    /** Changes handed to the listener so far. */
    long delivered();

    /** Changes dropped because the queue was full (each reported through {@code onOverflow}). */
    long dropped();

    boolean isOpen();

    @Override
    void close();
}
