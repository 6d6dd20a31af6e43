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
        int payloadLen = CommitRecord.PAYLOAD_HEADER_SIZE + opsLen;
        long seqno;
        long ts;
        tree.awaitWriteAllowed();
        appendLock.lock();
        try {
            int opsAt = beginRecord(payloadLen, opCount);
            seqno = lastSeqno;
            ts = lastTimestamp;
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
        switch (mode) {
            case SYNC -> awaitIo(seqno, true);
            case ASYNC -> awaitIo(seqno, false);
            case NONE -> { }
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
}
