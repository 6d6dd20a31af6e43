package dev.strata.engine;

import dev.strata.engine.util.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of put / remove / delete-range / batch / get / iterate / snapshot / reopen,
 * compared with a {@link TreeMap} model after every step, over many seeds and every durability
 * mode. A failure names the seed and step; replay it with {@code -Dstrata.seed=N}.
 */
class ModelCheckTest {
    private static final Comparator CMP = new Comparator();
    private static final boolean DEBUG = Boolean.getBoolean("strata.debug");

    @TempDir
    Path tmp;

    static final class Comparator implements java.util.Comparator<byte[]> {
        @Override
        public int compare(byte[] a, byte[] b) {
            return Bytes.compare(a, b);
        }
    }

    @Test
    void randomOperationsMatchTreeMapModel() {
        Long fixed = TestSeeds.fixedSeed();
        int seeds = fixed != null ? 1 : TestSeeds.scaled(60, 1000);
        int steps = TestSeeds.scaled(1500, 20000);
        long base = fixed != null ? fixed : new Random().nextLong();
        for (int i = 0; i < seeds; i++) {
            long seed = fixed != null ? fixed : base + i;
            Durability mode = Durability.values()[(int) Math.floorMod(seed, 3L)];
            try {
                run(seed, steps, mode, tmp.resolve("db" + i));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("model check failed with -Dstrata.seed=" + seed + " (mode " + mode + "): "
                        + e.getMessage(), e);
            }
        }
    }

    private static byte[] key(Random r) {
        // A small key space so that overwrites, deletes and ranges collide often.
        int n = r.nextInt(64);
        return r.nextInt(8) == 0 ? new byte[]{(byte) (0xF0 + n % 16)} : String.format("k%02d", n).getBytes();
    }

    private static byte[] value(Random r, int step) {
        byte[] v = new byte[r.nextInt(20)];
        r.nextBytes(v);
        return r.nextBoolean() ? v : ("v" + step).getBytes();
    }

    private static byte[][] orderedPair(Random r) {
        byte[] a = key(r);
        byte[] b = key(r);
        return CMP.compare(a, b) <= 0 ? new byte[][]{a, b} : new byte[][]{b, a};
    }

    private record HeldSnapshot(Snapshot snapshot, NavigableMap<byte[], byte[]> state, NavigableMap<byte[], Long> expiry) {
    }

    /** The model as a reader sees it at wall time {@code now}: entries whose TTL has passed are gone. */
    private static NavigableMap<byte[], byte[]> live(NavigableMap<byte[], byte[]> model, NavigableMap<byte[], Long> expiry, long now) {
        if (expiry.isEmpty()) {
            return model;
        }
        NavigableMap<byte[], byte[]> out = new TreeMap<>(CMP);
        for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
            Long at = expiry.get(e.getKey());
            if (at == null || at > now) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private void run(long seed, int steps, Durability mode, Path dir) {
        Random r = new Random(seed);
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        StrataOptions options = StrataOptions.defaults().durability(mode).walSegmentSize(64 << 10).clock(clock::get);
        if (Math.floorMod(seed, 2L) == 0) {
            // A tiny tree: every flush, compaction, level and table-boundary path runs.
            options.memtableSize(4 << 10).blockSize(256).targetFileSize(4 << 10).levelBaseSize(16 << 10)
                    .levelMultiplier(2).l0CompactionTrigger(2).l0StopWritesTrigger(6)
                    .blockCacheSize(Math.floorMod(seed, 4L) == 0 ? 0 : 1 << 20);
        }
        NavigableMap<byte[], byte[]> model = new TreeMap<>(CMP);
        NavigableMap<byte[], Long> expiry = new TreeMap<>(CMP);
        List<HeldSnapshot> snapshots = new ArrayList<>();
        StrataDatabase db = StrataDatabase.open(dir, options);
        long seqno = 0;
        try {
            for (int step = 0; step < steps; step++) {
                int op = r.nextInt(100);
                if (DEBUG) {
                    System.out.println("step " + step + " op " + op + " seqno " + seqno);
                }
                if (op < 35) {
                    byte[] k = key(r);
                    byte[] v = value(r, step);
                    if (DEBUG) {
                        System.out.println("  put " + Bytes.toDisplay(k) + " now " + clock.get());
                    }
                    if (r.nextInt(5) == 0) {
                        long ttl = 1 + r.nextInt(5000);
                        assertThat(db.put(k, v, java.time.Duration.ofMillis(ttl)).seqno()).isEqualTo(++seqno);
                        expiry.put(k, clock.get() + ttl);
                    } else {
                        assertThat(db.put(k, v).seqno()).isEqualTo(++seqno);
                        expiry.remove(k);
                    }
                    model.put(k, v);
                } else if (op < 45) {
                    byte[] k = key(r);
                    if (DEBUG) {
                        System.out.println("  remove " + Bytes.toDisplay(k));
                    }
                    assertThat(db.remove(k).seqno()).isEqualTo(++seqno);
                    model.remove(k);
                    expiry.remove(k);
                } else if (op < 50) {
                    byte[][] p = orderedPair(r);
                    if (DEBUG) {
                        System.out.println("  deleteRange " + Bytes.toDisplay(p[0]) + " " + Bytes.toDisplay(p[1]));
                    }
                    db.deleteRange(p[0], p[1]);
                    seqno++;
                    model.subMap(p[0], true, p[1], false).clear();
                    expiry.subMap(p[0], true, p[1], false).clear();
                } else if (op < 60) {
                    WriteBatch batch = new WriteBatch();
                    int n = r.nextInt(6);
                    for (int j = 0; j < n; j++) {
                        int kind = r.nextInt(10);
                        if (kind < 6) {
                            byte[] k = key(r);
                            byte[] v = value(r, step);
                            if (DEBUG) {
                                System.out.println("  batch put " + Bytes.toDisplay(k));
                            }
                            if (r.nextInt(5) == 0) {
                                long at = clock.get() + 1 + r.nextInt(5000);
                                batch.put(k, v, at);
                                expiry.put(k, at);
                                if (DEBUG) {
                                    System.out.println("    (ttl, expires at " + at + ")");
                                }
                            } else {
                                batch.put(k, v);
                                expiry.remove(k);
                            }
                            model.put(k, v);
                        } else if (kind < 9) {
                            byte[] k = key(r);
                            if (DEBUG) {
                                System.out.println("  batch remove " + Bytes.toDisplay(k));
                            }
                            batch.remove(k);
                            model.remove(k);
                            expiry.remove(k);
                        } else {
                            byte[][] p = orderedPair(r);
                            if (DEBUG) {
                                System.out.println("  batch deleteRange " + Bytes.toDisplay(p[0]) + " " + Bytes.toDisplay(p[1]));
                            }
                            batch.deleteRange(p[0], p[1]);
                            model.subMap(p[0], true, p[1], false).clear();
                            expiry.subMap(p[0], true, p[1], false).clear();
                        }
                    }
                    assertThat(db.write(batch).seqno()).isEqualTo(++seqno);
                } else if (op < 75) {
                    byte[] k = key(r);
                    assertThat(db.get(k)).as("get %s at step %d", Bytes.toDisplay(k), step)
                            .isEqualTo(live(model, expiry, clock.get()).get(k));
                } else if (op < 85) {
                    checkRange(db, live(model, expiry, clock.get()), r, null, step);
                } else if (op < 90) {
                    if (snapshots.size() < 4) {
                        snapshots.add(new HeldSnapshot(db.snapshot(), new TreeMap<>(model), new TreeMap<>(expiry)));
                        if (DEBUG) {
                            System.out.println("  snapshot at " + snapshots.get(snapshots.size() - 1).snapshot().seqno());
                        }
                    } else {
                        HeldSnapshot h = snapshots.remove(r.nextInt(snapshots.size()));
                        if (DEBUG) {
                            System.out.println("  check snapshot " + h.snapshot().seqno() + " now " + clock.get());
                        }
                        NavigableMap<byte[], byte[]> then = live(h.state(), h.expiry(), clock.get());
                        checkRange(db, then, r, h.snapshot(), step);
                        byte[] k = key(r);
                        assertThat(db.get(k, h.snapshot())).isEqualTo(then.get(k));
                        h.snapshot().close();
                    }
                } else if (op < 93 && Math.floorMod(seed, 2L) == 0) {
                    if (r.nextBoolean()) {
                        db.flush();
                    } else {
                        byte[][] p = orderedPair(r);
                        db.compact(r.nextInt(3) == 0 ? null : p[0], r.nextInt(3) == 0 ? null : p[1]);
                    }
                } else if (op < 92) {
                    for (HeldSnapshot h : snapshots) {
                        h.snapshot().close();
                    }
                    snapshots.clear();
                    if (DEBUG) {
                        System.out.println("  reopen");
                    }
                    db.close();
                    db = StrataDatabase.open(dir, options);
                    assertThat(db.latestSeqno()).isEqualTo(seqno);
                } else if (op < 96) {
                    clock.addAndGet(r.nextInt(3000)); // time passes: TTLs run out
                    if (DEBUG) {
                        System.out.println("  clock now " + clock.get());
                    }
                } else {
                    checkRange(db, live(model, expiry, clock.get()), r, null, step);
                }
            }
            try (var it = db.iterator(RangeOptions.all())) {
                for (Map.Entry<byte[], byte[]> e : live(model, expiry, clock.get()).entrySet()) {
                    KeyValue kv = it.next();
                    assertThat(kv.key()).isEqualTo(e.getKey());
                    assertThat(kv.value()).isEqualTo(e.getValue());
                }
                assertThat(it.hasNext()).isFalse();
            }
        } finally {
            db.close();
        }
    }

    private static void checkRange(StrataDatabase db, NavigableMap<byte[], byte[]> model, Random r, Snapshot snap, int step) {
        RangeOptions o = new RangeOptions().snapshot(snap);
        NavigableMap<byte[], byte[]> view = model;
        byte[] lo = r.nextInt(3) == 0 ? null : key(r);
        byte[] hi = r.nextInt(3) == 0 ? null : key(r);
        if (lo != null && hi != null && CMP.compare(lo, hi) > 0) {
            byte[] t = lo;
            lo = hi;
            hi = t;
        }
        boolean loInc = r.nextBoolean();
        boolean hiInc = r.nextBoolean();
        if (lo != null) {
            o.start(lo, loInc);
        }
        if (hi != null) {
            o.end(hi, hiInc);
        }
        if (lo != null && hi != null) {
            view = view.subMap(lo, loInc, hi, hiInc);
        } else if (lo != null) {
            view = view.tailMap(lo, loInc);
        } else if (hi != null) {
            view = view.headMap(hi, hiInc);
        }
        boolean reverse = r.nextBoolean();
        o.reverse(reverse);
        if (reverse) {
            view = view.descendingMap();
        }
        long limit = r.nextInt(4) == 0 ? r.nextInt(5) : Long.MAX_VALUE;
        o.limit(limit);
        boolean keysOnly = r.nextInt(5) == 0;
        o.keysOnly(keysOnly);
        List<String> expected = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> e : view.entrySet()) {
            if (expected.size() >= limit) {
                break;
            }
            expected.add(Arrays.toString(e.getKey()) + "=" + (keysOnly ? "null" : Arrays.toString(e.getValue())));
        }
        List<String> actual = new ArrayList<>();
        try (var it = db.iterator(o)) {
            it.forEachRemaining(kv -> actual.add(Arrays.toString(kv.key()) + "="
                    + (kv.value() == null ? "null" : Arrays.toString(kv.value()))));
        }
        assertThat(actual).as("range at step %d (reverse=%s)", step, reverse).isEqualTo(expected);
    }
}
