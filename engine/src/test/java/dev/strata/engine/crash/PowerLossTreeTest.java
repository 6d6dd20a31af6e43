package dev.strata.engine.crash;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.crash.PowerCutHarness.Workload;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.vfs.FaultStorage.Event;
import dev.strata.engine.vfs.FaultStorage.Kind;
import dev.strata.engine.vfs.Storage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power loss at every disk-changing call beyond the WAL (DESIGN.md B1 and B2 through
 * {@link PowerCutHarness}): the workload flushes twice, compacts once and rewrites the manifest
 * each time, so the cut points include a table written but not yet named, a manifest temp file
 * not yet renamed, a rename not yet made durable by its directory force, WAL segments deleted
 * after a flush, and compaction inputs deleted after the install.
 *
 * <p>The workload, through {@link FaultStorage}: open in SYNC; 2 threads make 60 commits each;
 * flush; close. Open in ASYNC (periodic sync off); 2 threads make 60 commits each with a
 * {@code sync()} every 10; flush; 2 threads make 30 commits each with a sync every 10; compact
 * everything; close. Durable points: every SYNC acknowledgement, each sync, flush and close.
 */
class PowerLossTreeTest {
    static StrataOptions options(Durability durability, Storage storage) {
        // A memtable that never fills by itself, tables cut at 8 KiB, no automatic compaction:
        // the two flushes and the one compaction happen where the workload asks.
        return StrataOptions.defaults().storage(storage).durability(durability).syncInterval(Duration.ofHours(1))
                .memtableSize(1 << 20).blockSize(1024).targetFileSize(8 << 10).levelBaseSize(64 << 10)
                .l0CompactionTrigger(8).l0StopWritesTrigger(16).walSegmentSize(64 << 10);
    }

    @Test
    void everyPowerCutAcrossFlushesCompactionAndManifestRewritesLeavesADurablePrefix() throws Exception {
        PowerCutHarness harness = new PowerCutHarness("PowerLossTreeTest", s -> options(Durability.SYNC, s));
        harness.run(CrashTesting.seed(), CrashTesting.scaled(1, 20), CrashTesting.scaled(30, 200), (fs, db, seed) -> {
            Workload wl = runWorkload(fs, db, seed);
            describeAndCheckTrace(fs.trace(), seed, wl);
            return wl;
        });
    }

    private static Workload runWorkload(FaultStorage fs, Path db, long seed) throws Exception {
        Workload wl = new Workload();
        try (StrataDatabase d = StrataDatabase.open(db, options(Durability.SYNC, fs))) {
            PowerCutHarness.commitConcurrently(d, fs, wl, seed, 2, 60, 0);
            flush(d, fs, wl);
            wl.closeDurably(fs, d);
        }
        try (StrataDatabase d = StrataDatabase.open(db, options(Durability.ASYNC, fs))) {
            PowerCutHarness.commitConcurrently(d, fs, wl, seed + 1, 2, 60, 10);
            flush(d, fs, wl);
            PowerCutHarness.commitConcurrently(d, fs, wl, seed + 2, 2, 30, 10);
            d.compact(null, null);
            wl.closeDurably(fs, d);
        }
        return wl;
    }

    /** After flush() returns, every commit made before it is in a table named by a durable manifest. */
    private static void flush(StrataDatabase d, FaultStorage fs, Workload wl) {
        long upTo = d.latestSeqno();
        d.flush();
        wl.durable(fs, upTo);
    }

    /** The trace must hold what the test is about: tables, manifest renames, deletes of tables and segments. */
    private static void describeAndCheckTrace(List<Event> trace, long seed, Workload wl) {
        long tables = trace.stream().filter(e -> e.kind() == Kind.CREATE && e.path().endsWith(".sst")).count();
        long renames = trace.stream().filter(e -> e.kind() == Kind.RENAME).count();
        long tableDeletes = trace.stream().filter(e -> e.kind() == Kind.DELETE && e.path().endsWith(".sst")).count();
        long walDeletes = trace.stream().filter(e -> e.kind() == Kind.DELETE && e.path().endsWith(".wal")).count();
        System.out.printf("PowerLossTreeTest workload seed=%d: %d commits, %d disk calls traced, %d tables written, "
                + "%d manifest renames, %d tables and %d WAL segments deleted%n", seed, wl.commits(), trace.size(), tables,
                renames, tableDeletes, walDeletes);
        assertThat(tables).as("two flushes and a compaction's outputs").isGreaterThanOrEqualTo(3);
        assertThat(renames).as("a manifest per flush and compaction").isGreaterThanOrEqualTo(3);
        assertThat(tableDeletes).as("the compaction's inputs are deleted").isGreaterThanOrEqualTo(2);
        assertThat(walDeletes).as("flushed WAL segments are deleted").isGreaterThanOrEqualTo(1);
    }
}
