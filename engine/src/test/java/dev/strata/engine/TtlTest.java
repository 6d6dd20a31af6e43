package dev.strata.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Time-to-live on a fake clock: an expired put reads as absent to get, iterators and snapshots,
 * in the memtable and in tables, across reopen; it hides the older versions under it (it is a
 * deletion, not a disappearance); compaction removes expired data.
 */
class TtlTest {
    @TempDir
    Path dir;

    final AtomicLong clock = new AtomicLong(1_000_000);

    StrataOptions options() {
        return StrataOptions.defaults().clock(clock::get).memtableSize(16 << 10).targetFileSize(16 << 10)
                .levelBaseSize(64 << 10).l0CompactionTrigger(2);
    }

    static byte[] b(String s) {
        return s.getBytes();
    }

    @Test
    void expiredPutsReadAsAbsentEverywhere() {
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            db.put(b("k"), b("old"));
            db.put(b("k"), b("new"), Duration.ofSeconds(10));
            db.write(new WriteBatch().put(b("b"), b("batch"), clock.get() + 5_000));
            db.put(b("forever"), b("v"));
            assertThat(db.get(b("k"))).isEqualTo(b("new"));
            assertThat(db.count(RangeOptions.all())).isEqualTo(3);
            try (Snapshot snap = db.snapshot()) {
                clock.addAndGet(6_000);
                assertThat(db.get(b("b"))).isNull();
                assertThat(db.get(b("k"))).isEqualTo(b("new"));
                clock.addAndGet(5_000);
                assertThat(db.get(b("k"))).as("expired, and the older version stays hidden").isNull();
                assertThat(db.get(b("k"), snap)).as("expiry is by time, at every snapshot").isNull();
                assertThat(db.count(RangeOptions.all())).isEqualTo(1);
                assertThat(db.count(new RangeOptions().reverse(true))).isEqualTo(1);
            }
            db.flush();
            assertThat(db.get(b("k"))).isNull();
            assertThat(db.get(b("forever"))).isEqualTo(b("v"));
        }
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            assertThat(db.get(b("k"))).isNull();
            assertThat(db.count(RangeOptions.all())).isEqualTo(1);
        }
    }

    @Test
    void unexpiredTtlSurvivesFlushAndReopenThenExpires() {
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            db.put(b("k"), b("v"), Duration.ofMinutes(1));
            db.flush();
            db.compact(null, null);
            assertThat(db.get(b("k"))).isEqualTo(b("v"));
        }
        clock.addAndGet(30_000);
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            assertThat(db.get(b("k"))).isEqualTo(b("v"));
            clock.addAndGet(31_000);
            assertThat(db.get(b("k"))).isNull();
        }
    }

    @Test
    void compactionRemovesExpiredData() throws Exception {
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            for (int i = 0; i < 3000; i++) {
                db.put(String.format("k%05d", i).getBytes(), new byte[100], Duration.ofSeconds(60));
            }
            db.flush();
            long before = sstBytes();
            assertThat(before).isGreaterThan(200_000);
            clock.addAndGet(61_000);
            db.compact(null, null);
            assertThat(sstBytes()).isLessThan(before / 20);
            assertThat(db.count(RangeOptions.all())).isZero();
        }
    }

    /** Regression: a compaction started by open judged expiry by the real clock, not the database's. */
    @Test
    void aCompactionStartedAtOpenUsesTheDatabaseClock() {
        StrataOptions noCompaction = options().l0CompactionTrigger(10).l0StopWritesTrigger(20);
        try (StrataDatabase db = StrataDatabase.open(dir, noCompaction)) {
            for (int i = 0; i < 3; i++) {
                db.put(b("k" + i), b("v"), Duration.ofMinutes(1));
                db.flush();
            }
        }
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            db.compact(null, null); // waits for the compaction open started, then compacts again
            for (int i = 0; i < 3; i++) {
                assertThat(db.get(b("k" + i))).as("k%d is not expired on the database's clock", i).isEqualTo(b("v"));
            }
        }
    }

    @Test
    void badTtlsAreInvalidArguments() {
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            assertThatThrownBy(() -> db.put(b("k"), b("v"), Duration.ZERO)).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> db.put(b("k"), b("v"), Duration.ofSeconds(-1))).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> new WriteBatch().put(b("k"), b("v"), 0L)).isInstanceOf(InvalidArgumentException.class);
        }
    }

    long sstBytes() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("sst"))) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
