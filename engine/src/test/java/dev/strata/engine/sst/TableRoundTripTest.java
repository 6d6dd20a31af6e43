package dev.strata.engine.sst;

import dev.strata.engine.vfs.MemStorage;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Random tables compared against {@link Model} under every combination of layout options. */
class TableRoundTripTest {
    private static final int SEEDS = Integer.getInteger("strata.test.seeds", 4);

    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        for (int blockSize : new int[] {256, 16 << 10}) {
            for (String comp : new String[] {"none", "zstd", "zstd+dict"}) {
                for (int bloom : new int[] {0, 10}) {
                    for (long cache : new long[] {0, 1 << 20}) {
                        TableOptions o = TableOptions.DEFAULTS.withBlockSize(blockSize).withBloomBitsPerKey(bloom);
                        if (!comp.equals("none")) {
                            o = o.withCompression(TableOptions.Compression.ZSTD);
                        }
                        if (comp.equals("zstd+dict")) {
                            o = o.withDictionary(4096, 0);
                        }
                        out.add(Arguments.of(blockSize + "B/" + comp + "/bloom" + bloom + "/cache" + cache, o, cache));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void randomTablesMatchTheModel(String name, TableOptions options, long cacheBytes) {
        for (int s = 0; s < SEEDS; s++) {
            long seed = name.hashCode() * 1_000_003L + s;
            try {
                runOne(seed, options, cacheBytes);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed with seed " + seed + " config " + name + ": " + e, e);
            }
        }
    }

    private void runOne(long seed, TableOptions options, long cacheBytes) {
        Random rnd = new Random(seed);
        Model m = Model.random(rnd, 300 + rnd.nextInt(1500), rnd.nextInt(20), 600);
        MemStorage storage = new MemStorage();
        Path path = Path.of("/db/000001.sst");
        TableProperties written = m.write(storage, path, options);
        BlockCache cache = cacheBytes > 0 ? new BlockCache(cacheBytes) : null;
        try (TableReader r = TableReader.open(storage, path, 1, cache)) {
            TableProperties p = r.properties();
            assertThat(p.entries()).isEqualTo(m.entries.size());
            assertThat(p.rangeTombstones()).isEqualTo(m.tombstones.size());
            assertThat(p.toString()).isEqualTo(written.toString());
            if (options.usesDictionary()) {
                assertThat(p.dictionaryBytes()).as("dictionary trained").isGreaterThan(0);
            }
            verify(m, r, rnd);
            if (cache != null) {
                verify(m, r, rnd);
                assertThat(cache.hits()).isGreaterThan(0);
                assertThat(cache.usage()).isLessThanOrEqualTo(cache.capacity());
            }
        }
    }

    /** Compares gets, range tombstone queries, both scan directions and seeks with the model. */
    static void verify(Model m, TableReader r, Random rnd) {
        List<Model.Entry> es = m.entries;
        TableIterator it = r.iterator();
        int i = 0;
        for (it.seekToFirst(); it.valid(); it.next()) {
            assertThat(i).as("forward scan longer than the model").isLessThan(es.size());
            assertThat(Model.same(es.get(i), it)).as("forward entry %d %s", i, es.get(i)).isTrue();
            i++;
        }
        assertThat(i).as("forward scan length").isEqualTo(es.size());
        i = es.size() - 1;
        for (it.seekToLast(); it.valid(); it.prev()) {
            assertThat(i).as("backward scan longer than the model").isGreaterThanOrEqualTo(0);
            assertThat(Model.same(es.get(i), it)).as("backward entry %d %s", i, es.get(i)).isTrue();
            i--;
        }
        assertThat(i).as("backward scan length").isEqualTo(-1);

        // Point lookups: every key at several snapshots, plus absent keys.
        for (byte[] k : m.byKey.keySet()) {
            for (long snap : new long[] {Long.MAX_VALUE, 0, rnd.nextLong(m.maxSeqno + 1)}) {
                assertThat(Model.same(m.get(k, snap), r.get(k, snap)))
                        .as("get %s at %d", Bytes.toDisplay(k), snap).isTrue();
            }
            for (Model.Entry e : m.byKey.get(k)) {
                assertThat(Model.same(e, r.get(k, e.seqno()))).as("get %s at own seqno", e).isTrue();
            }
        }
        for (int n = 0; n < 200; n++) {
            byte[] k = Model.randomKey(rnd);
            long snap = rnd.nextLong(m.maxSeqno + 1);
            assertThat(Model.same(m.get(k, snap), r.get(k, snap))).as("get random %s", Bytes.toDisplay(k)).isTrue();
            assertThat(r.maxCoveringRangeTombstone(k, snap)).as("range tombstone at %s", Bytes.toDisplay(k))
                    .isEqualTo(m.maxCovering(k, snap));
        }
        for (RangeTombstone t : m.tombstones) {
            for (byte[] k : new byte[][] {t.start(), t.end()}) {
                for (long snap : new long[] {t.seqno(), t.seqno() - 1, Long.MAX_VALUE}) {
                    assertThat(r.maxCoveringRangeTombstone(k, snap)).isEqualTo(m.maxCovering(k, snap));
                }
            }
        }

        // Seeks, then a short random walk in both directions.
        List<byte[]> targets = new ArrayList<>(List.of(Bytes.EMPTY, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}));
        for (int n = 0; n < 100; n++) {
            targets.add(rnd.nextBoolean() ? es.get(rnd.nextInt(es.size())).key() : Model.randomKey(rnd));
        }
        for (byte[] t : targets) {
            it.seek(t);
            int pos = m.lowerBound(t);
            walk(m, it, pos, rnd);
            it.seekForPrev(t);
            pos = m.floorIndex(t);
            walk(m, it, pos < 0 ? es.size() : pos, rnd);
        }
    }

    private static void walk(Model m, TableIterator it, int pos, Random rnd) {
        List<Model.Entry> es = m.entries;
        for (int step = 0; step < 8; step++) {
            if (pos < 0 || pos >= es.size()) {
                assertThat(it.valid()).as("iterator past the end at model index %d", pos).isFalse();
                return;
            }
            assertThat(it.valid()).as("iterator valid at model index %d", pos).isTrue();
            assertThat(Model.same(es.get(pos), it)).as("walk at %d %s", pos, es.get(pos)).isTrue();
            if (rnd.nextBoolean()) {
                it.next();
                pos++;
            } else {
                it.prev();
                pos--;
            }
        }
    }

    @Test
    void snapshotsSeeTheNewestVisibleVersion() {
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        Model m = new Model();
        m.add(new Model.Entry(a, 10, TableFormat.KIND_PUT, "v10".getBytes(StandardCharsets.UTF_8), 0));
        m.add(new Model.Entry(a, 7, TableFormat.KIND_DELETE, Bytes.EMPTY, 0));
        m.add(new Model.Entry(a, 5, TableFormat.KIND_PUT, "v5".getBytes(StandardCharsets.UTF_8), 0));
        m.add(new Model.Entry(a, 3, TableFormat.KIND_PUT_TTL, "v3".getBytes(StandardCharsets.UTF_8), 12345L));
        m.add(new Model.Entry("b".getBytes(StandardCharsets.UTF_8), 8, TableFormat.KIND_PUT, Bytes.EMPTY, 0));
        MemStorage storage = new MemStorage();
        Path path = Path.of("/db/snap.sst");
        m.write(storage, path, TableOptions.DEFAULTS.withBlockSize(64).withRestartInterval(2));
        try (TableReader r = TableReader.open(storage, path, 1, null)) {
            assertThat(r.get(a, 2)).isNull();
            assertThat(r.get(a, 3)).isEqualTo(r.get(a, 4));
            assertThat(r.get(a, 4).expiresAt()).isEqualTo(12345L);
            assertThat(new String(r.get(a, 4).value(), StandardCharsets.UTF_8)).isEqualTo("v3");
            assertThat(new String(r.get(a, 6).value(), StandardCharsets.UTF_8)).isEqualTo("v5");
            assertThat(r.get(a, 7).isTombstone()).isTrue();
            assertThat(r.get(a, 9).isTombstone()).isTrue();
            assertThat(new String(r.get(a, 10).value(), StandardCharsets.UTF_8)).isEqualTo("v10");
            assertThat(new String(r.get(a, Long.MAX_VALUE).value(), StandardCharsets.UTF_8)).isEqualTo("v10");
            assertThat(r.get("b".getBytes(StandardCharsets.UTF_8), 7)).isNull();
            assertThat(r.get("b".getBytes(StandardCharsets.UTF_8), 8).value()).isEmpty();
            TableIterator it = r.iterator();
            it.seek(a, 6);
            assertThat(it.seqno()).isEqualTo(5);
            it.seekForPrev(a);
            assertThat(it.seqno()).as("seekForPrev lands on the oldest version").isEqualTo(3);
        }
    }

    @Test
    void rangeTombstonesAnswerTheNewestCoveringSeqno() {
        Model m = new Model();
        m.tombstones.add(new RangeTombstone(b("b"), b("f"), 10));
        m.tombstones.add(new RangeTombstone(b("d"), b("h"), 20));
        m.tombstones.add(new RangeTombstone(b("d"), b("e"), 5));
        m.tombstones.add(new RangeTombstone(b("x"), b("y"), 30));
        MemStorage storage = new MemStorage();
        Path path = Path.of("/db/rt.sst");
        TableProperties p = m.write(storage, path, TableOptions.DEFAULTS);
        assertThat(p.entries()).isZero();
        assertThat(p.smallestKey()).isEqualTo(b("b"));
        assertThat(p.largestKey()).isEqualTo(b("y"));
        assertThat(p.smallestSeqno()).isEqualTo(5);
        assertThat(p.largestSeqno()).isEqualTo(30);
        try (TableReader r = TableReader.open(storage, path, 1, null)) {
            assertThat(r.maxCoveringRangeTombstone(b("a"), 100)).isZero();
            assertThat(r.maxCoveringRangeTombstone(b("b"), 100)).isEqualTo(10);
            assertThat(r.maxCoveringRangeTombstone(b("b"), 9)).isZero();
            assertThat(r.maxCoveringRangeTombstone(b("d"), 100)).isEqualTo(20);
            assertThat(r.maxCoveringRangeTombstone(b("d"), 19)).isEqualTo(10);
            assertThat(r.maxCoveringRangeTombstone(b("d"), 9)).isEqualTo(5);
            assertThat(r.maxCoveringRangeTombstone(b("e"), 9)).isZero();
            assertThat(r.maxCoveringRangeTombstone(b("f"), 100)).isEqualTo(20);
            assertThat(r.maxCoveringRangeTombstone(b("h"), 100)).isZero();
            assertThat(r.maxCoveringRangeTombstone(b("x\0"), 100)).isEqualTo(30);
            assertThat(r.rangeTombstones()).hasSize(4);
            TableIterator it = r.iterator();
            it.seekToFirst();
            assertThat(it.valid()).isFalse();
            it.seekToLast();
            assertThat(it.valid()).isFalse();
            assertThat(r.get(b("c"), 100)).isNull();
        }
    }

    @Test
    void writerRefusesOutOfOrderEntries() {
        MemStorage storage = new MemStorage();
        try (var f = storage.create(Path.of("/db/x.sst"))) {
            TableWriter w = new TableWriter(f, TableOptions.DEFAULTS);
            w.put(b("b"), 5, b("1"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.put(b("a"), 9, b("1")))
                    .isInstanceOf(dev.strata.engine.InvalidArgumentException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.put(b("b"), 5, b("1")))
                    .isInstanceOf(dev.strata.engine.InvalidArgumentException.class);
            w.put(b("b"), 4, b("1"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void worksThroughLocalStorage(@TempDir Path dir) {
        Model m = Model.random(new Random(11), 2000, 5, 300);
        Path path = dir.resolve("000009.sst");
        TableOptions o = TableOptions.DEFAULTS.withCompression(TableOptions.Compression.ZSTD).withDictionary(4096, 0);
        TableProperties p = m.write(LocalStorage.INSTANCE, path, o);
        assertThat(p.dictionaryBytes()).isPositive();
        try (TableReader r = TableReader.open(LocalStorage.INSTANCE, path, 9, new BlockCache(1 << 20))) {
            verify(m, r, new Random(12));
        }
    }

    @Test
    void manyThreadsReadOneTableThroughOneCache() throws Exception {
        Model m = Model.random(new Random(21), 3000, 10, 200);
        MemStorage storage = new MemStorage();
        Path path = Path.of("/db/000010.sst");
        m.write(storage, path, TableOptions.DEFAULTS.withBlockSize(512).withCompression(TableOptions.Compression.ZSTD));
        BlockCache cache = new BlockCache(64 << 10);
        List<byte[]> keys = new ArrayList<>(m.byKey.keySet());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (TableReader r = TableReader.open(storage, path, 10, cache)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    for (int i = 0; i < 5000; i++) {
                        byte[] k = keys.get(rnd.nextInt(keys.size()));
                        long snap = rnd.nextLong(m.maxSeqno + 1);
                        assertThat(Model.same(m.get(k, snap), r.get(k, snap))).isTrue();
                    }
                    TableIterator it = r.iterator();
                    int n = 0;
                    for (it.seekToFirst(); it.valid(); it.next()) {
                        assertThat(Model.same(m.entries.get(n++), it)).isTrue();
                    }
                    assertThat(n).isEqualTo(m.entries.size());
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(cache.usage()).isLessThanOrEqualTo(cache.capacity());
        assertThat(cache.evictions()).isPositive();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
