package dev.strata.engine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of {@link CrashRecoveryKillTest}: opens a database and runs writer threads until
 * it is killed. Each thread t runs ops 1, 2, ... of {@link #op}, which the parent regenerates from
 * the same arguments, and prints, each line written with one write(2) to stdout (a pipe write of
 * at most PIPE_BUF bytes is atomic, so a kill never leaves half a line):
 * <pre>
 *   ready &lt;latestSeqno after open&gt;
 *   try &lt;t&gt; &lt;opId&gt; &lt;op&gt;      before the commit starts
 *   ack &lt;seqno&gt; &lt;t&gt; &lt;opId&gt;   after the commit returned
 *   done &lt;t&gt;                      thread t made its last op (maxOps)
 *   error &lt;stack trace&gt;          a commit failed (the parent fails the test)
 * </pre>
 * Args: dir durability(SYNC|ASYNC|NONE) seed cycle threads paceMicros [maxOps]. With maxOps,
 * each thread stops after that many ops and the process halts with status 0 once all have
 * (without closing the database): the crash-point test's child, armed with
 * {@code -Dstrata.crashPoint}, must halt at the point long before. Exits by itself when stdin
 * closes (the parent died) or after 120 s.
 */
public final class CrashKillChild {
    private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

    private CrashKillChild() {
    }

    /** Thread t's op number opId in this cycle; thread t writes only keys "t&lt;t&gt;/...". */
    static KvOp op(long seed, int cycle, int thread, long opId) {
        long mix = seed * 0x9E3779B97F4A7C15L + cycle * 1_000_003L + thread * 7_919L + opId * 0xBF58476D1CE4E5B9L;
        return KvOp.random(new Random(mix), "t" + thread + "/", 48, "c" + cycle + ".t" + thread + ".o" + opId, 200);
    }

    private static void emit(String line) {
        byte[] b = (line + "\n").getBytes(StandardCharsets.ISO_8859_1);
        synchronized (OUT) {
            try {
                OUT.write(b);
            } catch (IOException e) {
                Runtime.getRuntime().halt(5); // the parent is gone
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.valueOf(args[1]);
        long seed = Long.parseLong(args[2]);
        int cycle = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        long paceNanos = Long.parseLong(args[5]) * 1000;
        long maxOps = args.length > 6 ? Long.parseLong(args[6]) : Long.MAX_VALUE;
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger(threads);
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; EOF means it is gone
                }
            } catch (IOException ignored) {
                // same
            }
            Runtime.getRuntime().halt(2);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        Thread limit = new Thread(() -> {
            LockSupport.parkNanos(120_000_000_000L);
            Runtime.getRuntime().halt(3);
        });
        limit.setDaemon(true);
        limit.start();

        StrataDatabase db = StrataDatabase.open(dir, CrashTesting.options(durability));
        emit("ready " + db.latestSeqno());
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    for (long opId = 1; opId <= maxOps; opId++) {
                        KvOp op = op(seed, cycle, id, opId);
                        emit("try " + id + " " + opId + " " + op);
                        CommitResult r = op.commit(db);
                        emit("ack " + r.seqno() + " " + id + " " + opId);
                        if (paceNanos > 0) {
                            LockSupport.parkNanos(paceNanos);
                        }
                    }
                    emit("done " + id);
                    if (running.decrementAndGet() == 0) {
                        Runtime.getRuntime().halt(0);
                    }
                } catch (Throwable e) {
                    emit("error " + CrashTesting.describe(e).replace('\n', '|'));
                    Runtime.getRuntime().halt(4);
                }
            }, "writer-" + t);
            w.start();
        }
    }
}
