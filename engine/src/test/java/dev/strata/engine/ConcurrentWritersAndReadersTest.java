package dev.strata.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writers commit concurrently while readers iterate: every snapshot a reader sees holds, for each
 * writer, exactly a prefix of that writer's commits (nothing lost, nothing phantom, nothing out
 * of order), seqnos are unique and dense, and concurrent SYNC committers share forces.
 */
class ConcurrentWritersAndReadersTest {
    @TempDir
    Path dir;

    private static byte[] key(int writer, int i) {
        return String.format("w%d-%07d", writer, i).getBytes();
    }

    @Test
    void snapshotsSeeAPrefixOfEveryWriterAndNothingIsLost() throws Exception {
        for (Durability mode : new Durability[]{Durability.SYNC, Durability.ASYNC}) {
            run(mode, dir.resolve(mode.name()));
        }
    }

    private void run(Durability mode, Path path) throws Exception {
        int writers = 4;
        int perWriter = mode == Durability.SYNC ? TestSeeds.scaled(400, 5000) : TestSeeds.scaled(5000, 50000);
        int readers = 2;
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        Set seqnos = new Set();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong snapshotsChecked = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        try (StrataDatabase db = StrataDatabase.open(path, StrataOptions.defaults().durability(mode))) {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        CommitResult r = i % 50 == 49
                                ? db.write(new WriteBatch().put(key(writer, i), ("" + i).getBytes()))
                                : db.put(key(writer, i), ("" + i).getBytes());
                        seqnos.add(r.seqno());
                    }
                    return null;
                }));
            }
            for (int r = 0; r < readers; r++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    while (!done.get()) {
                        checkPrefixes(db, writers);
                        snapshotsChecked.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (int i = 0; i < writers; i++) {
                futures.get(i).get(5, TimeUnit.MINUTES);
            }
            done.set(true);
            for (Future<?> f : futures) {
                f.get(1, TimeUnit.MINUTES);
            }
            long total = (long) writers * perWriter;
            assertThat(seqnos.size()).isEqualTo(total);
            assertThat(seqnos.max()).isEqualTo(total);
            assertThat(db.latestSeqno()).isEqualTo(total);
            int[] counts = checkPrefixes(db, writers);
            for (int c : counts) {
                assertThat(c).isEqualTo(perWriter);
            }
            assertThat(snapshotsChecked.get()).isPositive();
            if (mode == Durability.SYNC) {
                // Group commit: concurrent committers share forces.
                assertThat(db.walSyncCount()).isLessThan(total);
            }
        } finally {
            pool.shutdownNow();
        }
        try (StrataDatabase db = StrataDatabase.open(path, StrataOptions.defaults().durability(mode))) {
            int[] counts = checkPrefixes(db, writers);
            for (int c : counts) {
                assertThat(c).isEqualTo(perWriter);
            }
        }
    }

    /** Iterates everything; asserts each writer's keys are 0..n-1 with the right values; returns n per writer. */
    private static int[] checkPrefixes(StrataDatabase db, int writers) {
        int[] next = new int[writers];
        try (var it = db.iterator(RangeOptions.all())) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                String k = new String(kv.key());
                int w = k.charAt(1) - '0';
                int i = Integer.parseInt(k.substring(3));
                assertThat(i).as("writer %d: key %d after %d (a gap or reorder)", w, i, next[w] - 1).isEqualTo(next[w]);
                assertThat(new String(kv.value())).isEqualTo("" + i);
                next[w]++;
            }
        }
        return next;
    }

    /** A concurrent set of seqnos that also tracks the maximum. */
    private static final class Set {
        private final ConcurrentHashMap<Long, Boolean> map = new ConcurrentHashMap<>();
        private final AtomicLong max = new AtomicLong();

        void add(long s) {
            assertThat(map.put(s, Boolean.TRUE)).as("seqno %d given twice", s).isNull();
            max.accumulateAndGet(s, Math::max);
        }

        int size() {
            return map.size();
        }

        long max() {
            return max.get();
        }
    }
}
