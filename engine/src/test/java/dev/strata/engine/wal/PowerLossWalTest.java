package dev.strata.engine.wal;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.crash.PowerCutHarness;
import dev.strata.engine.crash.PowerCutHarness.Workload;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.vfs.FaultStorage.Kind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss at every disk-changing call of a WAL workload (SQLite's TH3 method), then power
 * loss at every call of the recovery itself ({@link PowerCutHarness}: B1 and B2).
 *
 * <p>The workload, through {@link FaultStorage} with 64 KiB segments: 2 threads make 300 SYNC
 * commits (puts, removes, delete-ranges, batches over 100 shared keys, values up to 600 bytes,
 * so the WAL rolls), close; reopen in ASYNC mode (periodic sync off) and 2 threads make 120
 * commits, each calling {@code sync()} every 10 commits; close. The tree never flushes (the
 * memtable is the default 64 MiB): the WAL alone holds the data. {@code PowerLossTreeTest} adds
 * flushes, a compaction and manifest rewrites.
 */
class PowerLossWalTest {
    private static final int SEGMENT = 64 << 10;

    @Test
    void everyPowerCutDuringWritesAndRecoveryLeavesADurablePrefix() throws Exception {
        PowerCutHarness harness = new PowerCutHarness("PowerLossWalTest",
                storage -> StrataOptions.defaults().storage(storage).walSegmentSize(SEGMENT).durability(Durability.SYNC));
        harness.run(CrashTesting.seed(), CrashTesting.scaled(1, 10), CrashTesting.scaled(30, 100), (fs, db, seed) -> {
            Workload wl = runWrites(fs, db, seed);
            long segments = fs.trace().stream().filter(e -> e.kind() == Kind.CREATE && e.path().endsWith(".wal")).count();
            System.out.printf("PowerLossWalTest workload seed=%d: %d commits, %d disk calls traced (%d calls in all), "
                    + "%d WAL segments created%n", seed, wl.commits(), fs.traceSize(), fs.totalCount(), segments);
            assertThat(segments).as("the workload rolls the WAL").isGreaterThanOrEqualTo(3);
            return wl;
        });
    }

    private static Workload runWrites(FaultStorage fs, Path db, long seed) throws Exception {
        Workload wl = new Workload();
        StrataOptions sync = StrataOptions.defaults().storage(fs).walSegmentSize(SEGMENT).durability(Durability.SYNC);
        try (StrataDatabase d = StrataDatabase.open(db, sync)) {
            PowerCutHarness.commitConcurrently(d, fs, wl, seed, 2, 150, 0);
            wl.closeDurably(fs, d);
        }
        StrataOptions async = StrataOptions.defaults().storage(fs).walSegmentSize(SEGMENT)
                .durability(Durability.ASYNC).syncInterval(Duration.ofHours(1));
        try (StrataDatabase d = StrataDatabase.open(db, async)) {
            PowerCutHarness.commitConcurrently(d, fs, wl, seed + 1, 2, 60, 10);
            wl.closeDurably(fs, d);
        }
        return wl;
    }
}
