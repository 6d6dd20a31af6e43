package dev.strata.engine.iterator;

/**
 * A cursor over internal entries (user key, seqno, put or tombstone) in internal-key order: user
 * key ascending, seqno descending. Memtables implement it now; SSTables and the merging iterator
 * of the LSM storage issue implement it too, and {@link DbIterator} turns any of them into what
 * users see.
 *
 * <p>An iterator is used in one direction: {@link #next()} after {@link #seek} or
 * {@link #seekToFirst()}, {@link #prev()} after {@link #seekForPrev} or {@link #seekToLast()}.
 */
public interface InternalIterator extends AutoCloseable {
    boolean valid();

    void seekToFirst();

    void seekToLast();

    /** Positions at the first entry whose user key is &gt;= {@code key} (its newest version). */
    void seek(byte[] key);

    /** Positions at the last entry whose user key is &lt;= {@code key} (its oldest version). */
    void seekForPrev(byte[] key);

    void next();

    void prev();

    byte[] key();

    long seqno();

    boolean isTombstone();

    /** The value of a put; undefined for a tombstone. */
    byte[] value();

    /** When the current put expires (ms since the epoch), 0 for never. */
    long expiresAt();

    @Override
    void close();
}
