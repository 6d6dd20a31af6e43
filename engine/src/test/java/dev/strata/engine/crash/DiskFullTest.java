package dev.strata.engine.crash;

import dev.strata.engine.BackgroundErrorException;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.ErrorCode;
import dev.strata.engine.KvOp;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import dev.strata.engine.vfs.FaultStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A full disk (DESIGN.md test C2), through {@link FaultStorage#quota}: a write that would grow
 * the database's files past the quota writes what fits and fails with "No space left on device".
 * Whatever fills the disk (a commit's WAL write, a new WAL segment, a flush's table, a
 * compaction's outputs, a manifest), the database answers with a typed error in that call (or,
 * for a background job, latches the background error), refuses writes from then on, keeps
 * serving reads of exactly the acknowledged commits, and after the space is freed and the
 * database reopened holds every acknowledged commit and accepts new ones.
 */
class DiskFullTest {
    static {
        CrashTesting.silence("dev.strata.engine.lsm.LsmTree", "dev.strata.engine.StrataDatabase",
                "dev.strata.engine.DatabaseOpener", "dev.strata.engine.wal.WalWriter");
    }

    private static final String NO_SPACE = "No space left on device";
    private Path base;
    private final long seed = CrashTesting.seed();

    @BeforeEach
    void setUp() throws Exception {
        base = CrashTesting.scratchDir("strata-diskfull");
    }

    @AfterEach
    void tearDown() {
        CrashTesting.deleteTree(base);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Durability.class, names = {"SYNC", "ASYNC"})
    void aCommitThatFillsTheDiskFailsTypedAndReadsGoOn(Durability mode) throws Exception {
        FaultStorage fs = new FaultStorage(base.resolve("db-" + mode));
        Path dir = fs.root().resolve("db");
        Ledger ledger = new Ledger();
        Random rnd = new Random(seed);
        StrataException full = null;
        try (StrataDatabase db = StrataDatabase.open(dir, FaultWorkload.options(mode, fs))) {
            ledger.opened(db);
            commit(db, ledger, rnd, 10);
            // SYNC preallocates whole segments, so the disk fills when the WAL rolls; ASYNC at the next write.
            fs.quota(fs.usedBytes() + 4096);
            for (int i = 0; i < 2000 && full == null; i++) {
                KvOp op = KvOp.random(rnd, "", 40, "fill" + i, 3000);
                try {
                    ledger.acknowledged(op, op.commit(db).seqno());
                } catch (StrataException e) {
                    ledger.failed(op, e);
                    full = e;
                }
            }
            assertDiskFull(full);
            assertRefusesWritesAndServesReads(db, ledger, rnd);
            fs.quota(Long.MAX_VALUE); // space freed: still refused until the database is reopened
            assertThat(catchThrowable(() -> KvOp.random(rnd, "", 40, "freed", 10).commit(db)))
                    .isInstanceOf(BackgroundErrorException.class);
        }
        reopenAndCheck(fs, dir, ledger, rnd);
        System.out.printf("DiskFullTest %s: %d commits acknowledged before the disk filled, the failed one %s%n",
                mode, ledger.acknowledgedCount(), ledger.pendingRecoveredCount() > 0 ? "recovered" : "not recovered");
    }

    @Test
    void aFlushThatFillsTheDiskLatchesTheBackgroundErrorAndReadsGoOn() throws Exception {
        backgroundJobFillsTheDisk("flush", 1, StrataDatabase::flush);
    }

    @Test
    void aCompactionThatFillsTheDiskLatchesTheBackgroundErrorAndReadsGoOn() throws Exception {
        backgroundJobFillsTheDisk("compaction", 2, db -> db.compact(null, null));
    }

    /** {@code flushesBefore} flushes on a roomy disk, then the quota, then {@code job}. */
    private void backgroundJobFillsTheDisk(String what, int flushesBefore, Consumer<StrataDatabase> job) throws Exception {
        FaultStorage fs = new FaultStorage(base.resolve(what));
        Path dir = fs.root().resolve("db");
        Ledger ledger = new Ledger();
        Random rnd = new Random(seed);
        try (StrataDatabase db = StrataDatabase.open(dir, FaultWorkload.options(Durability.ASYNC, fs))) {
            ledger.opened(db);
            for (int f = 0; f < flushesBefore; f++) {
                commit(db, ledger, rnd, 20);
                db.flush();
            }
            commit(db, ledger, rnd, 5);
            fs.quota(fs.usedBytes() + 300);
            Throwable e = catchThrowable(() -> job.accept(db));
            assertDiskFull(e);
            assertThat(db.backgroundError()).as("the %s failure is latched", what).isNotNull();
            ledger.latched(db.backgroundError());
            assertRefusesWritesAndServesReads(db, ledger, rnd);
            fs.quota(Long.MAX_VALUE);
        }
        reopenAndCheck(fs, dir, ledger, rnd);
    }

    /**
     * Disk full at every point of the {@link FaultWorkload}: for quotas from 0 to the workload's
     * peak usage, each quota fills the disk at a different call (WAL record, new segment, table,
     * manifest, compaction output), and the workload's checks hold.
     */
    @Test
    void aQuotaAtAnyPointOfTheWorkloadKeepsItsChecks() throws Exception {
        FaultStorage dry = new FaultStorage(base.resolve("dry"));
        FaultWorkload d = new FaultWorkload(dry, seed);
        d.run();
        d.recoverAndCheck();
        assertThat(d.violations).isEmpty();
        long peak = d.peakBytes;
        int quotas = CrashTesting.scaled(150, 1500);
        List<String> failures = new ArrayList<>();
        int filled = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < quotas; i++) {
            long quota = peak * i / quotas;
            Path dir = base.resolve("run");
            CrashTesting.deleteTree(dir);
            FaultStorage fs = new FaultStorage(dir).quota(quota);
            FaultWorkload wl = new FaultWorkload(fs, seed);
            try {
                wl.run();
                filled += fs.injections().isEmpty() ? 0 : 1;
                wl.recoverAndCheck();
            } catch (AssertionError | RuntimeException e) {
                wl.violations.add("unexpected " + e);
            }
            for (String v : wl.violations) {
                failures.add("seed " + seed + ", quota " + quota + ": " + v);
            }
        }
        System.out.printf("DiskFullTest seed=%d: %d quotas from 0 to the peak of %d bytes, %d filled the disk, %d "
                + "violations, %.1f s%n", seed, quotas, peak, filled, failures.size(), (System.nanoTime() - t0) / 1e9);
        assertThat(failures).as("disk-full violations (replay with -Dstrata.seed=%d)", seed).isEmpty();
        assertThat(filled).as("every quota below the peak fills the disk").isEqualTo(quotas);
    }

    private static void commit(StrataDatabase db, Ledger ledger, Random rnd, int n) {
        for (int i = 0; i < n; i++) {
            KvOp op = KvOp.random(rnd, "", 40, "c" + ledger.lastSeqno(), 3000);
            ledger.acknowledged(op, op.commit(db).seqno());
        }
    }

    private static void assertDiskFull(Throwable e) {
        assertThat(e).as("the call that filled the disk fails typed").isInstanceOf(BackgroundErrorException.class);
        assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.BACKGROUND_ERROR);
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertThat(root).hasMessageContaining(NO_SPACE);
    }

    /** Writes of every kind get the latched error; reads return exactly the acknowledged commits. */
    private static void assertRefusesWritesAndServesReads(StrataDatabase db, Ledger ledger, Random rnd) {
        for (int i = 0; i < 5; i++) {
            KvOp op = KvOp.random(rnd, "", 40, "refused" + i, 100);
            assertThat(catchThrowable(() -> op.commit(db))).isInstanceOf(BackgroundErrorException.class);
        }
        assertThat(CrashTesting.contents(db)).isEqualTo(ledger.visible());
    }

    private static void reopenAndCheck(FaultStorage fs, Path dir, Ledger ledger, Random rnd) {
        try (StrataDatabase db = StrataDatabase.open(dir, FaultWorkload.options(Durability.SYNC, fs))) {
            ledger.opened(db);
            commit(db, ledger, rnd, 3);
        }
    }
}
