package dev.strata.engine.backup;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.Durability;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkpoints: taken while writers run, they open as independent databases holding every
 * column family at one commit: each writer's commits form a prefix, a batch that spans two
 * families is whole in both, and every commit acknowledged before the checkpoint began is in it.
 * Tables are hard-linked, so the copy costs no data bytes, and it survives the source's
 * compactions and destruction.
 */
class CheckpointTest {
    @TempDir
    Path dir;

    static byte[] key(int writer, int i) {
        return String.format("w%d-%07d", writer, i).getBytes();
    }

    @Test
    void checkpointsTakenWhileWritersRunAreConsistentPrefixes() throws Exception {
        for (Durability mode : new Durability[]{Durability.SYNC, Durability.ASYNC}) {
            Path db = dir.resolve("db-" + mode);
            StrataOptions options = StrataOptions.defaults().durability(mode).memtableSize(64 << 10)
                    .targetFileSize(32 << 10).levelBaseSize(128 << 10).l0CompactionTrigger(2);
            int writers = 2;
            AtomicLongArray acked = new AtomicLongArray(writers);
            AtomicBoolean stop = new AtomicBoolean();
            List<Path> checkpoints = new ArrayList<>();
            List<long[]> ackedBefore = new ArrayList<>();
            try (StrataDatabase source = StrataDatabase.open(db, options)) {
                ColumnFamily index = source.createColumnFamily("index");
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    Thread t = new Thread(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            byte[] k = key(writer, i);
                            source.write(new WriteBatch().put(k, new byte[50]).put(index, k, k));
                            acked.set(writer, i + 1);
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                for (int c = 0; c < 3; c++) {
                    long deadline = System.nanoTime() + 5_000_000_000L;
                    long target = acked.get(0) + 300;
                    while (acked.get(0) < target && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    long[] before = {acked.get(0), acked.get(1)};
                    Path cp = dir.resolve("cp-" + mode + "-" + c);
                    Checkpointer.Result r = source.createCheckpoint(cp);
                    assertThat(r.directory()).isEqualTo(cp.toAbsolutePath().normalize());
                    assertThat(r.tables()).isPositive();
                    checkpoints.add(cp);
                    ackedBefore.add(before);
                }
                stop.set(true);
                for (Thread t : threads) {
                    t.join();
                }
                source.compact(null, null);
            }
            StrataDatabase.destroy(db);
            for (int c = 0; c < checkpoints.size(); c++) {
                try (StrataDatabase copy = StrataDatabase.open(checkpoints.get(c), options)) {
                    assertThat(copy.columnFamilies()).containsExactly("default", "index");
                    ColumnFamily index = copy.columnFamily("index");
                    for (int w = 0; w < writers; w++) {
                        long n = copy.count(RangeOptions.prefix(("w" + w + "-").getBytes()));
                        assertThat(n).as("%s checkpoint %d writer %d holds what was acknowledged before it", mode, c, w)
                                .isGreaterThanOrEqualTo(ackedBefore.get(c)[w]);
                        assertThat(index.count(RangeOptions.prefix(("w" + w + "-").getBytes())))
                                .as("both halves of every batch").isEqualTo(n);
                        if (n > 0) {
                            assertThat(copy.get(key(w, (int) n - 1))).as("a prefix: the last one is there").isNotNull();
                        }
                        assertThat(copy.get(key(w, (int) n))).as("a prefix: nothing after it").isNull();
                    }
                }
            }
        }
    }

    @Test
    void tablesAreHardLinkedAndTheCopyIsIndependent() throws Exception {
        Path db = dir.resolve("db");
        Path cp = dir.resolve("nested/parents/cp");
        try (StrataDatabase source = StrataDatabase.open(db)) {
            for (int i = 0; i < 2000; i++) {
                source.put(key(0, i), new byte[100]);
            }
            source.flush();
            source.put(key(0, 5000), "tail".getBytes());
            Checkpointer.Result r = source.createCheckpoint(cp);
            assertThat(r.bytesLinked()).as("tables are linked, not copied").isPositive();
            try (var tables = Files.list(cp.resolve("sst"))) {
                for (Path t : tables.toList()) {
                    assertThat((Integer) Files.getAttribute(t, "unix:nlink")).isEqualTo(2);
                }
            }
            source.put(key(0, 6000), "after".getBytes());
            source.deleteRange(key(0, 0), key(0, 1000));
            assertThatThrownBy(() -> source.createCheckpoint(cp))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("exists");
            assertThatThrownBy(() -> source.createCheckpoint(db.resolve("inside")))
                    .isInstanceOf(InvalidArgumentException.class);
        }
        try (StrataDatabase copy = StrataDatabase.open(cp)) {
            assertThat(copy.count(RangeOptions.all())).isEqualTo(2001);
            assertThat(copy.get(key(0, 5000))).isEqualTo("tail".getBytes());
            assertThat(copy.get(key(0, 6000))).isNull();
            copy.put(key(0, 7000), "only in the copy".getBytes());
        }
        try (StrataDatabase source = StrataDatabase.open(db)) {
            assertThat(source.get(key(0, 7000))).isNull();
            assertThat(source.count(RangeOptions.all())).isEqualTo(1002);
            try (StrataDatabase ro = StrataDatabase.open(db, StrataOptions.defaults().readOnly(true))) {
                assertThatThrownBy(() -> ro.createCheckpoint(dir.resolve("ro-cp"))).isInstanceOf(ReadOnlyException.class);
            }
        }
    }
}
