package dev.strata.bench.jmh;

import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CRC32C, the checksum of every WAL frame, SST block, table header and manifest record: the
 * JDK's {@link CRC32C} (an intrinsic on x86 and ARM), reset and run over {@link #bytes} bytes,
 * as the engine calls it. 160 bytes is the frame of a one-put WAL record (16-byte key, 100-byte
 * value); 4,096 is a data block.
 */
@State(Scope.Thread)
public class Crc32cBenchmark extends MicroBenchmark {
    @Param({"160", "4096"})
    public int bytes;

    private final CRC32C crc = new CRC32C();
    private byte[] data;

    @Setup
    public void setup() {
        data = new byte[bytes];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < bytes; i++) {
            data[i] = (byte) random.nextInt(256);
        }
    }

    @Benchmark
    public long checksum() {
        crc.reset();
        crc.update(data, 0, data.length);
        return crc.getValue();
    }

    /** The bytes checksummed; for tests. */
    byte[] data() {
        return data;
    }
}
