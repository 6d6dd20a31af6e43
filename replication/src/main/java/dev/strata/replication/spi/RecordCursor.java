package dev.strata.replication.spi;

/**
 * Commit records read in seqno order. The bytes of the current record ({@link #buffer()} from
 * {@link #offset()}, {@link #length()} long) are the commit-record payload of docs/format.md and
 * stay valid only until the next {@link #next()}. Not thread-safe: one reader.
 */
public interface RecordCursor extends AutoCloseable {
    /** Moves to the next record; false when there is none (the end known at open). */
    boolean next();

    long seqno();

    byte[] buffer();

    int offset();

    int length();

    @Override
    void close();
}
