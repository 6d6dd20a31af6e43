package dev.strata.replication.testing;

import dev.strata.engine.ClosedException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.StrataIOException;
import dev.strata.replication.spi.CommitGate;
import dev.strata.replication.spi.LogGoneException;
import dev.strata.replication.spi.LogHold;
import dev.strata.replication.spi.RecordCursor;
import dev.strata.replication.spi.ReplicaOpener;
import dev.strata.replication.spi.ReplicaTarget;
import dev.strata.replication.spi.ReplicationSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real, in-memory commit log that implements both adapter interfaces, so the protocol is tested
 * end to end without the engine: commits get consecutive seqnos and commit-record payloads in the
 * docs/format.md layout (one PUT on family 0); durability can lag the commits (to show that only
 * durable records ship); the log can be truncated (what WAL deletion does), respecting holds up to
 * a byte cap past which a hold is dropped; checkpoints are files ({@code data/records.bin} and
 * {@code CHECKPOINT}) that {@link #opener()} opens again, as the engine opens a checkpoint
 * directory. Thread-safe: every method synchronizes on the log.
 */
public final class MemoryLog implements ReplicationSource, ReplicaTarget {
    private final Path dir;
    private final List<byte[]> records = new ArrayList<>();
    private final Map<Hold, String> holds = new HashMap<>();
    private long durable;
    private long firstKept = 1;
    private boolean writable;
    private boolean autoDurable = true;
    private long holdCapBytes = Long.MAX_VALUE;
    private volatile CommitGate gate;
    private boolean closed;
    private long droppedHolds;

    private MemoryLog(Path dir, boolean writable) {
        this.dir = dir;
        this.writable = writable;
    }

    /** A writable log (a leader's database) in {@code dir}. */
    public static MemoryLog leader(Path dir) {
        MemoryLog log = new MemoryLog(dir, true);
        log.load();
        return log;
    }

    /** Opens follower logs from their directories (what a checkpoint left there, if anything). */
    public static ReplicaOpener opener() {
        return dir -> {
            MemoryLog log = new MemoryLog(dir, false);
            log.load();
            return log;
        };
    }

    // ---------------------------------------------------------------- writes

    /** Commits one put; returns its seqno (after the commit gate, if one is installed, let it go). */
    public long put(String key, String value) {
        long seqno;
        synchronized (this) {
            check();
            if (!writable) {
                throw new ReadOnlyException("this log is a follower");
            }
            seqno = records.size() + 1L;
            records.add(encode(seqno, System.currentTimeMillis(), key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8)));
            if (autoDurable) {
                durable = seqno;
            }
            notifyAll();
        }
        CommitGate g = gate;
        if (g != null) {
            g.awaitReplicated(seqno);
        }
        return seqno;
    }

    /** A commit record: seqno, timestamp, 1 op, 0 log entries, PUT cf 0 key value. */
    static byte[] encode(long seqno, long timestamp, byte[] key, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(24 + 2 + 10 + key.length + 10 + value.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(seqno).putLong(timestamp).putInt(1).putInt(0).put((byte) 1).put((byte) 0);
        varint(b, key.length);
        b.put(key);
        varint(b, value.length);
        b.put(value);
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    private static void varint(ByteBuffer b, int v) {
        while ((v & ~0x7f) != 0) {
            b.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    /** Stops (false) or resumes (true) making each commit durable at once. */
    public synchronized void autoDurable(boolean on) {
        autoDurable = on;
        if (on) {
            durable = records.size();
            notifyAll();
        }
    }

    /** Makes every commit up to {@code seqno} durable (as a WAL force would). */
    public synchronized void makeDurable(long seqno) {
        durable = Math.max(durable, Math.min(seqno, records.size()));
        notifyAll();
    }

    /**
     * Forgets every record after {@code keep}, as a leader restored from an older copy, or one
     * whose acknowledged tail a power cut took, would come back.
     */
    public synchronized void loseTail(long keep) {
        while (records.size() > keep) {
            records.remove(records.size() - 1);
        }
        durable = Math.min(durable, keep);
        firstKept = Math.min(firstKept, keep + 1);
    }

    /** The most bytes a hold may keep before it is dropped. */
    public synchronized void holdCapBytes(long cap) {
        holdCapBytes = cap;
    }

    /**
     * Deletes whole records up to {@code seqno} from "disk" (the data stays in the state), unless
     * a hold keeps them; holds keeping more than the cap are dropped first.
     */
    public synchronized void truncateLog(long seqno) {
        long keep = Math.min(seqno + 1, durable + 1);
        for (Map.Entry<Hold, String> e : holds.entrySet()) {
            Hold h = e.getKey();
            if (h.dropped) {
                continue;
            }
            if (bytesFrom(h.from) > holdCapBytes) {
                h.dropped = true;
                droppedHolds++;
            } else {
                keep = Math.min(keep, h.from);
            }
        }
        firstKept = Math.max(firstKept, keep);
    }

    private long bytesFrom(long from) {
        long n = 0;
        for (long s = Math.max(from, 1); s <= records.size(); s++) {
            n += records.get((int) s - 1).length;
        }
        return n;
    }

    public synchronized long droppedHolds() {
        return droppedHolds;
    }

    public synchronized long firstKept() {
        return firstKept;
    }

    public synchronized int activeHolds() {
        return (int) holds.keySet().stream().filter(h -> !h.dropped).count();
    }

    /** Every record, seqno 1 first (copies). */
    public synchronized List<byte[]> records() {
        List<byte[]> out = new ArrayList<>(records.size());
        for (byte[] r : records) {
            out.add(r.clone());
        }
        return out;
    }

    public synchronized long latestSeqno() {
        return records.size();
    }

    // ---------------------------------------------------------------- ReplicationSource

    @Override
    public synchronized long durableSeqno() {
        return durable;
    }

    @Override
    public synchronized boolean awaitDurable(long seqno, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (durable < seqno && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return durable >= seqno;
    }

    @Override
    public synchronized RecordCursor read(long fromSeqno) {
        check();
        if (fromSeqno < firstKept) {
            throw new LogGoneException("seqno " + fromSeqno + " is older than the oldest kept, " + firstKept);
        }
        List<byte[]> slice = new ArrayList<>();
        for (long s = fromSeqno; s <= durable; s++) {
            slice.add(records.get((int) s - 1));
        }
        return new RecordCursor() {
            private int i = -1;

            public boolean next() {
                return ++i < slice.size();
            }

            public long seqno() {
                return fromSeqno + i;
            }

            public byte[] buffer() {
                return slice.get(i);
            }

            public int offset() {
                return 0;
            }

            public int length() {
                return slice.get(i).length;
            }

            public void close() {
            }
        };
    }

    @Override
    public synchronized LogHold hold(String holder, long fromSeqno) {
        check();
        if (fromSeqno < firstKept) {
            throw new LogGoneException("cannot hold from seqno " + fromSeqno + ": the oldest kept is " + firstKept);
        }
        Hold h = new Hold(fromSeqno);
        holds.put(h, holder);
        return h;
    }

    @Override
    public synchronized Checkpoint checkpoint(Path target) {
        check();
        try {
            Files.createDirectories(target.resolve("data"));
            ByteBuffer b = ByteBuffer.allocate((int) bytesFrom(1) + 4 * records.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (long s = 1; s <= durable; s++) {
                byte[] r = records.get((int) s - 1);
                b.putInt(r.length).put(r);
            }
            Files.write(target.resolve("data/records.bin"), java.util.Arrays.copyOf(b.array(), b.position()));
            Files.writeString(target.resolve("CHECKPOINT"), Long.toString(durable));
            return new Checkpoint(target, durable);
        } catch (IOException e) {
            throw new StrataIOException("checkpoint into " + target, e);
        }
    }

    @Override
    public void commitGate(CommitGate gate) {
        this.gate = gate;
    }

    private void load() {
        Path file = dir.resolve("data/records.bin");
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
                while (b.hasRemaining()) {
                    byte[] r = new byte[b.getInt()];
                    b.get(r);
                    records.add(r);
                }
                durable = records.size();
                firstKept = 1;
            }
        } catch (IOException e) {
            throw new StrataIOException("open " + dir, e);
        }
    }

    /** Writes the state where {@link #opener()} finds it again (what a clean close of a database keeps). */
    public synchronized void persist() {
        checkpointInto(dir);
    }

    private void checkpointInto(Path d) {
        long saved = durable;
        durable = records.size();
        try {
            checkpoint(d);
        } finally {
            durable = saved;
        }
    }

    // ---------------------------------------------------------------- ReplicaTarget

    @Override
    public synchronized long appliedSeqno() {
        return records.size();
    }

    @Override
    public synchronized boolean apply(byte[] buffer, int offset, int length) {
        check();
        long seqno = ByteBuffer.wrap(buffer, offset, length).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
        if (seqno <= records.size()) {
            return false;
        }
        if (seqno != records.size() + 1L) {
            throw new InvalidArgumentException("replicated seqno " + seqno + " after " + records.size());
        }
        records.add(java.util.Arrays.copyOfRange(buffer, offset, offset + length));
        durable = seqno;
        notifyAll();
        return true;
    }

    @Override
    public ReplicationSource source() {
        return this;
    }

    @Override
    public synchronized void promote() {
        writable = true;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            persist(); // what a database keeps over a clean close
            closed = true;
            notifyAll();
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    private void check() {
        if (closed) {
            throw new ClosedException("log " + dir + " is closed");
        }
    }

    private final class Hold implements LogHold {
        private long from;
        private boolean dropped;

        Hold(long from) {
            this.from = from;
        }

        @Override
        public void advance(long ackedSeqno) {
            synchronized (MemoryLog.this) {
                from = Math.max(from, ackedSeqno + 1);
            }
        }

        @Override
        public boolean dropped() {
            synchronized (MemoryLog.this) {
                return dropped;
            }
        }

        @Override
        public void close() {
            synchronized (MemoryLog.this) {
                holds.remove(this);
            }
        }
    }
}
