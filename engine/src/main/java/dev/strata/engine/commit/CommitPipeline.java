package dev.strata.engine.commit;

import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.CommitResult;
import dev.strata.engine.CorruptionException;
import dev.strata.engine.Durability;
import dev.strata.engine.StrataException;
import dev.strata.engine.ColumnFamilyNotFoundException;
import dev.strata.engine.lsm.LsmStore;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.WalFormat;
import dev.strata.engine.wal.WalWriter;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write path: assigns seqnos and timestamps, frames commit records into the WAL buffer,
 * applies them to the memtable, and acknowledges each commit when its durability mode allows
 * (group commit).
 *
 * <p>How group commit works. A committer, under {@link #appendLock}, takes the next seqno,
 * encodes its record into the shared buffer and applies it to the memtable; then it waits until
 * the WAL has written (ASYNC) or forced (SYNC) its seqno. Waiting, it may become the I/O leader
 * (under {@link #ioLock}, only one at a time): the leader swaps the buffer for the spare one,
 * writes every record buffered so far with one write call and, for SYNC, forces once. Records
 * appended while it forces wait for the next leader, who writes them all together: concurrent
 * committers share one append and one force. No thread is handed work, so one committer alone
 * pays no thread switch.
 *
 * <p>Visibility: readers see seqnos up to {@link #visibleSeqno()}, which advances after the WAL
 * write (ASYNC), after the force (SYNC) or after the memtable insert (NONE). So a reader never
 * sees a write that a crash could still take away in SYNC mode.
 *
 * <p>Failure: the first failed write or force is latched ({@link #failure}); the WAL is
 * abandoned as it is on disk, every waiter not yet acknowledged and every later commit gets a
 * {@link BackgroundErrorException}, and a force is never retried (after a failed fsync the kernel
 * may have dropped the dirty pages and report success next time).
 *
 * <p>Invariants: seqnos in the buffer and in the WAL are consecutive; written &lt;= last
 * assigned; durable &lt;= written; everything &lt;= the last assigned seqno is in the memtable.
 * {@link #appendLock} guards the buffer, seqno, clock and memtable inserts; {@link #ioLock}
 * guards {@link #ioBusy}; only the I/O leader touches {@link #wal} and {@link #spare}.
 */
public final class CommitPipeline {
    /** The buffer grows past this only for a single record larger than it. */
    private static final int BUFFER_LIMIT = 4 << 20;
    private static final int INITIAL_BUFFER = 64 << 10;

    private final Durability mode;
    private final WalWriter wal;
    private final LsmStore store;
    private final MemtableApplier applier;
    private final MonotonicClock clock;

    private final ReentrantLock appendLock = new ReentrantLock();
    private byte[] buf = new byte[INITIAL_BUFFER];
    private int bufLen;
    private long bufFirstSeqno;
    private long lastSeqno;
    private long lastTimestamp;

    private final ReentrantLock ioLock = new ReentrantLock();
    private final Condition ioDone = ioLock.newCondition();
    private boolean ioBusy;
    private byte[] spare = new byte[INITIAL_BUFFER];

    private volatile long writtenSeqno;
    private volatile long durableSeqno;
    private volatile long visibleSeqno;
    private volatile Throwable failure;

    /**
     * @param wal the open WAL writer, or null in NONE mode
     * @param recoveredSeqno the last seqno recovered from the WAL (durable by definition)
     */
    public CommitPipeline(Durability mode, WalWriter wal, LsmStore store, MonotonicClock clock,
                          long recoveredSeqno) {
        this.mode = mode;
        this.wal = wal;
        this.store = store;
        this.applier = new MemtableApplier(store, false);
        this.clock = clock;
        this.lastSeqno = recoveredSeqno;
        this.writtenSeqno = recoveredSeqno;
        this.durableSeqno = recoveredSeqno;
        this.visibleSeqno = recoveredSeqno;
    }

    /** The highest seqno readers may see. */
    public long visibleSeqno() {
        return visibleSeqno;
    }

    public long durableSeqno() {
        return durableSeqno;
    }

    public long writtenSeqno() {
        return writtenSeqno;
    }

    /** The last seqno assigned (may not be written yet). */
    public long lastSeqno() {
        appendLock.lock();
        try {
            return lastSeqno;
        } finally {
            appendLock.unlock();
        }
    }

    /** The latched failure, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Throws the latched failure, if any, as the typed error writers get. */
    public void checkWritable() {
        Throwable f = failure;
        if (f != null) {
            throw backgroundError(f);
        }
        store.checkBackgroundError();
    }

    /**
     * Commits one put, delete or delete-range ({@code type} from {@link CommitRecord}; {@code b}
     * is the value or the range end, null for a delete) to family {@code tree}, with no
     * intermediate batch object; {@code expiresAt} for PUT_TTL (ms since the epoch).
     */
    public CommitResult commitSingle(LsmTree tree, int type, byte[] a, byte[] b, long expiresAt) {
        int payloadLen = CommitRecord.PAYLOAD_HEADER_SIZE
                + CommitRecord.opSize(tree.id(), a.length, b == null ? -1 : b.length, type == CommitRecord.PUT_TTL);
        long seqno;
        long ts;
        checkLeader();
        store.awaitWriteAllowed();
        appendLock.lock();
        try {
            checkFamily(tree);
            int ops = beginRecord(payloadLen, 1, 0);
            seqno = lastSeqno;
            ts = lastTimestamp;
            if (ops >= 0) {
                CommitRecord.encodeOp(buf, ops, type, tree.id(), a, b, expiresAt);
            }
            applier.beginRecord(seqno);
            switch (type) {
                case CommitRecord.PUT -> applier.put(tree, a, b, 0L);
                case CommitRecord.PUT_TTL -> applier.put(tree, a, b, expiresAt);
                case CommitRecord.DELETE -> applier.delete(tree, a);
                case CommitRecord.DELETE_RANGE -> applier.deleteRange(tree, a, b);
                default -> throw new IllegalArgumentException("op type " + type);
            }
            observeSingle(seqno, ts, ops, tree.id(), type, a, b, expiresAt);
            afterApply(seqno);
        } finally {
            appendLock.unlock();
        }
        acknowledge(seqno);
        return new CommitResult(seqno, ts);
    }

    private static void checkFamily(LsmTree tree) {
        if (tree.isDropped()) {
            throw new ColumnFamilyNotFoundException("column family '" + tree.name() + "' was dropped");
        }
    }

    /**
     * Ends the record's apply, publishes it (NONE mode) and hands full memtables to their trees.
     * Under the append lock.
     */
    private void afterApply(long seqno) {
        applier.endRecord();
        if (wal == null) {
            visibleSeqno = seqno;
        }
        java.util.List<LsmTree> touched = applier.touched();
        for (int i = 0; i < touched.size(); i++) {
            LsmTree t = touched.get(i);
            if (t.activeMemtable().approximateBytes() >= t.memtableSize()) {
                t.switchMemtable(seqno);
            }
        }
    }

    /** Makes every family's active memtable immutable so it is flushed (flush, close in NONE mode). */
    public void switchMemtable() {
        appendLock.lock();
        try {
            store.switchAll(lastSeqno);
        } finally {
            appendLock.unlock();
        }
    }

    /** Makes one family's active memtable immutable (the WAL is over its cap and it holds old data). */
    public void switchMemtable(LsmTree tree) {
        appendLock.lock();
        try {
            tree.switchMemtable(lastSeqno);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Commits a write batch's encoded ops ({@code opCount} ops in {@code ops[0, opsLen)}).
     * {@code families} are the trees the ops name besides the default family (null if none):
     * checked under the lock, so no op lands in a family dropped meanwhile.
     */
    public CommitResult commitBatch(byte[] ops, int opsLen, int opCount, LsmTree[] families) {
        return commitBatch(ops, opsLen, opCount, families, null);
    }

    /**
     * As {@link #commitBatch(byte[], int, int, LsmTree[])}, running {@code validator} (if not
     * null) under the append lock once the record's seqno is reserved and before its ops apply:
     * no other commit can come between the check and this one. If the validator throws, nothing
     * is committed, the seqno is taken back and the exception propagates (a transaction's
     * conflict check).
     */
    public CommitResult commitBatch(byte[] ops, int opsLen, int opCount, LsmTree[] families, CommitValidator validator) {
        return commitBatch(ops, opsLen, opCount, null, 0, 0, families, validator);
    }

    /**
     * As {@link #commitBatch(byte[], int, int, LsmTree[], CommitValidator)}, with the record's
     * transaction-log entries: {@code logCount} entries encoded in {@code logs[0, logsLen)} (as
     * {@link CommitRecord#encodeLogEntry} lays them out), written in the same record, so they are
     * durable exactly when the data is.
     */
    public CommitResult commitBatch(byte[] ops, int opsLen, int opCount, byte[] logs, int logsLen, int logCount,
                                    LsmTree[] families, CommitValidator validator) {
        if (logCount > 0 && wal == null) {
            throw new dev.strata.engine.InvalidArgumentException(
                    "transaction-log entries need a WAL: durability NONE keeps none");
        }
        checkLeader();
        int payloadLen = CommitRecord.PAYLOAD_HEADER_SIZE + opsLen + logsLen;
        long seqno;
        long ts;
        store.awaitWriteAllowed();
        appendLock.lock();
        try {
            if (families != null) {
                for (LsmTree t : families) {
                    checkFamily(t);
                }
            }
            int opsAt = beginRecord(payloadLen, opCount, logCount);
            seqno = lastSeqno;
            ts = lastTimestamp;
            if (validator != null) {
                try {
                    validator.validate();
                } catch (RuntimeException | Error e) {
                    unreserve(opsAt);
                    throw e;
                }
            }
            if (opsAt >= 0) {
                System.arraycopy(ops, 0, buf, opsAt, opsLen);
                if (logsLen > 0) {
                    System.arraycopy(logs, 0, buf, opsAt + opsLen, logsLen);
                }
            }
            applier.beginRecord(seqno);
            try {
                CommitRecord.decodeOps(ops, 0, opsLen, opCount, applier);
            } catch (ByteReader.Malformed e) {
                // The batch encoded these bytes itself, and its families were checked: a bug, not damage on disk.
                throw new IllegalStateException("write batch is inconsistent at " + e.offset + ": " + e.getMessage(), e);
            }
            CommitObserver o = observer;
            if (o != null) {
                o.applied(seqno, ts, ops, 0, opsLen, opCount);
            }
            afterApply(seqno);
        } finally {
            appendLock.unlock();
        }
        acknowledge(seqno);
        return new CommitResult(seqno, ts);
    }

    /**
     * Assigns the next seqno and timestamp ({@link #lastSeqno}, {@link #lastTimestamp}) and, with a
     * WAL, frames the record's header in the buffer. Returns where the ops go in {@link #buf}, or
     * -1 in NONE mode. Under {@link #appendLock}.
     */
    private int beginRecord(int payloadLen, int opCount, int logCount) {
        int off = reserve(WalFormat.FRAME_HEADER_SIZE + payloadLen);
        lastSeqno++;
        lastTimestamp = clock.next();
        if (off < 0) {
            return -1;
        }
        Bytes.putInt(buf, off + 4, payloadLen);
        int p = off + WalFormat.FRAME_HEADER_SIZE;
        CommitRecord.encodeHeader(buf, p, lastSeqno, lastTimestamp, opCount, logCount);
        return p + CommitRecord.PAYLOAD_HEADER_SIZE;
    }

    /**
     * Makes room for a frame of {@code frameLen} bytes in the buffer and returns its offset, or -1
     * in NONE mode. Called and returns with {@link #appendLock} held; if the buffer is full it
     * releases the lock while it drives the buffered records to the OS.
     */
    private int reserve(int frameLen) {
        checkWritable();
        if (wal == null) {
            return -1;
        }
        while (bufLen > 0 && bufLen + frameLen > BUFFER_LIMIT) {
            long pending = lastSeqno;
            appendLock.unlock();
            try {
                awaitIo(pending, false);
            } finally {
                appendLock.lock();
            }
            checkWritable();
        }
        if (bufLen + frameLen > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(bufLen + frameLen, Math.min(buf.length * 2, BUFFER_LIMIT)));
        }
        if (bufLen == 0) {
            bufFirstSeqno = lastSeqno + 1;
        }
        int off = bufLen;
        bufLen += frameLen;
        return off;
    }

    /** Waits until the commit may be acknowledged: durable per the mode, then replicated if a gate asks. */
    private void acknowledge(long seqno) {
        awaitAcknowledged(seqno);
        CommitGate g = gate;
        if (g != null) {
            g.awaitReplicated(seqno);
        }
    }

    private void awaitAcknowledged(long seqno) {
        boolean ok = false;
        try {
            switch (mode) {
                case SYNC -> awaitIo(seqno, true);
                case ASYNC -> awaitIo(seqno, false);
                case NONE -> { }
            }
            ok = true;
        } finally {
            CommitObserver o = observer;
            if (o != null) {
                o.acknowledged(seqno, ok);
            }
        }
    }

    /** Forces the WAL up to {@code seqno} (at most the last assigned): a manifest is about to name it as flushed. */
    public void syncTo(long seqno) {
        if (wal == null) {
            return;
        }
        long target;
        appendLock.lock();
        try {
            target = Math.min(seqno, lastSeqno);
        } finally {
            appendLock.unlock();
        }
        awaitIo(target, true);
    }

    /** Forces everything committed so far (ASYNC's periodic sync, flush, close). */
    public void sync() {
        if (wal == null) {
            return;
        }
        long target;
        appendLock.lock();
        try {
            target = lastSeqno;
        } finally {
            appendLock.unlock();
        }
        awaitIo(target, true);
    }

    /**
     * Waits until {@code seqno} is written (or forced, if {@code durable}), leading the I/O
     * itself when no other thread is. Uninterruptible: the record is already committed to the
     * buffer, and the wait is bounded by one write and one force.
     */
    private void awaitIo(long seqno, boolean durable) {
        ioLock.lock();
        try {
            while (true) {
                if ((durable ? durableSeqno : writtenSeqno) >= seqno) {
                    return;
                }
                Throwable f = failure;
                if (f != null) {
                    throw backgroundError(f);
                }
                if (ioBusy) {
                    ioDone.awaitUninterruptibly();
                    continue;
                }
                ioBusy = true;
                ioLock.unlock();
                try {
                    runIo(durable);
                } catch (IOException | RuntimeException | Error e) {
                    fail(e);
                } finally {
                    ioLock.lock();
                    ioBusy = false;
                    ioDone.signalAll();
                }
            }
        } finally {
            ioLock.unlock();
        }
    }

    /** The I/O leader's turn: write what is buffered, force if asked. */
    private void runIo(boolean durable) throws IOException {
        byte[] out;
        int n;
        long first;
        long last;
        appendLock.lock();
        try {
            out = buf;
            n = bufLen;
            first = bufFirstSeqno;
            last = lastSeqno;
            buf = spare;
            bufLen = 0;
        } finally {
            appendLock.unlock();
        }
        // Each visible seqno is published before the seqno its waiters check (written or
        // durable): a committer that finds its seqno acknowledged, even without waiting for
        // this leader, then also finds it visible, so a snapshot taken after the ack sees it.
        if (n > 0) {
            wal.writeFrames(out, 0, n, first, durableSeqno);
            if (mode != Durability.SYNC) {
                visibleSeqno = last;
            }
            writtenSeqno = last;
        }
        if (durable && durableSeqno < writtenSeqno) {
            long target = writtenSeqno;
            wal.force();
            if (mode == Durability.SYNC) {
                visibleSeqno = target;
            }
            durableSeqno = target;
        }
        spare = out.length > BUFFER_LIMIT ? new byte[INITIAL_BUFFER] : out;
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
            wal.abandon();
        }
    }

    private static StrataException backgroundError(Throwable f) {
        if (f instanceof CorruptionException c) {
            return c;
        }
        return new BackgroundErrorException("the database refuses writes after an earlier failure; reopen it to recover", f);
    }

    /**
     * Clean shutdown: forces what is buffered and seals the segment. After a failure, leaves the
     * WAL as it is for recovery.
     */
    public void close() throws IOException {
        if (wal == null) {
            return;
        }
        if (failure != null) {
            wal.abandon();
            return;
        }
        sync();
        ioLock.lock();
        try {
            while (ioBusy) {
                ioDone.awaitUninterruptibly();
            }
            ioBusy = true;
        } finally {
            ioLock.unlock();
        }
        wal.close();
    }

    /** Keeps every WAL segment on disk until {@link #unpinWal()} (a checkpoint is copying them). */
    public void pinWal() {
        if (wal != null) {
            wal.pin();
        }
    }

    public void unpinWal() {
        if (wal != null) {
            wal.unpin();
        }
    }

    /** Work on the WAL writer done while holding the I/O turn. */
    @FunctionalInterface
    public interface WalAction<T> {
        T apply(WalWriter wal) throws IOException;
    }

    /**
     * Runs {@code action} on the WAL writer while holding the I/O turn (no write or force in
     * progress), or returns null in NONE mode: a checkpoint capturing where the WAL ends, or
     * rolling it. A failure of the action is latched like a failed write.
     */
    public <T> T withWal(WalAction<T> action) {
        if (wal == null) {
            return null;
        }
        ioLock.lock();
        try {
            while (ioBusy) {
                ioDone.awaitUninterruptibly();
            }
            Throwable f = failure;
            if (f != null) {
                throw backgroundError(f);
            }
            ioBusy = true;
        } finally {
            ioLock.unlock();
        }
        try {
            return action.apply(wal);
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw backgroundError(e);
        } finally {
            ioLock.lock();
            try {
                ioBusy = false;
                ioDone.signalAll();
            } finally {
                ioLock.unlock();
            }
        }
    }

    public int walSegmentCount() {
        return wal == null ? 0 : wal.segmentCount();
    }

    /** Bytes written to the WAL and forces issued, for statistics. */
    public long walBytesWritten() {
        return wal == null ? 0 : wal.bytesWritten();
    }

    public long walSyncs() {
        return wal == null ? 0 : wal.syncCount();
    }

    // ---------------------------------------------------------------- replication (issue 8)

    /**
     * Holds a commit's acknowledgement until followers have it (semi-synchronous replication).
     * Called on the writer's thread after the commit is durable and visible here; it may throw
     * a {@link StrataException} to fail the writer's call (the commit stays committed locally).
     */
    @FunctionalInterface
    public interface CommitGate {
        void awaitReplicated(long seqno);
    }

    private volatile CommitGate gate;
    /** A follower applies only replicated records; its users' writes are refused. */
    private volatile boolean follower;

    public void commitGate(CommitGate g) {
        this.gate = g;
    }

    public void follower(boolean f) {
        this.follower = f;
    }

    public boolean isFollower() {
        return follower;
    }

    private void checkLeader() {
        if (follower) {
            throw new dev.strata.engine.ReadOnlyException("this database is a follower: it takes writes only from its leader");
        }
    }

    /**
     * Waits until the WAL is forced at least to {@code seqno}; false if {@code timeoutNanos}
     * passed first. For shipping records to followers as they become durable.
     */
    public boolean awaitDurable(long seqno, long timeoutNanos) throws InterruptedException {
        if (durableSeqno >= seqno) {
            return true;
        }
        if (wal == null) {
            return false;
        }
        long left = timeoutNanos;
        ioLock.lock();
        try {
            while (durableSeqno < seqno) {
                Throwable f = failure;
                if (f != null) {
                    throw backgroundError(f);
                }
                if (left <= 0) {
                    return false;
                }
                left = ioDone.awaitNanos(left);
            }
            return true;
        } finally {
            ioLock.unlock();
        }
    }

    /**
     * Applies a commit record received from a leader, with the leader's seqno and timestamp: into
     * this database's WAL (so its transaction log is the leader's) and memtables, acknowledged per
     * this database's durability mode. A record at or below the last applied seqno is a
     * duplicate and skipped (returns null); one further ahead is a gap
     * ({@link dev.strata.engine.InvalidArgumentException}).
     */
    public CommitResult applyReplicated(byte[] payload, int off, int len) {
        if (len < CommitRecord.PAYLOAD_HEADER_SIZE) {
            throw new dev.strata.engine.InvalidArgumentException("a commit record is at least "
                    + CommitRecord.PAYLOAD_HEADER_SIZE + " bytes, got " + len);
        }
        int opsEnd;
        try {
            CommitRecord.decode(payload, off, len, null, null);
            opsEnd = CommitRecord.logSectionOffset(payload, off, len);
        } catch (ByteReader.Malformed m) {
            throw new dev.strata.engine.InvalidArgumentException("malformed replicated commit record at offset "
                    + (m.offset - off) + ": " + m.getMessage());
        }
        long seqno = CommitRecord.seqno(payload, off);
        long ts = CommitRecord.timestamp(payload, off);
        int opCount = CommitRecord.opCount(payload, off);
        int opsOff = off + CommitRecord.PAYLOAD_HEADER_SIZE;
        store.awaitWriteAllowed();
        appendLock.lock();
        try {
            if (seqno <= lastSeqno) {
                return null;
            }
            if (seqno != lastSeqno + 1) {
                throw new dev.strata.engine.InvalidArgumentException("replicated record has seqno " + seqno
                        + " but the last applied is " + lastSeqno + ": records are missing");
            }
            int frame = reserve(WalFormat.FRAME_HEADER_SIZE + len);
            lastSeqno = seqno;
            lastTimestamp = clock.observe(ts);
            if (frame >= 0) {
                Bytes.putInt(buf, frame + 4, len);
                System.arraycopy(payload, off, buf, frame + WalFormat.FRAME_HEADER_SIZE, len);
            }
            applier.beginRecord(seqno);
            try {
                CommitRecord.decodeOps(payload, opsOff, opsEnd - opsOff, opCount, applier);
            } catch (ByteReader.Malformed e) {
                throw new IllegalStateException("replicated record names a column family this database does not have at "
                        + e.offset + ": " + e.getMessage(), e);
            }
            CommitObserver o = observer;
            if (o != null) {
                o.applied(seqno, ts, payload, opsOff, opsEnd - opsOff, opCount);
            }
            afterApply(seqno);
        } finally {
            appendLock.unlock();
        }
        awaitAcknowledged(seqno);
        return new CommitResult(seqno, ts);
    }

    // ---------------------------------------------------------------- observers and validators (issue 5)

    /**
     * Sees every commit, plain or transactional: what transactions check conflicts against, what
     * invalidates the verification table and what feeds change subscriptions.
     */
    public interface CommitObserver {
        /**
         * The record's ops (encoded as in {@link CommitRecord}; the array is only valid during the
         * call). Runs under the append lock, in seqno order, after the ops are in the memtable and
         * before any reader can see them. Must be quick and must not throw.
         */
        void applied(long seqno, long timestamp, byte[] ops, int off, int len, int opCount);

        /**
         * On the committer's thread, once {@code seqno} is visible to readers ({@code ok}), or once
         * its commit has failed (it will never become visible in this process).
         */
        void acknowledged(long seqno, boolean ok);
    }

    /** Checks a transaction under the append lock; throws to refuse its commit. */
    @FunctionalInterface
    public interface CommitValidator {
        void validate();
    }

    private volatile CommitObserver observer;
    /** Encodes a single op for the observer in NONE mode, where it is not in the WAL buffer. */
    private byte[] observerScratch = new byte[256];

    /** Installs the observer of every later commit (null for none). */
    public void observer(CommitObserver o) {
        this.observer = o;
    }

    /** Hands a single op to the observer; {@code opsAt} is where it is in the buffer, -1 in NONE mode. */
    private void observeSingle(long seqno, long ts, int opsAt, int cf, int type, byte[] a, byte[] b, long expiresAt) {
        CommitObserver o = observer;
        if (o == null) {
            return;
        }
        int len = CommitRecord.opSize(cf, a.length, b == null ? -1 : b.length, type == CommitRecord.PUT_TTL);
        if (opsAt >= 0) {
            o.applied(seqno, ts, buf, opsAt, len, 1);
            return;
        }
        if (observerScratch.length < len) {
            observerScratch = new byte[Math.max(len, observerScratch.length * 2)];
        }
        CommitRecord.encodeOp(observerScratch, 0, type, cf, a, b, expiresAt);
        o.applied(seqno, ts, observerScratch, 0, len, 1);
        if (observerScratch.length > 1 << 20) {
            observerScratch = new byte[256];
        }
    }

    /**
     * Takes back the record {@link #beginRecord} just framed at the end of the buffer (its
     * validator refused it): the seqno goes to the next commit. Under {@link #appendLock}.
     */
    private void unreserve(int opsAt) {
        lastSeqno--;
        if (opsAt >= 0) {
            bufLen = opsAt - CommitRecord.PAYLOAD_HEADER_SIZE - WalFormat.FRAME_HEADER_SIZE;
        }
    }
}
