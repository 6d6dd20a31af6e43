package dev.strata.engine.crash;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.vfs.FaultStorage.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Regression (found by {@code IoErrorTest}'s thread check): an open that failed after the tree
 * was opened (creating the new WAL segment failed), and a close whose WAL seal failed, or whose
 * NONE-mode flush failed, left the tree's flush and compaction threads running with its tables
 * open. The lock was released all the same, so a compaction the tree had scheduled could go on
 * writing the manifest and deleting tables under the next writer. Every failed open and close
 * must stop the tree.
 */
class FailedOpenOrCloseStopsTheTreeTest {
    static {
        CrashTesting.silence("dev.strata.engine.lsm.LsmTree", "dev.strata.engine.StrataDatabase");
    }

    private Path base;

    @BeforeEach
    void setUp() throws Exception {
        base = CrashTesting.scratchDir("strata-stoptree");
    }

    @AfterEach
    void tearDown() {
        CrashTesting.deleteTree(base);
    }

    private static StrataOptions options(FaultStorage fs, Durability d, int l0Trigger) {
        return StrataOptions.defaults().storage(fs).durability(d).memtableSize(16 << 10).blockSize(512)
                .targetFileSize(16 << 10).l0CompactionTrigger(l0Trigger).l0StopWritesTrigger(l0Trigger + 8);
    }

    private static void fill(StrataDatabase db, int from, int n) {
        for (int i = from; i < from + n; i++) {
            db.put(("k" + i).getBytes(StandardCharsets.US_ASCII), ("value-" + i + "-" + "x".repeat(80)).getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void anOpenThatFailsAfterOpeningTheTreeStopsIt() throws Exception {
        FaultStorage fs = new FaultStorage(base.resolve("open"));
        Path dir = fs.root().resolve("db");
        try (StrataDatabase db = StrataDatabase.open(dir, options(fs, Durability.SYNC, 8))) {
            for (int f = 0; f < 4; f++) {
                fill(db, f * 50, 50);
                db.flush();
            }
        }
        long before = engineThreads();
        // With a lower trigger the open schedules a compaction of the four L0 tables at once;
        // then creating the new WAL segment fails at its force.
        fs.failNth(Kind.FORCE, fs.count(Kind.FORCE) + 1, true);
        assertThat(catchThrowable(() -> StrataDatabase.open(dir, options(fs, Durability.SYNC, 2))))
                .isInstanceOf(StrataException.class);
        assertThat(awaitEngineThreads(before)).as("threads of the failed open's tree still running").isZero();
        fs.clearFaults();
        try (StrataDatabase db = StrataDatabase.open(dir, options(fs, Durability.SYNC, 2))) {
            assertThat(db.get("k199".getBytes(StandardCharsets.US_ASCII))).isNotNull();
        }
    }

    @Test
    void aCloseWhoseWalSealFailsStopsTheTree() throws Exception {
        // Closing seals the WAL and creates an empty successor: its header write fails.
        FaultStorage fs = closeFailing("close", Durability.SYNC, Kind.WRITE);
        try (StrataDatabase again = StrataDatabase.open(fs.root().resolve("db"), options(fs, Durability.SYNC, 8))) {
            assertThat(again.latestSeqno()).isEqualTo(40);
        }
    }

    @Test
    void aNoneModeCloseWhoseFlushFailsStopsTheTree() throws Exception {
        // NONE mode's close flushes the memtable: creating its table fails.
        closeFailing("none", Durability.NONE, Kind.CREATE);
    }

    /**
     * Opens, writes, flushes (the tree's threads start with its first job), writes again, then
     * closes with every later call of {@code kind} failing: the close fails typed and stops the
     * tree. Returns the healed storage.
     */
    private FaultStorage closeFailing(String name, Durability mode, Kind kind) throws Exception {
        FaultStorage fs = new FaultStorage(base.resolve(name));
        long before = engineThreads();
        StrataDatabase db = StrataDatabase.open(fs.root().resolve("db"), options(fs, mode, 8));
        fill(db, 0, 20);
        db.flush();
        fill(db, 20, 20);
        assertThat(engineThreads()).isGreaterThan(before);
        fs.failNth(kind, fs.count(kind) + 1, true);
        assertThat(catchThrowable(db::close)).isInstanceOf(StrataException.class);
        assertThat(awaitEngineThreads(before)).as("threads of the closed database's tree still running").isZero();
        fs.clearFaults();
        return fs;
    }

    static long engineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("strata-flush") || t.getName().equals("strata-compact"))
                .count();
    }

    /** Waits up to 5 s for the engine threads to drop to {@code count} (a closed tree's exit just after close); returns the excess. */
    static long awaitEngineThreads(long count) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long now;
        while ((now = engineThreads()) > count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
        }
        return now - count;
    }
}
