package dev.strata.engine.verify;

import dev.strata.engine.ClosedException;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.WriteBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static dev.strata.engine.TestUtil.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The verification table through the database: reads skip when the expected version is current,
 * every kind of write (put, remove, batch, transaction, delete-range, clear) invalidates at once,
 * explicit population checks the current version, a new open trusts nothing from the last, and,
 * under concurrent writers and readers, a stale version never reads as fresh.
 */
class VerifiedReadsTest {
    @TempDir
    Path dir;
    private StrataDatabase db;

    /** A record whose version (first 8 bytes, big-endian double) is {@code version}. */
    private static byte[] record(double version, String payload) {
        byte[] p = b(payload);
        return ByteBuffer.allocate(8 + p.length).putDouble(version).put(p).array();
    }

    private static double versionOf(byte[] value) {
        return ByteBuffer.wrap(value).getDouble();
    }

    private StrataDatabase open(boolean verified) {
        db = StrataDatabase.open(dir.resolve("db"), StrataOptions.defaults().durability(Durability.SYNC)
                .verificationTable(verified));
        return db;
    }

    @AfterEach
    void closeDb() {
        if (db != null) {
            db.close();
        }
    }

    private boolean fresh(String key, double version) {
        return db.get(b(key), new GetOptions().expectedVersion(version)) == VerificationTable.FRESH;
    }

    private void populate(String key) {
        db.get(b(key), new GetOptions().populateVersion(true));
    }

    @Test
    void aPopulatedVersionSkipsTheReadUntilAWrite() {
        open(true);
        db.put(b("k"), record(1.0, "one"));
        assertThat(fresh("k", 1.0)).as("nothing recorded yet").isFalse();
        byte[] read = db.get(b("k"), new GetOptions().expectedVersion(1.0).populateVersion(true));
        assertThat(versionOf(read)).isEqualTo(1.0);
        assertThat(fresh("k", 1.0)).isTrue();
        assertThat(db.verifyVersion(b("k"), 1.0)).isTrue();
        assertThat(db.verifyVersion(b("k"), 2.0)).isFalse();
        assertThat(fresh("k", 2.0)).isFalse();
        assertThat(fresh("other", 1.0)).isFalse();
        db.put(b("k"), record(2.0, "two"));
        assertThat(fresh("k", 1.0)).as("a plain put invalidates").isFalse();
        assertThat(fresh("k", 2.0)).as("not recorded until read").isFalse();
        populate("k");
        assertThat(fresh("k", 2.0)).isTrue();
    }

    @Test
    void everyKindOfWriteInvalidates() {
        open(true);
        List<Runnable> writes = List.of(
                () -> db.remove(b("k")),
                () -> db.write(new WriteBatch().put(b("x"), b("y")).put(b("k"), record(9.0, "batch"))),
                () -> db.transaction((txn, attempt) -> {
                    txn.put(b("k"), record(9.0, "txn"));
                    return null;
                }),
                () -> db.transaction((txn, attempt) -> {
                    txn.remove(b("k"));
                    return null;
                }),
                () -> db.deleteRange(b("a"), b("z")),
                () -> db.transaction((txn, attempt) -> {
                    txn.deleteRange(b("j"), b("l"));
                    return null;
                }),
                db::clear,
                () -> db.put(b("k"), record(1.0, "same version, new value")));
        int i = 0;
        for (Runnable write : writes) {
            db.put(b("k"), record(1.0, "v"));
            populate("k");
            assertThat(fresh("k", 1.0)).as("write %d: populated", i).isTrue();
            write.run();
            assertThat(fresh("k", 1.0)).as("write %d invalidates", i).isFalse();
            i++;
        }
    }

    @Test
    void explicitPopulationRecordsOnlyTheCurrentVersion() {
        open(true);
        db.put(b("k"), record(1.0, "one"));
        assertThat(db.populateVersion(b("k"), 1.0)).isTrue();
        assertThat(db.verifyVersion(b("k"), 1.0)).isTrue();
        db.put(b("k"), record(2.0, "two"));
        assertThat(db.populateVersion(b("k"), 1.0)).as("a superseded version").isFalse();
        assertThat(db.verifyVersion(b("k"), 1.0)).isFalse();
        assertThat(db.populateVersion(b("absent"), 1.0)).isFalse();
        db.put(b("short"), b("1234567"));
        populate("short");
        assertThat(db.populateVersion(b("short"), 0.0)).as("no version in fewer than 8 bytes").isFalse();
        db.put(b("neg"), record(-3.0, "negative"));
        populate("neg");
        assertThat(fresh("neg", -3.0)).as("only positive versions are cached").isFalse();
    }

    @Test
    void aDatabaseWithoutTheTableAlwaysReads() {
        open(false);
        db.put(b("k"), record(1.0, "one"));
        populate("k");
        assertThat(db.populateVersion(b("k"), 1.0)).isFalse();
        assertThat(db.verifyVersion(b("k"), 1.0)).isFalse();
        assertThat(versionOf(db.get(b("k"), new GetOptions().expectedVersion(1.0)))).isEqualTo(1.0);
    }

    @Test
    void aNewOpenTrustsNothingRecordedByTheLast() {
        open(true);
        db.put(b("k"), record(1.0, "one"));
        populate("k");
        assertThat(fresh("k", 1.0)).isTrue();
        db.close();
        assertThatThrownBy(() -> db.verifyVersion(b("k"), 1.0)).isInstanceOf(ClosedException.class);
        assertThatThrownBy(() -> db.populateVersion(b("k"), 1.0)).isInstanceOf(ClosedException.class);
        open(true);
        assertThat(fresh("k", 1.0)).isFalse();
    }

    /**
     * Writers put increasing versions (and sometimes remove, in transactions and batches too);
     * readers check their cached version with populate on. A FRESH answer for version c while a
     * write of a newer version (or a remove) was already acknowledged when the read began would
     * be a stale read: the test counts none, and many fresh hits.
     */
    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"SYNC", "ASYNC"})
    void underConcurrentWritersAStaleVersionNeverReadsAsFresh(Durability durability) throws Exception {
        Path scratch = CrashTesting.scratchDir("strata-verify");
        try {
            db = StrataDatabase.open(scratch.resolve("db"), StrataOptions.defaults().durability(durability)
                    .verificationTable(true));
            runStalenessCheck();
        } finally {
            db.close();
            db = null;
            CrashTesting.deleteTree(scratch);
        }
    }

    private void runStalenessCheck() throws Exception {
        int keys = 8;
        AtomicLong versions = new AtomicLong();
        AtomicLongArray acked = new AtomicLongArray(keys); // newest version acknowledged per key (removes too)
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong freshHits = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        long seed = CrashTesting.seed();
        long runNanos = TimeUnit.MILLISECONDS.toNanos(CrashTesting.scaled(1500, 60_000));
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Future<?>> fs = new ArrayList<>();
        try {
            for (int w = 0; w < 2; w++) {
                SplittableRandom rnd = new SplittableRandom(seed + w);
                int writer = w;
                fs.add(pool.submit(() -> {
                    while (!stop.get()) {
                        // Each key has one writer, so its versions grow in commit order.
                        int k = 2 * rnd.nextInt(keys / 2) + writer;
                        byte[] key = b("k" + k);
                        long v = versions.incrementAndGet();
                        int kind = rnd.nextInt(10);
                        if (kind == 0) {
                            db.remove(key);
                        } else if (kind == 1) {
                            db.transaction((txn, attempt) -> {
                                txn.put(key, record(v, "txn"));
                                return null;
                            });
                        } else if (kind == 2) {
                            db.write(new WriteBatch().put(key, record(v, "batch")));
                        } else {
                            db.put(key, record(v, "put"));
                        }
                        acked.accumulateAndGet(k, v, Math::max);
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 3; r++) {
                SplittableRandom rnd = new SplittableRandom(seed + 100 + r);
                fs.add(pool.submit(() -> {
                    double[] cache = new double[keys];
                    while (!stop.get()) {
                        int k = rnd.nextInt(keys);
                        long ackedBefore = acked.get(k);
                        byte[] got = db.get(b("k" + k), new GetOptions().expectedVersion(cache[k]).populateVersion(true));
                        reads.incrementAndGet();
                        if (got == VerificationTable.FRESH) {
                            freshHits.incrementAndGet();
                            assertThat(cache[k]).as("key k%d read as fresh at version %s, but version %d was already "
                                    + "acknowledged (seed %d)", k, cache[k], ackedBefore, seed).isGreaterThanOrEqualTo(ackedBefore);
                        } else if (got != null) {
                            assertThat(versionOf(got)).isGreaterThanOrEqualTo(ackedBefore);
                            cache[k] = versionOf(got);
                        } else {
                            cache[k] = 0;
                        }
                    }
                    return null;
                }));
            }
            long end = System.nanoTime() + runNanos;
            while (System.nanoTime() < end && fs.stream().noneMatch(Future::isDone)) {
                Thread.sleep(10); // the run's length, not a synchronisation
            }
            stop.set(true);
            for (Future<?> f : fs) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        System.out.printf("VerifiedReadsTest seed=%d: %d reads, %d fresh hits, %d writes%n", seed, reads.get(),
                freshHits.get(), versions.get());
        assertThat(freshHits.get()).as("the table served reads").isPositive();
        assertThat(versions.get()).isPositive();
    }
}
