package dev.strata.engine.util;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.ErrorCode;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import dev.strata.engine.backup.Backups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link CrashPoints} inside one JVM: the property's grammar, the k-th-hit trigger under
 * concurrent hits, listening, that the engine's sources call exactly the registered points, and
 * that an ordinary workload with flushes, compactions, WAL rolls, a transaction, a checkpoint, a
 * backup and two restores reaches every point but the two that only an open after a crash
 * reaches. (Halting at a point is the child-JVM crash-point
 * test's part.)
 */
class CrashPointsTest {
    @AfterEach
    void stopListening() {
        CrashPoints.listen(null);
    }

    @Test
    void theTriggerGrammarAcceptsKnownPointsAndPositiveCountsOnly() {
        assertThat(CrashPoints.parse("flush.installed")).isEqualTo(new CrashPoints.Trigger("flush.installed", 1));
        assertThat(CrashPoints.parse(" wal.force.after : 7 ")).isEqualTo(new CrashPoints.Trigger("wal.force.after", 7));
        for (String bad : new String[] {"nope", "wal.force.after:0", "wal.force.after:-2", "wal.force.after:x",
            "wal.force.after:", ":3", ""}) {
            assertThatThrownBy(() -> CrashPoints.parse(bad)).as(bad)
                    .isInstanceOf(InvalidArgumentException.class)
                    .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                    .hasMessageContaining(CrashPoints.PROPERTY);
        }
    }

    @Test
    void theTriggerFiresOnceAtTheKthHitOfItsPointWhateverTheThreads() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        LongAdder hitsWhenFired = new LongAdder();
        LongAdder hits = new LongAdder();
        var atThousandth = CrashPoints.onNthHit(new CrashPoints.Trigger("table.delete", 1000), () -> {
            fired.incrementAndGet();
            hitsWhenFired.add(hits.sum());
        });
        CrashPoints.listen(name -> {
            if (name.equals("table.delete")) {
                hits.increment();
            }
            atThousandth.accept(name);
        });
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < 600; i++) {
                    CrashPoints.hit("wal.force.before"); // another point: never counts
                    CrashPoints.hit("table.delete");
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        assertThat(hits.sum()).isEqualTo(2400);
        assertThat(fired.get()).as("fires exactly once").isEqualTo(1);
        assertThat(hitsWhenFired.sum()).as("not before the 1000th hit").isGreaterThanOrEqualTo(1000);
        CrashPoints.listen(null);
        CrashPoints.hit("table.delete");
        assertThat(hits.sum()).as("no listener, no effect").isEqualTo(2400);
    }

    @Test
    void theEngineSourcesCallExactlyTheRegisteredPoints() throws IOException {
        Pattern call = Pattern.compile("CrashPoints\\.hit\\(\"([^\"]+)\"\\)");
        Set<String> called = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = call.matcher(Files.readString(f));
                while (m.find()) {
                    assertThat(called.add(m.group(1))).as("point %s is called in one place only (again in %s)",
                            m.group(1), f).isTrue();
                }
            }
        }
        assertThat(called).containsExactlyInAnyOrderElementsOf(CrashPoints.ALL);
        assertThat(CrashPoints.ALL).containsAll(CrashPoints.RECOVERY);
    }

    @Test
    void anOrdinaryWorkloadWithCopiesReachesEveryPointButTheRecoveryOnes() throws Exception {
        Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        CrashPoints.listen(name -> counts.computeIfAbsent(name, k -> new LongAdder()).increment());
        Path dir = CrashTesting.scratchDir("strata-crashpoints");
        Path work = CrashTesting.scratchDir("strata-crashpoints-copies");
        try (StrataDatabase db = StrataDatabase.open(dir, CrashTesting.options(dev.strata.engine.Durability.SYNC))) {
            for (int i = 0; i < 1500; i++) {
                db.put(("k" + (i % 300)).getBytes(StandardCharsets.US_ASCII),
                        ("v" + i + "-" + "x".repeat(150)).getBytes(StandardCharsets.US_ASCII));
                if (i % 100 == 0 && i < 400) { // later segments hold no entries: retention deletes them
                    int n = i;
                    db.transaction((txn, a) -> {
                        db.useLog("audit").addEntry(("entry " + n).getBytes(StandardCharsets.US_ASCII), txn);
                        return null;
                    });
                }
            }
            db.flush();
            db.compact(null, null);
            db.runLogRetention(); // rewrites the flushed segments that hold entries log-only
            db.transaction((txn, attempt) -> {
                txn.put("txn".getBytes(StandardCharsets.US_ASCII), "committed".getBytes(StandardCharsets.US_ASCII));
                return null;
            });
            db.createCheckpoint(work.resolve("checkpoint"));
            long id = db.backup(work.resolve("backups")).id();
            for (int i = 0; i < 2; i++) {
                Backups.restore(work.resolve("backups"), work.resolve("restored"), id); // the second over the first
            }
        } finally {
            CrashPoints.listen(null);
            CrashTesting.deleteTree(dir);
            CrashTesting.deleteTree(work);
        }
        List<String> expected = new ArrayList<>(CrashPoints.ALL);
        expected.removeAll(CrashPoints.RECOVERY);
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        System.out.println("CrashPointsTest: hits per point in the workload " + new java.util.TreeMap<>(counts));
    }
}
