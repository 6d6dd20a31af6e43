package dev.strata.engine;

import dev.strata.engine.backup.BackupResult;
import dev.strata.engine.backup.Backups;
import dev.strata.engine.txn.TransactionMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of the kill and crash-point tests ({@link CrashCycles}): opens a database and
 * runs writer threads, and optionally one thread of checkpoints, backups or restores
 * ({@link Admin}), until it is killed or halted by a crash point. Each writer t runs ops 1, 2,
 * ... of {@link #op} (puts, removes, delete-ranges, batches, batches across two column families,
 * transactions in the database's mode), which the parent regenerates from the same arguments,
 * and prints, each line written with one write(2) ({@link ChildJvm#emit}: a kill never leaves
 * half a line):
 * <pre>
 *   ready &lt;latestSeqno after open&gt;
 *   try &lt;t&gt; &lt;opId&gt; &lt;op&gt;         before the commit starts
 *   ack &lt;seqno&gt; &lt;t&gt; &lt;opId&gt;      after the commit returned
 *   skip &lt;t&gt; &lt;opId&gt;              a transaction was given up after its retries (nothing committed)
 *   done &lt;t&gt;                      thread t made its last op (maxOps)
 *   checkpoint &lt;n&gt; &lt;seqno&gt;       checkpoint n is complete ({@link #checkpointDir})
 *   backup &lt;id&gt; &lt;seqno&gt;          backup id is complete ({@link #backupDir})
 *   restored &lt;id&gt;                 backup id is restored into {@link #restoreDir}
 *   error &lt;stack trace&gt;          something failed (the parent fails the test)
 * </pre>
 * Exits by itself when stdin closes (the parent died) or after 120 s; with maxOps, halts with
 * status 0 once every writer made that many ops (without closing the database): a crash-point
 * run must halt at its point long before.
 */
public final class CrashKillChild {
    /** The second column family the writers use (created by the parent with the directory). */
    public static final String FAMILY = "second";

    /** What the child's extra thread does while the writers run. */
    public enum Admin { NONE, CHECKPOINT, BACKUP, RESTORE }

    /**
     * How a child runs: durability and transaction mode of the open, a pause after each op,
     * a number of ops per writer after which it halts (0: none), and the extra thread.
     */
    public record Spec(Durability durability, TransactionMode txnMode, int paceMicros, long maxOps, Admin admin) {
        public static Spec of(Durability durability, TransactionMode txnMode) {
            return new Spec(durability, txnMode, 0, 0, Admin.NONE);
        }

        public Spec pace(int micros) {
            return new Spec(durability, txnMode, micros, maxOps, admin);
        }

        public Spec maxOps(long n) {
            return new Spec(durability, txnMode, paceMicros, n, admin);
        }

        public Spec admin(Admin a) {
            return new Spec(durability, txnMode, paceMicros, maxOps, a);
        }

        /**
         * The second family, or null in NONE mode: there each family's memtable flushes on its
         * own, so a crash keeps the families at different seqnos (docs/reliability.md), and the
         * prefix checks hold for one family only.
         */
        public String family() {
            return durability == Durability.NONE ? null : FAMILY;
        }

        @Override
        public String toString() {
            return durability + "/" + txnMode + (admin == Admin.NONE ? "" : "/" + admin);
        }
    }

    private CrashKillChild() {
    }

    /** Thread t's op number opId in this cycle; thread t writes only keys "t&lt;t&gt;/..." and reads thread t+1's. */
    static KvOp op(long seed, int cycle, int thread, long opId, int threads, String family) {
        long mix = seed * 0x9E3779B97F4A7C15L + cycle * 1_000_003L + thread * 7_919L + opId * 0xBF58476D1CE4E5B9L;
        return KvOp.randomMixed(new Random(mix), "t" + thread + "/", 48, "c" + cycle + ".t" + thread + ".o" + opId, 200,
                family, "t" + (thread + 1) % threads + "/");
    }

    /** Where the admin thread puts checkpoint n of a cycle. */
    public static Path checkpointDir(Path adminDir, int cycle, long n) {
        return adminDir.resolve("cp-" + cycle + "-" + n);
    }

    public static Path backupDir(Path adminDir) {
        return adminDir.resolve("backups");
    }

    /** The database a cycle's restores replace (one per cycle). */
    public static Path restoreDir(Path adminDir, int cycle) {
        return adminDir.resolve("restored-" + cycle);
    }

    /** The command-line arguments that {@link #main} reads back. */
    static List<String> args(Path dir, Path adminDir, long seed, int cycle, int threads, Spec spec) {
        return List.of(dir.toString(), adminDir.toString(), Long.toString(seed), Integer.toString(cycle),
                Integer.toString(threads), spec.durability().name(), spec.txnMode().name(),
                Integer.toString(spec.paceMicros()), Long.toString(spec.maxOps()), spec.admin().name());
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Path adminDir = Path.of(args[1]);
        long seed = Long.parseLong(args[2]);
        int cycle = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        Spec spec = new Spec(Durability.valueOf(args[5]), TransactionMode.valueOf(args[6]), Integer.parseInt(args[7]),
                Long.parseLong(args[8]), Admin.valueOf(args[9]));
        ChildJvm.startWatchdogs(120);
        StrataDatabase db = StrataDatabase.open(dir, CrashTesting.options(spec.durability()).transactionMode(spec.txnMode()));
        // Restores need two backups; the first is taken before the kill's clock starts, so that a
        // killed cycle has time for restores too.
        BackupResult first = spec.admin() == Admin.RESTORE ? db.backup(backupDir(adminDir)) : null;
        ChildJvm.emit("ready " + db.latestSeqno());
        if (first != null) {
            ChildJvm.emit("backup " + first.id() + " " + first.seqno());
        }
        long maxOps = spec.maxOps() > 0 ? spec.maxOps() : Long.MAX_VALUE;
        AtomicInteger running = new AtomicInteger(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> guarded(() -> {
                for (long opId = 1; opId <= maxOps; opId++) {
                    KvOp op = op(seed, cycle, id, opId, threads, spec.family());
                    ChildJvm.emit("try " + id + " " + opId + " " + op);
                    try {
                        CommitResult r = op.commit(db);
                        ChildJvm.emit("ack " + r.seqno() + " " + id + " " + opId);
                    } catch (TransactionAbandonedException e) {
                        ChildJvm.emit("skip " + id + " " + opId);
                    }
                    if (spec.paceMicros() > 0) {
                        LockSupport.parkNanos(spec.paceMicros() * 1000L);
                    }
                }
                ChildJvm.emit("done " + id);
                if (running.decrementAndGet() == 0) {
                    Runtime.getRuntime().halt(0);
                }
            }), "writer-" + t);
            w.start();
        }
        if (spec.admin() != Admin.NONE) {
            Thread a = new Thread(() -> guarded(() -> admin(db, spec.admin(), adminDir, cycle, first)), "admin");
            a.setDaemon(true);
            a.start();
        }
    }

    /** Runs {@code body}; any failure is reported and halts the child (status 4). */
    private static void guarded(Runnable body) {
        try {
            body.run();
        } catch (Throwable e) {
            ChildJvm.emit("error " + CrashTesting.describe(e).replace('\n', '|'));
            Runtime.getRuntime().halt(4);
        }
    }

    /**
     * Checkpoints, backups or restores, one after another, until the child dies. Restores
     * alternate the second backup and the first ({@code first}, taken before the writers
     * started), starting with the second.
     */
    private static void admin(StrataDatabase db, Admin what, Path adminDir, int cycle, BackupResult first) {
        List<Long> backups = new ArrayList<>();
        if (first != null) {
            backups.add(first.id());
        }
        int restores = 0;
        for (long n = 1; ; n++) {
            LockSupport.parkNanos(30_000_000L); // let the writers move on between copies
            switch (what) {
                case CHECKPOINT -> {
                    long seqno = db.createCheckpoint(checkpointDir(adminDir, cycle, n)).seqno();
                    ChildJvm.emit("checkpoint " + n + " " + seqno);
                }
                case BACKUP -> {
                    BackupResult r = db.backup(backupDir(adminDir));
                    ChildJvm.emit("backup " + r.id() + " " + r.seqno());
                }
                default -> {
                    if (backups.size() < 2) {
                        BackupResult r = db.backup(backupDir(adminDir));
                        backups.add(r.id());
                        ChildJvm.emit("backup " + r.id() + " " + r.seqno());
                    } else {
                        long id = backups.get((restores++ + 1) % 2);
                        Backups.restore(backupDir(adminDir), restoreDir(adminDir, cycle), id);
                        ChildJvm.emit("restored " + id);
                    }
                }
            }
        }
    }
}
