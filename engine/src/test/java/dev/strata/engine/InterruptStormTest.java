package dev.strata.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interrupting application threads while they commit and read must not break the database for
 * everyone (a {@code FileChannel} closes itself when a thread doing I/O on it is interrupted, as
 * H2 and MapDB learned): writers lead group commits, readers read tables, a thread interrupts
 * them at random, and afterwards the database is still writable, never latched a background
 * error, and every acknowledged write is there, also after reopen.
 */
class InterruptStormTest {
    @TempDir
    Path dir;

    @Test
    void interruptsNeverCloseTheWalOrTheTablesForEveryone() throws Exception {
        StrataOptions o = StrataOptions.defaults().durability(Durability.SYNC).memtableSize(16 << 10)
                .blockCacheSize(0).targetFileSize(16 << 10).levelBaseSize(64 << 10).l0CompactionTrigger(2);
        ConcurrentHashMap<String, String> acked = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong interrupts = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        List<Throwable> unexpected = new ArrayList<>();
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int id = t;
                workers.add(new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        Thread.interrupted(); // clear: each iteration starts fresh
                        String k = "w" + id + "-" + i;
                        try {
                            db.put(k.getBytes(), ("v" + i).getBytes());
                            acked.put(k, "v" + i);
                        } catch (RuntimeException e) {
                            synchronized (unexpected) {
                                unexpected.add(e);
                            }
                            return;
                        }
                    }
                }));
            }
            workers.add(new Thread(() -> {
                while (!stop.get()) {
                    Thread.interrupted();
                    String k = "w0-" + (reads.get() % 1000);
                    try {
                        db.get(k.getBytes());
                        reads.incrementAndGet();
                    } catch (RuntimeException e) {
                        synchronized (unexpected) {
                            unexpected.add(e);
                        }
                        return;
                    }
                }
            }));
            workers.forEach(Thread::start);
            long deadline = System.nanoTime() + TestSeeds.scaled(3, 60) * 1_000_000_000L;
            java.util.Random r = new java.util.Random(1);
            while (System.nanoTime() < deadline) {
                workers.get(r.nextInt(workers.size())).interrupt();
                interrupts.incrementAndGet();
                // Thousands of interrupts a second, as a pool cancelling tasks with cancel(true) sends.
                java.util.concurrent.locks.LockSupport.parkNanos(20_000 + r.nextInt(200_000));
            }
            stop.set(true);
            for (Thread w : workers) {
                w.join(60_000);
            }
            assertThat(unexpected).as("errors under interrupts").isEmpty();
            assertThat(db.backgroundError()).isNull();
            assertThat(acked).hasSizeGreaterThan(100);
            assertThat(reads.get()).isPositive();
            db.put("after".getBytes(), "storm".getBytes());
            assertThat(db.lsmStats().flushes()).isPositive();
        }
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            for (var e : acked.entrySet()) {
                assertThat(db.get(e.getKey().getBytes())).as(e.getKey()).isEqualTo(e.getValue().getBytes());
            }
            assertThat(db.get("after".getBytes())).isEqualTo("storm".getBytes());
        }
        System.out.printf("InterruptStormTest: %d interrupts, %d acknowledged writes, %d reads%n",
                interrupts.get(), acked.size(), reads.get());
    }
}
