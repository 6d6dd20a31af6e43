package dev.strata.engine;

import dev.strata.engine.util.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random operations over several column families (puts, removes, delete-ranges, batches spanning
 * families, drops and re-creates, flushes, compactions and reopens on a tiny tree), each family
 * compared with its own {@link TreeMap} model; a snapshot taken before a batch must see none of
 * it in any family. A failure names the seed; replay it with {@code -Dstrata.seed=N}.
 */
class ColumnFamilyModelTest {
    private static final java.util.Comparator<byte[]> CMP = Bytes::compare;
    private static final String[] NAMES = {"default", "a", "b", "c"};

    @TempDir
    Path tmp;

    @Test
    void randomOperationsOverFamiliesMatchTheirModels() {
        Long fixed = TestSeeds.fixedSeed();
        int seeds = fixed != null ? 1 : TestSeeds.scaled(16, 300);
        int steps = TestSeeds.scaled(1200, 20000);
        long base = fixed != null ? fixed : new Random().nextLong();
        for (int i = 0; i < seeds; i++) {
            long seed = fixed != null ? fixed : base + i;
            try {
                run(seed, steps, tmp.resolve("db" + i));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("column family model check failed with -Dstrata.seed=" + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static byte[] key(Random r) {
        return String.format("k%02d", r.nextInt(40)).getBytes();
    }

    private void run(long seed, int steps, Path dir) {
        Random r = new Random(seed);
        Durability mode = Durability.values()[(int) Math.floorMod(seed, 3L)];
        StrataOptions options = StrataOptions.defaults().durability(mode).walSegmentSize(64 << 10).maxWalSize(128 << 10)
                .memtableSize(4 << 10).blockSize(256).targetFileSize(4 << 10).levelBaseSize(16 << 10)
                .levelMultiplier(2).l0CompactionTrigger(2).l0StopWritesTrigger(6);
        Map<String, NavigableMap<byte[], byte[]>> models = new TreeMap<>();
        models.put("default", new TreeMap<>(CMP));
        StrataDatabase db = StrataDatabase.open(dir, options);
        try {
            for (int step = 0; step < steps; step++) {
                int op = r.nextInt(100);
                String name = NAMES[r.nextInt(NAMES.length)];
                if (!models.containsKey(name)) {
                    db.createColumnFamily(name);
                    models.put(name, new TreeMap<>(CMP));
                    continue;
                }
                ColumnFamily cf = db.columnFamily(name);
                NavigableMap<byte[], byte[]> model = models.get(name);
                if (op < 40) {
                    byte[] k = key(r);
                    byte[] v = ("v" + step).getBytes();
                    cf.put(k, v);
                    model.put(k, v);
                } else if (op < 50) {
                    byte[] k = key(r);
                    cf.remove(k);
                    model.remove(k);
                } else if (op < 54) {
                    byte[] a = key(r);
                    byte[] b = key(r);
                    byte[] lo = CMP.compare(a, b) <= 0 ? a : b;
                    byte[] hi = lo == a ? b : a;
                    cf.deleteRange(lo, hi);
                    model.subMap(lo, true, hi, false).clear();
                } else if (op < 68) {
                    WriteBatch batch = new WriteBatch();
                    List<Runnable> apply = new ArrayList<>();
                    for (int j = r.nextInt(5); j >= 0; j--) {
                        String n = NAMES[r.nextInt(NAMES.length)];
                        if (!models.containsKey(n)) {
                            continue;
                        }
                        ColumnFamily f = db.columnFamily(n);
                        NavigableMap<byte[], byte[]> m = models.get(n);
                        byte[] k = key(r);
                        if (r.nextInt(4) == 0) {
                            batch.remove(f, k);
                            apply.add(() -> m.remove(k));
                        } else {
                            byte[] v = ("b" + step + "." + j).getBytes();
                            batch.put(f, k, v);
                            apply.add(() -> m.put(k, v));
                        }
                    }
                    try (Snapshot before = db.snapshot()) {
                        Map<String, NavigableMap<byte[], byte[]>> copy = new TreeMap<>();
                        models.forEach((n, m) -> copy.put(n, new TreeMap<>(m)));
                        db.write(batch);
                        apply.forEach(Runnable::run);
                        if (r.nextInt(4) == 0) {
                            for (Map.Entry<String, NavigableMap<byte[], byte[]>> e : copy.entrySet()) {
                                assertScan(db.columnFamily(e.getKey()), e.getValue(), before, e.getKey());
                            }
                        }
                    }
                } else if (op < 80) {
                    byte[] k = key(r);
                    assertThat(cf.get(k)).as("get %s in %s at step %d", Bytes.toDisplay(k), name, step).isEqualTo(model.get(k));
                } else if (op < 86) {
                    assertScan(cf, model, null, name);
                } else if (op < 89) {
                    db.flush();
                } else if (op < 91) {
                    cf.compact(null, null);
                } else if (op < 94 && !name.equals("default")) {
                    db.dropColumnFamily(name);
                    models.remove(name);
                } else if (op < 96) {
                    db.close();
                    db = StrataDatabase.open(dir, options);
                    assertThat(db.columnFamilies()).containsExactlyInAnyOrderElementsOf(models.keySet());
                }
            }
            for (Map.Entry<String, NavigableMap<byte[], byte[]>> e : models.entrySet()) {
                assertScan(db.columnFamily(e.getKey()), e.getValue(), null, e.getKey());
            }
        } finally {
            db.close();
        }
    }

    private static void assertScan(ColumnFamily cf, NavigableMap<byte[], byte[]> model, Snapshot snap, String name) {
        List<String> actual = new ArrayList<>();
        try (StrataIterator<KeyValue> it = cf.iterator(new RangeOptions().snapshot(snap))) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                actual.add(new String(kv.key()) + "=" + new String(kv.value()));
            }
        }
        List<String> expected = new ArrayList<>();
        model.forEach((k, v) -> expected.add(new String(k) + "=" + new String(v)));
        assertThat(actual).as("scan of %s%s", name, snap == null ? "" : " at a snapshot").isEqualTo(expected);
    }
}
