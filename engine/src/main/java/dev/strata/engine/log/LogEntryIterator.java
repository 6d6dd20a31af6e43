package dev.strata.engine.log;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.WalFormat;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The entries of one transaction log that a {@link LogQuery} matches, oldest first, streamed
 * from the WAL: memory holds one segment reader's window and the entries of one transaction,
 * whatever the size of the log. Close it (try-with-resources) to release its file; a
 * {@link #stream()} closes it when the stream is closed.
 */
public final class LogEntryIterator implements Iterator<LogEntry>, AutoCloseable {
    private final RecordWalk walk;
    private final byte[] name;
    private final LogQuery q;
    private final ArrayDeque<LogEntry> pending = new ArrayDeque<>();
    private boolean foundExact;
    private boolean done;

    LogEntryIterator(RecordWalk walk, byte[] name, LogQuery q) {
        this.walk = walk;
        this.name = name;
        this.q = q;
    }

    @Override
    public boolean hasNext() {
        while (pending.isEmpty() && !done) {
            if (!walk.next()) {
                done = true;
                break;
            }
            readRecord();
        }
        return !pending.isEmpty();
    }

    @Override
    public LogEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll();
    }

    private void readRecord() {
        long seqno = walk.seqno();
        long ts = walk.timestamp();
        if (seqno > q.toSeqno() || ts >= q.end()) {
            done = true; // seqnos and timestamps only grow from here
            return;
        }
        byte[] buf = walk.buffer();
        int off = walk.offset();
        if (CommitRecord.logCount(buf, off) == 0) {
            return;
        }
        if (q.exactStart() && !foundExact) {
            if (ts > q.start()) {
                done = true; // no transaction has exactly that timestamp
                return;
            }
            if (ts < q.start() || !hasEntryOfLog(buf, off)) {
                return;
            }
            foundExact = true;
        }
        if (ts < q.start() || (q.exclusiveStart() && ts == q.start())) {
            return;
        }
        visitEntries(buf, off, (b, dOff, dLen) -> pending.add(new LogEntry(ts, seqno, Arrays.copyOfRange(b, dOff, dOff + dLen), false)));
        if (!pending.isEmpty()) {
            LogEntry last = pending.pollLast();
            pending.addLast(new LogEntry(last.timestamp(), last.seqno(), last.data(), true));
        }
    }

    private boolean hasEntryOfLog(byte[] buf, int off) {
        boolean[] found = {false};
        visitEntries(buf, off, (b, dOff, dLen) -> found[0] = true);
        return found[0];
    }

    private interface EntryData {
        void data(byte[] buf, int off, int len);
    }

    /** Calls {@code sink} with the data of each entry of this log in the current record. */
    private void visitEntries(byte[] buf, int off, EntryData sink) {
        try {
            CommitRecord.decode(buf, off, walk.length(), null, (b, nOff, nLen, dOff, dLen) -> {
                if (Arrays.equals(b, nOff, nOff + nLen, name, 0, name.length)) {
                    sink.data(b, dOff, dLen);
                }
            });
        } catch (ByteReader.Malformed m) {
            throw new CorruptionException(walk.segmentPath(), walk.recordOffset() + WalFormat.FRAME_HEADER_SIZE
                    + (m.offset - off), "malformed commit record: " + m.getMessage());
        }
    }

    /** The remaining entries as a stream that closes this iterator when closed. */
    public Stream<LogEntry> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    @Override
    public void close() {
        done = true;
        pending.clear();
        walk.close();
    }
}
