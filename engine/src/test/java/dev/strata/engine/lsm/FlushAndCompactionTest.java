package dev.strata.engine.lsm;

import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.Durability;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.Snapshot;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.vfs.FaultStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tree's life cycle with real files: memtables flush to L0 and the WAL they covered goes,
 * compaction reclaims overwritten and deleted data, iterators and snapshots keep what they read
 * across compactions, obsolete tables are deleted once nothing holds them, and a failed flush
 * refuses writes without losing anything.
 */
class FlushAndCompactionTest {
    @TempDir
    Path dir;

    static StrataOptions small() {
        return StrataOptions.defaults().durability(Durability.ASYNC).memtableSize(32 << 10).blockSize(1024)
                .targetFileSize(32 << 10).levelBaseSize(128 << 10).levelMultiplier(4)
                .l0CompactionTrigger(2).l0StopWritesTrigger(8).walSegmentSize(64 << 10).walKeepSize(0);
    }

    static byte[] key(int i) {
        return String.format("key-%08d", i).getBytes();
    }

    static byte[] value(int i, int version) {
        return ("value-" + i + "-v" + version + "-" + "p".repeat(60)).getBytes();
    }

    long sstBytes(Path db) throws IOException {
        try (Stream<Path> s = Files.list(db.resolve("sst"))) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    long sstFiles(Path db) throws IOException {
        try (Stream<Path> s = Files.list(db.resolve("sst"))) {
            return s.count();
        }
    }

    @Test
    void memtablesFlushAndTheWalTheyCoveredIsDeleted() {
        int n = 5000;
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            for (int i = 0; i < n; i++) {
                db.put(key(i), value(i, 0));
            }
            db.flush();
            LsmStats st = db.lsmStats();
            assertThat(st.flushes()).isGreaterThan(5);
            assertThat(db.walSegmentCount()).isLessThanOrEqualTo(2);
            for (int i = 0; i < n; i += 97) {
                assertThat(db.get(key(i))).isEqualTo(value(i, 0));
            }
        }
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            assertThat(db.latestSeqno()).isEqualTo(n);
            try (StrataIterator<KeyValue> it = db.iterator(RangeOptions.all())) {
                int i = 0;
                while (it.hasNext()) {
                    KeyValue kv = it.next();
                    assertThat(kv.key()).isEqualTo(key(i));
                    assertThat(kv.value()).isEqualTo(value(i, 0));
                    i++;
                }
                assertThat(i).isEqualTo(n);
            }
        }
    }

    @Test
    void compactionReclaimsOverwrittenAndDeletedData() throws IOException {
        int n = 2000;
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < n; i++) {
                    db.put(key(i), value(i, round));
                }
            }
            db.flush();
            db.compact(null, null);
            long oneCopy = (long) n * (key(0).length + value(0, 0).length);
            assertThat(sstBytes(dir)).as("after compaction about one copy of the data remains")
                    .isLessThan(oneCopy * 2);
            for (int i = 0; i < n; i += 13) {
                assertThat(db.get(key(i))).isEqualTo(value(i, 4));
            }
            db.deleteRange(key(0), key(n));
            db.flush();
            db.compact(null, null);
            assertThat(sstBytes(dir)).as("tombstones and what they deleted are gone at the bottom").isLessThan(4096);
            assertThat(db.get(key(5))).isNull();
            try (StrataIterator<KeyValue> it = db.iterator(RangeOptions.all())) {
                assertThat(it.hasNext()).isFalse();
            }
        }
    }

    @Test
    void iteratorsAndSnapshotsKeepTheirDataAcrossCompactions() throws IOException {
        int n = 3000;
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            for (int i = 0; i < n; i++) {
                db.put(key(i), value(i, 0));
            }
            db.flush();
            Snapshot snap = db.snapshot();
            StrataIterator<KeyValue> it = db.iterator(RangeOptions.all());
            for (int i = 0; i < n; i++) {
                if (i % 2 == 0) {
                    db.put(key(i), value(i, 1));
                } else {
                    db.remove(key(i));
                }
            }
            db.flush();
            db.compact(null, null);
            int seen = 0;
            while (it.hasNext()) {
                KeyValue kv = it.next();
                assertThat(kv.key()).isEqualTo(key(seen));
                assertThat(kv.value()).isEqualTo(value(seen, 0));
                seen++;
            }
            assertThat(seen).isEqualTo(n);
            for (int i = 0; i < n; i += 31) {
                assertThat(db.get(key(i), snap)).isEqualTo(value(i, 0));
                assertThat(db.get(key(i))).isEqualTo(i % 2 == 0 ? value(i, 1) : null);
            }
            long filesWhileHeld = sstFiles(dir);
            it.close();
            snap.close();
            db.compact(null, null);
            assertThat(sstFiles(dir)).as("obsolete tables are deleted once nothing holds them")
                    .isLessThanOrEqualTo(filesWhileHeld);
            for (int i = 0; i < n; i += 31) {
                assertThat(db.get(key(i))).isEqualTo(i % 2 == 0 ? value(i, 1) : null);
            }
        }
    }

    @Test
    void aFailedFlushRefusesWritesKeepsReadsAndLosesNothing() throws Exception {
        FaultStorage faults = new FaultStorage(dir);
        StrataOptions o = small().storage(faults).walSegmentSize(16 << 20).durability(Durability.SYNC);
        int acked = 0;
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            // The next file created is the first flush's table: make it fail.
            faults.failNth(FaultStorage.Kind.CREATE, faults.count(FaultStorage.Kind.CREATE) + 1, false);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (db.backgroundError() == null && System.nanoTime() < deadline) {
                try {
                    db.put(key(acked), value(acked, 0));
                    acked++;
                } catch (BackgroundErrorException e) {
                    break;
                }
            }
            assertThat(db.backgroundError()).isNotNull();
            assertThatThrownBy(() -> db.put(key(0), value(0, 9))).isInstanceOf(BackgroundErrorException.class);
            for (int i = 0; i < acked; i += 7) {
                assertThat(db.get(key(i))).isEqualTo(value(i, 0));
            }
        }
        faults.clearFaults();
        try (StrataDatabase db = StrataDatabase.open(dir, small().durability(Durability.SYNC))) {
            for (int i = 0; i < acked; i++) {
                assertThat(db.get(key(i))).as("acknowledged key %d", i).isEqualTo(value(i, 0));
            }
            db.put(key(acked), value(acked, 0));
        }
    }
}
