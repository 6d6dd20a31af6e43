package dev.strata.bench.jmh;

import dev.strata.bench.Data;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.wal.CommitRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Commit record encode and decode, the format every commit takes in the WAL, in recovery and
 * (later) on the wire to followers. A record holds {@link #ops} puts of a 16-byte key and a
 * 100-byte value: 1 is a single put, 1,000 a {@code fillbatch} write batch.
 *
 * <ul>
 *   <li>{@link #encode}: the 24-byte payload header and each op
 *       ({@link CommitRecord#encodeHeader}, {@link CommitRecord#encodeOp}) into a reused buffer,
 *       as the commit pipeline frames a record; no allocation.</li>
 *   <li>{@link #decode}: {@link CommitRecord#decode} of that payload with bounds checks on every
 *       length, handing each op's offsets to a visitor that only adds them up (recovery's and
 *       a follower's parse, without the memtable insert measured by
 *       {@link MemtableInsertBenchmark}).</li>
 * </ul>
 */
@State(Scope.Thread)
public class CommitRecordBenchmark extends MicroBenchmark {
    @Param({"1", "1000"})
    public int ops;

    private byte[][] keys;
    private byte[][] values;
    private byte[] buf;
    private int payloadLength;
    private final OffsetSum visitor = new OffsetSum();

    @Setup
    public void setup() {
        Data data = new Data(SEED);
        keys = new byte[ops][];
        values = new byte[ops][];
        int len = CommitRecord.PAYLOAD_HEADER_SIZE;
        for (int i = 0; i < ops; i++) {
            keys[i] = Data.key(i);
            values[i] = data.value(i, 0);
            len += CommitRecord.opSize(0, keys[i].length, values[i].length, false);
        }
        buf = new byte[len];
        payloadLength = encodePuts(buf, 0, 1, keys, values);
    }

    @Benchmark
    public int encode() {
        return encodePuts(buf, 0, 1, keys, values);
    }

    @Benchmark
    public long decode() throws ByteReader.Malformed {
        visitor.sum = 0;
        CommitRecord.decode(buf, 0, payloadLength, visitor, null);
        return visitor.sum;
    }

    /**
     * Encodes the payload of a record of puts with this seqno at {@code off}; returns its length.
     * The caller has sized {@code dst} with {@link CommitRecord#opSize}.
     */
    static int encodePuts(byte[] dst, int off, long seqno, byte[][] keys, byte[][] values) {
        CommitRecord.encodeHeader(dst, off, seqno, 1_700_000_000_000L, keys.length, 0);
        int p = off + CommitRecord.PAYLOAD_HEADER_SIZE;
        for (int i = 0; i < keys.length; i++) {
            p = CommitRecord.encodeOp(dst, p, CommitRecord.PUT, 0, keys[i], values[i], 0L);
        }
        return p - off;
    }

    /** The encoded payload; for tests. */
    byte[] payload() {
        return java.util.Arrays.copyOf(buf, payloadLength);
    }

    /** Adds up what it is shown, so the decoder's work cannot be optimised away. */
    static final class OffsetSum implements CommitRecord.OpVisitor {
        long sum;

        @Override
        public void put(int cf, byte[] b, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) {
            sum += keyOff + keyLen + valueOff + valueLen;
        }

        @Override
        public void delete(int cf, byte[] b, int keyOff, int keyLen) {
            sum += keyOff + keyLen;
        }

        @Override
        public void deleteRange(int cf, byte[] b, int startOff, int startLen, int endOff, int endLen) {
            sum += startOff + startLen + endOff + endLen;
        }
    }
}
