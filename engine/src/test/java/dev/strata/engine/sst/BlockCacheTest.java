package dev.strata.engine.sst;

import dev.strata.engine.vfs.MemStorage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BlockCacheTest {

    private static Block block(int size) {
        byte[] data = new byte[size];
        // an empty block's contents (restart 0, count 1) first; the rest is filler the charge counts
        dev.strata.engine.util.Bytes.putInt(data, 0, 0);
        dev.strata.engine.util.Bytes.putInt(data, 4, 1);
        return new Block(Path.of("/t"), 0, data, 8);
    }

    @Test
    void evictionKeepsMemoryBoundedAndCountsHitsAndMisses() {
        BlockCache cache = new BlockCache(256 << 10);
        Random rnd = new Random(1);
        for (int i = 0; i < 5000; i++) {
            long file = rnd.nextInt(10);
            long off = rnd.nextInt(2000) * 4096L;
            if (cache.get(file, off) == null) {
                cache.put(file, off, block(512 + rnd.nextInt(8192)));
            }
            assertThat(cache.usage()).isLessThanOrEqualTo(cache.capacity());
        }
        assertThat(cache.evictions()).isGreaterThan(0);
        assertThat(cache.misses()).isGreaterThan(0);
        assertThat(cache.hits() + cache.misses()).isEqualTo(5000);
        Block b = block(1000);
        cache.put(99, 0, b);
        assertThat(cache.get(99, 0)).isSameAs(b);
        cache.evictFile(99);
        assertThat(cache.get(99, 0)).isNull();
    }

    @Test
    void aZeroCapacityCacheHoldsNothing() {
        BlockCache cache = new BlockCache(0);
        cache.put(1, 0, block(100));
        assertThat(cache.get(1, 0)).isNull();
        assertThat(cache.usage()).isZero();
    }

    @Test
    void aBlockLargerThanAShardIsNotCached() {
        BlockCache cache = new BlockCache(64 << 10);
        cache.put(1, 0, block(128 << 10));
        assertThat(cache.blockCount()).isZero();
    }

    @Test
    void concurrentUseStaysBounded() throws Exception {
        BlockCache cache = new BlockCache(1 << 20);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int seed = t;
            fs.add(pool.submit(() -> {
                Random rnd = new Random(seed);
                for (int i = 0; i < 20_000; i++) {
                    long file = rnd.nextInt(4);
                    long off = rnd.nextInt(1000) * 4096L;
                    if (cache.get(file, off) == null) {
                        cache.put(file, off, block(1024 + rnd.nextInt(8192)));
                    }
                }
            }));
        }
        for (Future<?> f : fs) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(cache.usage()).isLessThanOrEqualTo(cache.capacity());
        assertThat(cache.hits() + cache.misses()).isEqualTo(160_000);
    }

    @Test
    void aSharedCacheServesRepeatedScansWithoutFileReads() {
        Model m = Model.random(new Random(3), 3000, 0, 100);
        MemStorage storage = new MemStorage();
        Path path = Path.of("/db/c.sst");
        m.write(storage, path, TableOptions.DEFAULTS.withCompression(TableOptions.Compression.ZSTD));
        BlockCache cache = new BlockCache(4 << 20);
        try (TableReader r = TableReader.open(storage, path, 12, cache)) {
            TableIterator it = r.iterator();
            for (it.seekToFirst(); it.valid(); it.next()) {
                it.value();
            }
            long reads = storage.reads();
            long blocks = r.properties().dataBlocks();
            assertThat(cache.misses()).isEqualTo(blocks);
            for (it.seekToLast(); it.valid(); it.prev()) {
                it.value();
            }
            assertThat(storage.reads()).isEqualTo(reads);
            assertThat(cache.hits()).isGreaterThanOrEqualTo(blocks);
        }
        // A tiny cache still answers correctly while evicting constantly.
        BlockCache tiny = new BlockCache(16 << 10);
        try (TableReader r = TableReader.open(storage, path, 13, tiny)) {
            TableRoundTripTest.verify(m, r, new Random(4));
            assertThat(tiny.evictions()).isGreaterThan(0);
            assertThat(tiny.usage()).isLessThanOrEqualTo(tiny.capacity());
        }
    }
}
