package dev.strata.autoconfigure.metrics;

import dev.strata.autoconfigure.FailingForceStorage;
import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.autoconfigure.backup.StrataBackups;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code strata.*} meters follow what the database does, with bounded tags only. */
class StrataMetricsTests {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private double value(String name, String... tags) {
        Meter meter = registry.find(name).tags(tags).meter();
        assertThat(meter).as(name).isNotNull();
        return meter.measure().iterator().next().getValue();
    }

    @Test
    void writesFlushesCompactionsAndReadsMoveTheirMeters() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            new StrataMetrics(db).bindTo(registry);
            assertThat(value("strata.wal.written")).isZero();
            for (int i = 0; i < 10; i++) {
                db.put(bytes("key" + i), bytes("value" + i));
            }
            assertThat(value("strata.seqno.latest")).isEqualTo(10);
            assertThat(value("strata.seqno.durable")).isEqualTo(10);
            assertThat(value("strata.wal.written")).isGreaterThan(10 * ("key0value0".length()));
            assertThat(value("strata.wal.syncs")).isBetween(1.0, 10.0);
            assertThat(value("strata.memtable.size")).isPositive();
            assertThat(value("strata.wal.segments")).isGreaterThanOrEqualTo(1);

            db.flush();
            assertThat(value("strata.flushes")).isEqualTo(1);
            assertThat(value("strata.flush.written")).isPositive();
            assertThat(value("strata.sst.files", "level", "0")).isEqualTo(1);
            assertThat(value("strata.sst.size", "level", "0")).isPositive();
            assertThat(value("strata.memtable.immutable")).isZero();

            assertThat(db.get(bytes("key3"))).isEqualTo(bytes("value3"));
            assertThat(db.get(bytes("key4"))).isEqualTo(bytes("value4"));
            assertThat(value("strata.cache.gets", "result", "hit") + value("strata.cache.gets", "result", "miss"))
                    .isGreaterThanOrEqualTo(2);
            assertThat(value("strata.cache.gets", "result", "miss")).isGreaterThanOrEqualTo(1);

            db.compact(null, null);
            assertThat(value("strata.compactions")).isGreaterThanOrEqualTo(1);
            assertThat(value("strata.compaction.read")).isPositive();
            assertThat(value("strata.compaction.written")).isPositive();
            assertThat(value("strata.sst.files", "level", "0")).isZero();
        }
    }

    @Test
    void openHandlesAreCountedByKind() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            new StrataMetrics(db).bindTo(registry);
            db.put(bytes("a"), bytes("1"));
            try (StrataIterator<KeyValue> it = db.iterator(new RangeOptions());
                 var snapshot = db.snapshot()) {
                assertThat(it.hasNext()).isTrue();
                assertThat(snapshot.seqno()).isEqualTo(1);
                assertThat(value("strata.handles.open", "kind", "iterator")).isEqualTo(1);
                assertThat(value("strata.handles.open", "kind", "snapshot")).isEqualTo(1);
            }
            assertThat(value("strata.handles.open", "kind", "iterator")).isZero();
            assertThat(value("strata.handles.open", "kind", "snapshot")).isZero();
        }
    }

    @Test
    void writeStallsAreATimerInMilliseconds() {
        // A 4 KiB memtable with one flush slot and a low level-0 stop: writers outrun the flushes.
        StrataOptions tiny = StrataOptions.defaults().memtableSize(4 << 10).maxImmutableMemtables(1)
                .l0CompactionTrigger(2).l0StopWritesTrigger(3);
        try (StrataDatabase db = StrataDatabase.open(dir, tiny)) {
            new StrataMetrics(db).bindTo(registry);
            byte[] value = new byte[1024];
            for (int i = 0; i < 2000 && db.lsmStats().stalls() == 0; i++) {
                db.put(bytes("key" + i), value);
            }
            FunctionTimer stalls = registry.find("strata.write.stalls").functionTimer();
            assertThat(stalls).isNotNull();
            assertThat(stalls.count()).isPositive();
            assertThat(stalls.count()).isEqualTo(db.lsmStats().stalls());
            assertThat(stalls.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(db.lsmStats().stallMillis());
        }
    }

    @Test
    void writesRefusedTurnsToOneOnABackgroundError() {
        FailingForceStorage storage = new FailingForceStorage();
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults().storage(storage))) {
            new StrataMetrics(db).bindTo(registry);
            db.put(bytes("a"), bytes("1"));
            assertThat(value("strata.writes.refused")).isZero();
            storage.failForces();
            assertThatThrownBy(() -> db.put(bytes("b"), bytes("2"))).isInstanceOf(BackgroundErrorException.class);
            assertThat(value("strata.writes.refused")).isEqualTo(1);
            assertThat(value("strata.seqno.durable")).isEqualTo(1);
        }
    }

    @Test
    void everyMeterIsNamedStrataWithBoundedTagsAndBaseUnits() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            new StrataMetrics(db).bindTo(registry);
            assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getName()).startsWith("strata."));
            Set<String> tagKeys = registry.getMeters().stream().flatMap(m -> m.getId().getTags().stream())
                    .map(Tag::getKey).collect(Collectors.toSet());
            assertThat(tagKeys).containsExactlyInAnyOrder("level", "result", "kind", "reason");
            assertThat(registry.find("strata.sst.files").meters()).hasSize(db.lsmStats().levelFiles().length);
            assertThat(registry.get("strata.wal.written").functionCounter().getId().getBaseUnit()).isEqualTo(BaseUnits.BYTES);
            assertThat(registry.get("strata.memtable.size").gauge().getId().getBaseUnit()).isEqualTo(BaseUnits.BYTES);
            assertThat(registry.get("strata.sst.files").tag("level", "0").gauge().getId().getBaseUnit()).isEqualTo("files");
        }
    }

    @Test
    void columnFamiliesAreCounted() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            new StrataMetrics(db).bindTo(registry);
            assertThat(value("strata.column.families")).isEqualTo(1);
            db.createColumnFamily("history");
            assertThat(value("strata.column.families")).isEqualTo(2);
            db.dropColumnFamily("history");
            assertThat(value("strata.column.families")).isEqualTo(1);
        }
    }

    @Test
    void transactionLogMetersFollowTheLog() {
        try (StrataDatabase db = StrataDatabase.open(dir, dev.strata.engine.StrataOptions.defaults().walKeepSize(0).walSegmentSize(64 << 10))) {
            new StrataMetrics(db).bindTo(registry);
            assertThat(value("strata.txnlog.entries")).isZero();
            db.transaction((txn, attempt) -> {
                txn.put(bytes("k"), bytes("v"));
                db.useLog("audit").addEntry(bytes("entry"), txn);
                return null;
            });
            assertThat(value("strata.txnlog.entries")).isEqualTo(1);
            assertThat(value("strata.txnlog.size")).isPositive();
            assertThat(value("strata.txnlog.segments")).isGreaterThanOrEqualTo(1);
            for (int i = 0; i < 200; i++) {
                db.put(bytes("filler" + i), new byte[1024]); // seals the segment holding the entry
            }
            db.flush();
            db.runLogRetention();
            assertThat(value("strata.txnlog.log.only.segments")).isEqualTo(1);
            assertThat(registry.get("strata.txnlog.segments.kept").tag("reason", "log_entries_inside_retention").gauge().value())
                    .isEqualTo(1);
            assertThat(registry.get("strata.txnlog.holds.dropped").functionCounter().count()).isZero();
        }
        assertThat(value("strata.txnlog.entries")).as("after close").isNaN();
    }

    @Test
    void backupMetersFollowSuccessesFailuresAndBytes() throws Exception {
        try (StrataDatabase db = StrataDatabase.open(dir.resolve("db"))) {
            Path backupDir = dir.resolve("backups");
            StrataBackups backups = new StrataBackups(db, backupDir, 0, true);
            new StrataBackupMetrics(backups).bindTo(registry);
            assertThat(value("strata.backup.running")).isZero();
            db.put(bytes("k"), bytes("v"));
            long copied = backups.backupNow().bytesCopied();
            FunctionTimer success = registry.get("strata.backup").tag("result", "success").functionTimer();
            assertThat(success.count()).isEqualTo(1);
            assertThat(success.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(value("strata.backup.copied")).isEqualTo(copied);

            Files.walk(backupDir).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            Files.writeString(backupDir, "not a directory");
            assertThatThrownBy(backups::backupNow).isInstanceOf(StrataException.class);
            assertThat(registry.get("strata.backup").tag("result", "failure").functionTimer().count()).isEqualTo(1);
            assertThat(success.count()).isEqualTo(1);
            assertThat(value("strata.backup.copied")).isEqualTo(copied);
        }
    }
}
