package dev.strata.bench.jmh;

import dev.strata.bench.Data;
import dev.strata.engine.memtable.Memtable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Memtable insert: what the commit pipeline does to apply one put (16-byte key, 100-byte value)
 * once its record is encoded, as {@code MemtableApplier.put} does it: a copy of key and value (the
 * caller may reuse its arrays) and a skip-list insert into {@link Memtable}. (The applier itself
 * needs a whole column-family store around it; this is its per-put work without the lookup of
 * the family.)
 *
 * <p>Keys arrive in a random order. The memtable grows from empty to {@link #memtableBytes}
 * (64 MiB, Strata's default, about 300,000 entries) and is then replaced by an empty one, as a
 * flush would, so the figure is the average over a memtable's life (the skip list gets deeper
 * as it fills) and includes the garbage collection of the replaced ones.
 */
@State(Scope.Thread)
public class MemtableInsertBenchmark extends MicroBenchmark {
    /** Distinct keys, cycled through; more than a full memtable holds. */
    static final int KEYS = 1 << 20;
    private static final int VALUES = 1 << 10;

    /** The size at which the memtable is replaced by an empty one. */
    @Param("67108864")
    public long memtableBytes;

    private byte[][] keys;
    private byte[][] values;
    private Memtable memtable;
    private long seqno;
    private int next;

    @Setup
    public void setup() {
        Data data = new Data(SEED);
        Data.Permutation order = new Data.Permutation(KEYS, SEED, 1);
        keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = Data.key(order.apply(i));
        }
        values = new byte[VALUES][];
        for (int i = 0; i < VALUES; i++) {
            values[i] = data.value(i, 0);
        }
        memtable = new Memtable();
    }

    @Benchmark
    public Memtable applyPut() {
        if (memtable.approximateBytes() >= memtableBytes) {
            memtable = new Memtable();
        }
        int i = next;
        next = (i + 1) & (KEYS - 1);
        memtable.put(keys[i].clone(), values[i & (VALUES - 1)].clone(), ++seqno, 0L);
        return memtable;
    }

    /** The memtable being filled; for tests. */
    Memtable memtable() {
        return memtable;
    }
}
