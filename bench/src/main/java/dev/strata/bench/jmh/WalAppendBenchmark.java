package dev.strata.bench.jmh;

import dev.strata.bench.Data;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.WalFormat;
import dev.strata.engine.wal.WalWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * WAL frame append into an {@link InMemoryStorage}: {@link WalWriter#writeFrames} of one frame
 * holding a one-put record (16-byte key, 100-byte value; 156 bytes with the frame header), after
 * the record's seqno is stamped in. That is the salted CRC32C of the frame, the durable-seqno
 * stamp and the copy into the segment; no fsync (ASYNC and NONE modes never force per commit,
 * and a force here would time the disk, not the engine) and no preallocation (its zeros are
 * written in SYNC mode only). Encoding is measured by {@link CommitRecordBenchmark}.
 *
 * <p>Segments roll at {@link #segmentBytes} (16 MiB, the engine's default) and the sealed one is
 * deleted right after, as after a flush, so memory stays bounded; each roll (seal, truncate,
 * new segment header) is inside the average, once per about 100,000 appends.
 */
@State(Scope.Thread)
public class WalAppendBenchmark extends MicroBenchmark {
    @Param("16777216")
    public long segmentBytes;

    private InMemoryStorage storage;
    private WalWriter wal;
    private byte[] frame;
    private long seqno;
    private long segment;

    @Setup
    public void setup() throws IOException {
        storage = new InMemoryStorage();
        Path dir = Path.of("/strata-bench/wal");
        storage.createDirectories(dir);
        wal = WalWriter.create(storage, dir, 1, 1, segmentBytes, Map.of(), false);
        segment = wal.segmentNumber();
        byte[][] key = {Data.key(42)};
        byte[][] value = {new Data(SEED).value(42, 0)};
        int payload = CommitRecord.PAYLOAD_HEADER_SIZE + CommitRecord.opSize(0, key[0].length, value[0].length, false);
        frame = new byte[WalFormat.FRAME_HEADER_SIZE + payload];
        Bytes.putInt(frame, 4, payload);
        CommitRecordBenchmark.encodePuts(frame, WalFormat.FRAME_HEADER_SIZE, 1, key, value);
    }

    @TearDown
    public void tearDown() throws IOException {
        wal.close();
    }

    @Benchmark
    public long append() throws IOException {
        long s = ++seqno;
        Bytes.putLong(frame, WalFormat.FRAME_HEADER_SIZE, s);
        wal.writeFrames(frame, 0, frame.length, s, s - 1);
        if (wal.segmentNumber() != segment) {
            segment = wal.segmentNumber();
            deletePrevious(segment - 1);
        }
        return wal.bytesWritten();
    }

    /** Deletes a sealed segment, as retention does once its records are in tables (memory stays flat). */
    private void deletePrevious(long number) throws IOException {
        storage.delete(wal.directory().resolve(dev.strata.engine.wal.WalFormat.fileName(number)));
        wal.forgetSegment(number);
    }

    /** The storage the segments are written to; for tests. */
    InMemoryStorage storage() {
        return storage;
    }

    /** The seqno of the last frame appended; for tests. */
    long lastSeqno() {
        return seqno;
    }
}
