package dev.strata.bench.jmh;

import dev.strata.bench.Data;
import dev.strata.engine.sst.BloomFilter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bloom probe: {@link BloomFilter#mayContain} on the filter of a table of 100,000 16-byte keys
 * at 10 bits per key (the engine's default, 6 probes, about 1% false positives), as a point read
 * asks it of every table before reading a block. {@link #probePresent} asks for keys in the
 * table (every probe bit is checked); {@link #probeMissing} for keys that are not, which sort
 * between present ones (most probes stop at the first clear bit): the readmissing path.
 */
@State(Scope.Thread)
public class BloomProbeBenchmark extends MicroBenchmark {
    static final int KEYS = 100_000;
    static final int BITS_PER_KEY = 10;
    private static final int PROBES = 1 << 16;

    private byte[] filter;
    private byte[][] present;
    private byte[][] missing;
    private int next;

    @Setup
    public void setup() {
        BloomFilter.Builder builder = new BloomFilter.Builder(BITS_PER_KEY);
        for (int i = 0; i < KEYS; i++) {
            builder.add(Data.key(i));
        }
        filter = builder.build();
        Data.Permutation order = new Data.Permutation(KEYS, SEED, 3);
        present = new byte[PROBES][];
        missing = new byte[PROBES][];
        for (int i = 0; i < PROBES; i++) {
            long idx = order.apply(i % KEYS);
            present[i] = Data.key(idx);
            missing[i] = Data.missingKey(idx);
        }
    }

    @Benchmark
    public boolean probePresent() {
        byte[] k = present[next];
        next = (next + 1) & (PROBES - 1);
        return BloomFilter.mayContain(filter, k, 0, k.length);
    }

    @Benchmark
    public boolean probeMissing() {
        byte[] k = missing[next];
        next = (next + 1) & (PROBES - 1);
        return BloomFilter.mayContain(filter, k, 0, k.length);
    }

    /** Number of distinct keys each probe method cycles through; for tests. */
    static int probes() {
        return PROBES;
    }
}
