package dev.strata.engine.log;

/**
 * Whole commit records from a seqno, in seqno order, as the WAL holds them (the layout of
 * {@code CommitRecord} in {@code docs/format.md}): what a replication leader ships and a tool
 * reads. Get one from {@code db.readCommitRecords(fromSeqno)}; it returns records up to the
 * durable seqno, read again each time it catches up, so one cursor can follow the database:
 * {@link #next()} returning false means "nothing more for now" (wait with
 * {@code db.awaitDurable}, then call it again).
 *
 * <p>Throws {@code LogUnavailableException} (code {@code ERR_LOG_UNAVAILABLE}) when the WAL no
 * longer holds a whole record it needs (retention removed or rewrote it log-only; a follower must
 * then copy the database) and {@code CorruptionException} with the file and offset of damage.
 * Not thread-safe; close it to release its file.
 */
public final class CommitRecordCursor implements AutoCloseable {
    private final RecordWalk walk;

    CommitRecordCursor(RecordWalk walk) {
        this.walk = walk;
    }

    /** Advances to the next record; false if none is durable yet. */
    public boolean next() {
        return walk.next();
    }

    public long seqno() {
        return walk.seqno();
    }

    public long timestamp() {
        return walk.timestamp();
    }

    /** The buffer holding the current record's payload; valid until the next call. */
    public byte[] buffer() {
        return walk.buffer();
    }

    public int offset() {
        return walk.offset();
    }

    public int length() {
        return walk.length();
    }

    /** A copy of the current record's payload. */
    public byte[] payload() {
        return java.util.Arrays.copyOfRange(walk.buffer(), walk.offset(), walk.offset() + walk.length());
    }

    @Override
    public void close() {
        walk.close();
    }
}
