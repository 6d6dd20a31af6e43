package dev.strata.bench.jmh;

import dev.strata.bench.Data;
import dev.strata.engine.sst.BlockCache;
import dev.strata.engine.sst.TableEntry;
import dev.strata.engine.sst.TableIterator;
import dev.strata.engine.sst.TableOptions;
import dev.strata.engine.sst.TableReader;
import dev.strata.engine.sst.TableWriter;
import java.io.IOException;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * SST block seek, through the nearest public path: a data block's own cursor is package-private
 * in the engine, so one operation is {@link TableIterator#seek(byte[])} ({@link #seek}) or
 * {@link TableReader#get} ({@link #get}) on one table whose every block is in the block cache.
 *
 * <ul>
 *   <li>{@link #seek}: a binary search of the index block's restart points, a block cache lookup
 *       (key object, shard lock, LRU touch), then a binary search of the data block's restart
 *       points and a linear scan of up to 16 prefix-compressed entries.</li>
 *   <li>{@link #get}: a bloom probe, the same two seeks, and a copy of the 100-byte value into
 *       a new {@link TableEntry}: what one table costs a point read that reaches it.</li>
 * </ul>
 * With {@code keys = 30} the table is one 4 KiB data block, so the index search is trivial and
 * the figure is close to a block seek alone; with 100,000 keys (about 3,400 blocks) it adds a
 * realistic index search. Written with the engine's default table options (4 KiB blocks, restart
 * every 16 entries, bloom 10 bits/key, no compression) into an {@link InMemoryStorage}.
 */
@State(Scope.Thread)
public class BlockSeekBenchmark extends MicroBenchmark {
    private static final int TARGETS = 1 << 16;

    /** Keys in the table: 30 fill one data block. */
    @Param({"30", "100000"})
    public int keys;

    private TableReader reader;
    private TableIterator iterator;
    private byte[][] targets;
    private int next;

    @Setup
    public void setup() throws IOException {
        InMemoryStorage storage = new InMemoryStorage();
        Path dir = Path.of("/strata-bench/sst");
        storage.createDirectories(dir);
        Path file = dir.resolve("000001.sst");
        Data data = new Data(SEED);
        TableWriter writer = new TableWriter(storage.create(file), TableOptions.DEFAULTS);
        for (int i = 0; i < keys; i++) {
            // seqno = index + 1, so a seek's result says which key it found.
            writer.put(Data.key(i), i + 1L, data.value(i, 0));
        }
        writer.finish();
        reader = TableReader.open(storage, file, 1, new BlockCache(256L << 20));
        iterator = reader.iterator();
        // One full scan loads every block into the cache: the benchmark times cached seeks.
        for (iterator.seekToFirst(); iterator.valid(); iterator.next()) {
            iterator.seqno();
        }
        Data.Permutation order = new Data.Permutation(keys, SEED, 2);
        targets = new byte[TARGETS][];
        for (int i = 0; i < TARGETS; i++) {
            targets[i] = Data.key(order.apply(i % keys));
        }
    }

    @TearDown
    public void tearDown() {
        reader.close();
    }

    /** Seeks to a random existing key; returns the seqno found (its index + 1). */
    @Benchmark
    public long seek() {
        byte[] k = targets[next];
        next = (next + 1) & (TARGETS - 1);
        iterator.seek(k);
        return iterator.seqno();
    }

    /** Reads a random existing key; returns its entry. */
    @Benchmark
    public TableEntry get() {
        byte[] k = targets[next];
        next = (next + 1) & (TARGETS - 1);
        return reader.get(k, Long.MAX_VALUE);
    }

    /** The table being read; for tests. */
    TableReader reader() {
        return reader;
    }
}
