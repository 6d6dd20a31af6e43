package dev.strata.replication.engine;

import dev.strata.engine.LogUnavailableException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.log.CommitRecordCursor;
import dev.strata.engine.log.WalHold;
import dev.strata.replication.spi.CommitGate;
import dev.strata.replication.spi.LogGoneException;
import dev.strata.replication.spi.LogHold;
import dev.strata.replication.spi.RecordCursor;
import dev.strata.replication.spi.ReplicationSource;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link ReplicationSource} over a {@link StrataDatabase}: its WAL is the replication log (the
 * engine's replication hooks: {@code readCommitRecords}, {@code awaitDurable}, {@code holdWal},
 * {@code createCheckpoint}, {@code commitGate}). Also what a follower's database serves to
 * followers of its own.
 */
public final class EngineSource implements ReplicationSource {
    private final StrataDatabase db;

    public EngineSource(StrataDatabase db) {
        this.db = db;
    }

    public StrataDatabase database() {
        return db;
    }

    @Override
    public long durableSeqno() {
        return db.durableSeqno();
    }

    @Override
    public boolean awaitDurable(long seqno, Duration timeout) throws InterruptedException {
        return db.awaitDurable(seqno, timeout);
    }

    @Override
    public RecordCursor read(long fromSeqno) {
        CommitRecordCursor c;
        try {
            c = db.readCommitRecords(fromSeqno);
        } catch (LogUnavailableException e) {
            throw new LogGoneException(e.getMessage(), e);
        }
        return new RecordCursor() {
            public boolean next() {
                try {
                    return c.next();
                } catch (LogUnavailableException e) {
                    throw new LogGoneException(e.getMessage(), e); // retention removed what the cursor needed next
                }
            }

            public long seqno() {
                return c.seqno();
            }

            public byte[] buffer() {
                return c.buffer();
            }

            public int offset() {
                return c.offset();
            }

            public int length() {
                return c.length();
            }

            public void close() {
                c.close();
            }
        };
    }

    @Override
    public LogHold hold(String holder, long fromSeqno) {
        WalHold h;
        try {
            h = db.holdWal(holder, fromSeqno);
        } catch (LogUnavailableException e) {
            throw new LogGoneException(e.getMessage(), e);
        }
        return new LogHold() {
            public void advance(long ackedSeqno) {
                h.advance(ackedSeqno);
            }

            public boolean dropped() {
                return h.dropped();
            }

            public void close() {
                h.close();
            }
        };
    }

    @Override
    public Checkpoint checkpoint(Path dir) {
        dev.strata.engine.backup.Checkpointer.Result r = db.createCheckpoint(dir);
        return new Checkpoint(r.directory(), r.seqno());
    }

    @Override
    public void commitGate(CommitGate gate) {
        db.commitGate(gate == null ? null : gate::awaitReplicated);
    }
}
