package dev.strata.engine.txn;

import dev.strata.engine.commit.CommitPipeline;
import dev.strata.engine.event.ChangeFeed;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.verify.DatabaseVersions;
import dev.strata.engine.wal.CommitRecord;

/**
 * The commit pipeline's observer ({@link CommitPipeline.CommitObserver}): sees every commit's
 * ops once, under the commit lock, and tells each interested part. The conflict table records
 * every written key (always: a transaction may be running); the verification table marks writes
 * in flight for families opened with it, and ends them once the commit is visible; the change
 * feed captures the record while anyone is subscribed.
 *
 * <p>Not thread-safe by itself: {@link #applied} and the op callbacks run under the commit lock
 * ({@link #seqno} is the record being applied); {@link #acknowledged} runs on each committer's
 * thread and touches only thread-confined or thread-safe state.
 */
final class CommitTracker implements CommitPipeline.CommitObserver, CommitRecord.OpVisitor {
    private final ConflictTable conflicts;
    private final DatabaseVersions versions;
    private final boolean anyVersioned;
    private final ChangeFeed feed;
    /** The seqno of the record being applied; under the commit lock. */
    private long seqno;

    CommitTracker(ConflictTable conflicts, DatabaseVersions versions, boolean anyVersioned, ChangeFeed feed) {
        this.conflicts = conflicts;
        this.versions = versions;
        this.anyVersioned = anyVersioned;
        this.feed = feed;
    }

    @Override
    public void applied(long recordSeqno, long timestamp, byte[] ops, int off, int len, int opCount) {
        seqno = recordSeqno;
        try {
            CommitRecord.decodeOps(ops, off, len, opCount, this);
        } catch (ByteReader.Malformed e) {
            // The pipeline applied these very bytes a moment ago: a bug, not damage.
            throw new IllegalStateException("commit " + recordSeqno + " does not decode at " + e.offset, e);
        }
        if (feed.active()) {
            feed.capture(recordSeqno, timestamp, ops, off, len, opCount);
        }
    }

    @Override
    public void acknowledged(long recordSeqno, boolean ok) {
        if (anyVersioned) {
            versions.endWrites();
        }
        if (feed.active()) {
            feed.wake();
        }
    }

    @Override
    public void put(int cf, byte[] buf, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) {
        wrote(cf, buf, keyOff, keyLen);
    }

    @Override
    public void delete(int cf, byte[] buf, int keyOff, int keyLen) {
        wrote(cf, buf, keyOff, keyLen);
    }

    private void wrote(int cf, byte[] buf, int keyOff, int keyLen) {
        conflicts.recordWrite(cf, buf, keyOff, keyLen, seqno);
        if (anyVersioned && versions.enabled(cf)) {
            versions.beginWrite(cf, buf, keyOff, keyLen);
        }
    }

    @Override
    public void deleteRange(int cf, byte[] buf, int startOff, int startLen, int endOff, int endLen) {
        conflicts.recordRangeDelete(seqno);
        if (anyVersioned && versions.enabled(cf)) {
            versions.beginRangeDelete();
        }
    }
}
