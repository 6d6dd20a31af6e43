package dev.strata.engine.crash;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.KvOp;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.vfs.FaultStorage.Injection;
import dev.strata.engine.vfs.FaultStorage.Kind;
import dev.strata.engine.vfs.Storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The fixed one-writer workload of the I/O-error tests, run through a {@link FaultStorage} that
 * fails some call, and the checks that must hold whatever fails (DESIGN.md test C1):
 * <ol>
 *   <li>every call returns or throws a {@link StrataException}: never another exception;</li>
 *   <li>a call in which an injected failure hit the calling thread throws (the failure is reported
 *       within that one call), except a failed delete of an obsolete file, which the engine may
 *       leave for the next open;</li>
 *   <li>a failure on a background thread (flush, compaction) latches the database: it reports a
 *       background error within 10 s, and from then on refuses every write;</li>
 *   <li>no commit is acknowledged after a failed commit or a latched background error
 *       ({@link Ledger});</li>
 *   <li>reads keep working and show exactly the acknowledged commits, unless the read path itself
 *       failed;</li>
 *   <li>a failed force is never tried again while that open of the database lasts;</li>
 *   <li>every open, and the final open on the healed storage, holds exactly the replay of commits
 *       1..S with S the last acknowledged seqno (or one more, the commit that failed).</li>
 * </ol>
 * The workload: open in SYNC; 16 commits; read; flush; 16 commits; flush; compact; read; close;
 * open in ASYNC (no periodic sync); 16 commits with a sync() every 8; read; close. Values up to
 * 3 KB, so the WAL (64 KiB segments) rolls and flushed segments are deleted. A step whose database
 * failed to open is skipped, and the next open is tried.
 */
final class FaultWorkload {
    static final int COMMITS_PER_PHASE = 16;
    private static final long LATCH_DEADLINE_NANOS = 10_000_000_000L;

    private final FaultStorage fs;
    private final Path dir;
    private final Random rnd;
    private final String tag;
    private final Thread self = Thread.currentThread();
    final Ledger ledger = new Ledger();
    final List<String> violations = new ArrayList<>();
    /** Inode of each failed force while the current open lasts, and its force count then. */
    private final Map<Long, Long> failedForces = new HashMap<>();
    private StrataDatabase db;
    private int stepNo;
    long typedErrors;
    /** The most bytes the database's files held at the end of a step. */
    long peakBytes;

    FaultWorkload(FaultStorage fs, long seed) {
        this.fs = fs;
        this.dir = fs.root().resolve("db");
        this.rnd = new Random(seed);
        this.tag = "w" + Long.toHexString(seed & 0xFFFF);
    }

    /** The options of every open: a small tree, explicit flushes, no periodic sync. */
    static StrataOptions options(Durability durability, Storage storage) {
        return StrataOptions.defaults().storage(storage).durability(durability).syncInterval(Duration.ofHours(1))
                .memtableSize(64 << 10).blockSize(512).targetFileSize(16 << 10).levelBaseSize(64 << 10)
                .l0CompactionTrigger(4).l0StopWritesTrigger(12).walSegmentSize(64 << 10);
    }

    /** Runs the workload; violations of the checks land in {@link #violations}. */
    void run() {
        open(Durability.SYNC);
        commits(0);
        read();
        step("flush", () -> db.flush());
        commits(0);
        step("flush", () -> db.flush());
        step("compact", () -> db.compact(null, null));
        read();
        close();
        open(Durability.ASYNC);
        commits(8);
        read();
        close();
    }

    /**
     * Heals the storage, opens it again and checks the recovered state, then commits once more
     * (it must get S + 1) and closes. Throws {@link AssertionError} on a violation.
     */
    void recoverAndCheck() {
        fs.clearFaults();
        try (StrataDatabase d = StrataDatabase.open(dir, options(Durability.SYNC, fs))) {
            ledger.opened(d);
            KvOp probe = KvOp.random(rnd, "", 40, tag + "-probe", 40);
            ledger.acknowledged(probe, probe.commit(d).seqno());
        }
    }

    private void open(Durability durability) {
        checkNoForceRetried();
        failedForces.clear();
        step("open " + durability, () -> {
            db = StrataDatabase.open(dir, options(durability, fs));
            ledger.opened(db);
        });
    }

    private void close() {
        step("close", () -> {
            StrataDatabase d = db;
            db = null;
            d.close();
        });
        checkNoForceRetried();
    }

    private void commits(int syncEvery) {
        for (int i = 1; i <= COMMITS_PER_PHASE; i++) {
            KvOp op = KvOp.random(rnd, "", 40, tag + "." + stepNo, 3000);
            step("commit " + op, () -> {
                try {
                    long seqno = op.commit(db).seqno();
                    ledger.acknowledged(op, seqno);
                } catch (StrataException e) {
                    ledger.failed(op, e);
                    throw e;
                }
            });
            if (syncEvery > 0 && i % syncEvery == 0) {
                step("sync", () -> db.sync());
            }
        }
    }

    /** A full scan must equal the acknowledged state, and gets must agree with it. */
    private void read() {
        step("read", () -> {
            TreeMap<String, String> expected = ledger.visible();
            TreeMap<String, String> actual = CrashTesting.contents(db);
            if (!actual.equals(expected)) {
                violations.add("read: the state is not the acknowledged commits: " + CrashTesting.diff(expected, actual));
            }
            for (String k : new String[] {KvOp.key("", 0), KvOp.key("", 17), KvOp.key("", 39)}) {
                byte[] v = db.get(k.getBytes(StandardCharsets.ISO_8859_1));
                String got = v == null ? null : new String(v, StandardCharsets.ISO_8859_1);
                if (!java.util.Objects.equals(got, expected.get(k))) {
                    violations.add("read: get(" + k + ") = " + got + ", expected " + expected.get(k));
                }
            }
        });
    }

    /**
     * Runs one step if the database is open (or the step opens it), and applies checks 1-3 to
     * what it threw and to the failures injected while it ran.
     */
    private void step(String what, Runnable body) {
        boolean opening = what.startsWith("open");
        if (db == null && !opening) {
            return;
        }
        stepNo++;
        int injectedBefore = fs.injections().size();
        RuntimeException thrown = null;
        try {
            body.run();
        } catch (StrataException e) {
            thrown = e;
            typedErrors++;
        } catch (RuntimeException e) {
            thrown = e;
            violations.add(what + ": untyped " + e);
        }
        List<Injection> injected = fs.injections();
        injected = injected.subList(injectedBefore, injected.size());
        boolean ownFailure = false;
        for (Injection i : injected) {
            if (i.kind() == Kind.FORCE) {
                failedForces.putIfAbsent(i.node(), fs.forceAttempts(i.node()));
            }
            if (isIndexFile(i)) {
                continue; // a WAL segment's summary: an index, logged and rebuilt at the next open, never an error
            }
            if (i.thread() == self) {
                ownFailure = true;
                if (thrown == null && i.kind() != Kind.DELETE) {
                    violations.add(what + ": returned normally although its " + i.kind() + " of " + i.path() + " failed");
                }
            } else if (i.kind() != Kind.DELETE && i.kind() != Kind.DIR_FORCE && db != null && !db.isClosed()) {
                awaitLatched(what, i);
            }
        }
        if (thrown != null && !ownFailure && what.equals("read")) {
            violations.add("read: failed although nothing failed in the read path: " + thrown);
        }
        if (db != null && !db.isClosed() && db.backgroundError() != null) {
            ledger.latched(db.backgroundError());
        }
        peakBytes = Math.max(peakBytes, fs.usedBytes());
    }

    private void awaitLatched(String what, Injection i) {
        long deadline = System.nanoTime() + LATCH_DEADLINE_NANOS;
        while (db.backgroundError() == null) {
            if (System.nanoTime() > deadline) {
                violations.add(what + ": the background " + i.kind() + " failure of " + i.path()
                        + " did not latch the database within 10 s");
                return;
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private void checkNoForceRetried() {
        failedForces.forEach((node, attempts) -> {
            long now = fs.forceAttempts(node);
            if (now != attempts) {
                violations.add("a failed force (inode " + node + ") was tried " + (now - attempts) + " more time(s)");
            }
        });
    }

    /** A failure on a WAL segment's summary file (or its temporary), which the engine only logs and counts. */
    private static boolean isIndexFile(Injection i) {
        return i.path() != null && (i.path().endsWith(dev.strata.engine.wal.SegmentSummaryFile.SUFFIX)
                || i.path().endsWith(dev.strata.engine.wal.SegmentSummaryFile.SUFFIX + ".tmp"));
    }
}
