package dev.strata.engine.lsm;

import dev.strata.engine.Durability;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.Snapshot;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.TestSeeds;
import dev.strata.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metamorphic check, as Pebble's: one random op sequence run under configurations that must not
 * change any answer (memtable 4 KiB vs 64 MiB, block 256 B vs 16 KiB, compression on and off,
 * bloom on and off, cache 0 vs 64 MiB, frequent reopen) gives identical read results at every
 * step and an identical final state.
 */
class MetamorphicConfigTest {
    @TempDir
    Path tmp;

    private static List<StrataOptions> configs() {
        return List.of(
                StrataOptions.defaults().durability(Durability.ASYNC),
                StrataOptions.defaults().durability(Durability.ASYNC).memtableSize(4 << 10).blockSize(256)
                        .targetFileSize(4 << 10).levelBaseSize(8 << 10).levelMultiplier(2).l0CompactionTrigger(2)
                        .l0StopWritesTrigger(6).blockCacheSize(0).bloomBitsPerKey(0),
                StrataOptions.defaults().durability(Durability.NONE).memtableSize(8 << 10).blockSize(16 << 10)
                        .targetFileSize(8 << 10).levelBaseSize(16 << 10).levelMultiplier(3).compression(false),
                StrataOptions.defaults().durability(Durability.SYNC).memtableSize(16 << 10).blockSize(1024)
                        .targetFileSize(8 << 10).levelBaseSize(16 << 10).l0CompactionTrigger(3).compression(true)
                        .bloomBitsPerKey(20));
    }

    @Test
    void everyConfigurationGivesTheSameAnswers() {
        Long fixed = TestSeeds.fixedSeed();
        int seeds = fixed != null ? 1 : TestSeeds.scaled(12, 300);
        long base = fixed != null ? fixed : new Random().nextLong();
        for (int s = 0; s < seeds; s++) {
            long seed = base + s;
            List<List<String>> outputs = new ArrayList<>();
            List<StrataOptions> configs = configs();
            for (int c = 0; c < configs.size(); c++) {
                boolean reopenOften = c == 1;
                outputs.add(run(seed, configs.get(c), tmp.resolve(seed + "-" + c), reopenOften));
            }
            for (int c = 1; c < outputs.size(); c++) {
                assertThat(outputs.get(c)).as("config %d differs from config 0; replay with -Dstrata.seed=%d", c, seed)
                        .isEqualTo(outputs.get(0));
            }
        }
    }

    private static byte[] key(Random r) {
        return String.format("key%03d", r.nextInt(300)).getBytes();
    }

    private static List<String> run(long seed, StrataOptions options, Path dir, boolean reopenOften) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        StrataDatabase db = StrataDatabase.open(dir, options);
        Snapshot snap = null;
        try {
            for (int step = 0; step < TestSeeds.scaled(3000, 20000); step++) {
                int op = r.nextInt(100);
                if (op < 40) {
                    byte[] v = new byte[r.nextInt(200)];
                    r.nextBytes(v);
                    db.put(key(r), v);
                } else if (op < 50) {
                    db.remove(key(r));
                } else if (op < 53) {
                    byte[] a = key(r);
                    byte[] b = key(r);
                    if (Arrays.compareUnsigned(a, b) > 0) {
                        byte[] t = a;
                        a = b;
                        b = t;
                    }
                    db.deleteRange(a, b);
                } else if (op < 58) {
                    WriteBatch wb = new WriteBatch();
                    for (int i = r.nextInt(8); i > 0; i--) {
                        wb.put(key(r), ("b" + step).getBytes());
                    }
                    db.write(wb);
                } else if (op < 80) {
                    byte[] v = db.get(key(r));
                    out.add("get " + step + " " + (v == null ? "null" : Arrays.toString(v)));
                } else if (op < 85) {
                    byte[] k = key(r);
                    StringBuilder sb = new StringBuilder("scan " + step);
                    try (var it = db.iterator(new RangeOptions().start(k).limit(5).reverse(r.nextBoolean()))) {
                        it.forEachRemaining(kv -> sb.append(' ').append(new String(kv.key())).append('=').append(kv.value().length));
                    }
                    out.add(sb.toString());
                } else if (op < 88) {
                    if (snap != null) {
                        byte[] k = key(r);
                        byte[] v = db.get(k, snap);
                        out.add("snap " + step + " " + (v == null ? "null" : Arrays.toString(v)));
                        snap.close();
                    }
                    snap = db.snapshot();
                } else if (op < 89) {
                    if (snap != null) {
                        snap.close();
                        snap = null;
                    }
                    db.close();
                    db = StrataDatabase.open(dir, options);
                } else if (reopenOften && op < 92 && snap == null) {
                    // Extra reopens only where no snapshot is open, so they change no answer.
                    db.close();
                    db = StrataDatabase.open(dir, options);
                }
            }
            try (var it = db.iterator(RangeOptions.all())) {
                it.forEachRemaining(kv -> out.add("final " + new String(kv.key()) + "=" + Arrays.toString(kv.value())));
            }
        } finally {
            if (snap != null) {
                snap.close();
            }
            db.close();
        }
        return out;
    }
}
