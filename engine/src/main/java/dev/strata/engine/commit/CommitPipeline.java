package dev.strata.engine.commit;

import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.CommitResult;
import dev.strata.engine.CorruptionException;
import dev.strata.engine.Durability;
import dev.strata.engine.StrataException;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.memtable.Memtable;
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
    private final LsmTree tree;
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
    public CommitPipeline(Durability mode, WalWriter wal, LsmTree tree, MonotonicClock clock,
                          long recoveredSeqno) {
        this.mode = mode;
        this.wal = wal;
        this.tree = tree;
        this.applier = new MemtableApplier(tree.activeMemtable());
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
        tree.checkBackgroundError();
    }

    /**
     * Commits one put, delete or delete-range ({@code type} from {@link CommitRecord}; {@code b}
     * is the value or the range end, null for a delete) with no intermediate batch object.
     */
    public CommitResult commitSingle(int type, byte[] a, byte[] b) {
        return commitSingle(type, a, b, 0L);
    }

    /** As {@link #commitSingle(int, byte[], byte[])}; {@code expiresAt} for PUT_TTL (ms since the epoch). */
    public CommitResult commitSingle(int type, byte[] a, byte[] b, long expiresAt) {
        int payloadLen = CommitRecord.PAYLOAD_HEADER_SIZE
                + CommitRecord.opSize(0, a.length, b == null ? -1 : b.length, type == CommitRecord.PUT_TTL);
        long seqno;
        long ts;
        tree.awaitWriteAllowed();
        appendLock.lock();
        try {
            int ops = beginRecord(payloadLen, 1);
            seqno = lastSeqno;
            ts = lastTimestamp;
            if (ops >= 0) {
                CommitRecord.encodeOp(buf, ops, type, 0, a, b, expiresAt);
            }
            Memtable memtable = tree.activeMemtable();
            applier.beginRecord(memtable, seqno);
            switch (type) {
                case CommitRecord.PUT -> applier.put(a, b, 0L);
                case CommitRecord.PUT_TTL -> applier.put(a, b, expiresAt);
                case CommitRecord.DELETE -> applier.delete(a);
                case CommitRecord.DELETE_RANGE -> applier.deleteRange(a, b);
                default -> throw new IllegalArgumentException("op type " + type);
            }
            observeSingle(seqno, ts, ops, type, a, b, expiresAt);
            afterApply(memtable, seqno);
        } finally {
            appendLock.unlock();
        }
        awaitAcknowledged(seqno);
        return new CommitResult(seqno, ts);
    }

    /**
     * Ends the record's apply, publishes it (NONE mode) and hands a full memtable to the tree.
     * Under the append lock.
     */
    private void afterApply(Memtable memtable, long seqno) {
        applier.endRecord();
        if (wal == null) {
            visibleSeqno = seqno;
        }
        if (memtable.approximateBytes() >= tree.memtableSize()) {
            tree.switchMemtable(seqno);
        }
    }

    /** Makes the active memtable immutable so it is flushed (flush, close in NONE mode). */
    public void switchMemtable() {
        appendLock.lock();
        try {
            tree.switchMemtable(lastSeqno);
        } finally {
            appendLock.unlock();
        }
    }

    /** Commits a write batch's encoded ops ({@code opCount} ops in {@code ops[0, opsLen)}). */
    public CommitResult commitBatch(byte[] ops, int opsLen, int opCount) {
        return commitBatch(ops, opsLen, opCount, null);
    }

    /**
     * As {@link #commitBatch(byte[], int, int)}, running {@code validator} (if not null) under the
     * append lock once the record's seqno is reserved and before its ops apply: no other commit
     * can come between the check and this one. If the validator throws, nothing is committed,
     * the seqno is taken back and the exception propagates (a transaction's conflict check).
     */
    public CommitResult commitBatch(byte[] ops, int opsLen, int opCount, CommitValidator validator) {
        int payloadLen = CommitRecord.PAYLOAD_HEADER_SIZE + opsLen;
        long seqno;
        long ts;
        tree.awaitWriteAllowed();
        appendLock.lock();
        try {
            int opsAt = beginRecord(payloadLen, opCount);
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
            }
            Memtable memtable = tree.activeMemtable();
            applier.beginRecord(memtable, seqno);
            try {
                CommitRecord.decodeOps(ops, 0, opsLen, opCount, applier);
            } catch (ByteReader.Malformed e) {
                // The batch encoded these bytes itself: this is a bug, not damage on disk.
                throw new IllegalStateException("write batch encoding is inconsistent at " + e.offset, e);
            }
            CommitObserver o = observer;
            if (o != null) {
                o.applied(seqno, ts, ops, 0, opsLen, opCount);
            }
            afterApply(memtable, seqno);
        } finally {
            appendLock.unlock();
        }
        awaitAcknowledged(seqno);
        return new CommitResult(seqno, ts);
    }

    /**
     * Assigns the next seqno and timestamp ({@link #lastSeqno}, {@link #lastTimestamp}) and, with a
     * WAL, frames the record's header in the buffer. Returns where the ops go in {@link #buf}, or
     * -1 in NONE mode. Under {@link #appendLock}.
     */
    private int beginRecord(int payloadLen, int opCount) {
        int off = reserve(WalFormat.FRAME_HEADER_SIZE + payloadLen);
        lastSeqno++;
        lastTimestamp = clock.next();
        if (off < 0) {
            return -1;
        }
        Bytes.putInt(buf, off + 4, payloadLen);
        int p = off + WalFormat.FRAME_HEADER_SIZE;
        CommitRecord.encodeHeader(buf, p, lastSeqno, lastTimestamp, opCount, 0);
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
        // Visibility is published before the seqno a waiter checks (written, or durable in SYNC):
        // a committer that returns must be able to read its own write at once.
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

    /** Deletes WAL segments whose records are all in tables (called after each flush). */
    public void deleteObsoleteSegments(long flushedSeqno) throws IOException {
        if (wal != null) {
            wal.deleteSegmentsUpTo(flushedSeqno);
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
    private void observeSingle(long seqno, long ts, int opsAt, int type, byte[] a, byte[] b, long expiresAt) {
        CommitObserver o = observer;
        if (o == null) {
            return;
        }
        int len = CommitRecord.opSize(0, a.length, b == null ? -1 : b.length, type == CommitRecord.PUT_TTL);
        if (opsAt >= 0) {
            o.applied(seqno, ts, buf, opsAt, len, 1);
            return;
        }
        if (observerScratch.length < len) {
            observerScratch = new byte[Math.max(len, observerScratch.length * 2)];
        }
        CommitRecord.encodeOp(observerScratch, 0, type, 0, a, b, expiresAt);
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
