package dev.strata.replication.spi;

/**
 * Keeps a source's records on disk for one follower: whole records after the last
 * {@link #advance acknowledged} seqno are not deleted. A hold that would keep more than the
 * source's byte cap is dropped ({@link #dropped()}): the follower then needs a full sync.
 */
public interface LogHold extends AutoCloseable {
    /** Lets the source delete records at or below {@code ackedSeqno}. Never moves backwards. */
    void advance(long ackedSeqno);

    /** Whether the source gave the hold up because it passed the byte cap. */
    boolean dropped();

    @Override
    void close();
}
