package dev.strata.engine.event;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of {@link ChangeFeedKillTest}: opens a database, subscribes to every key under
 * "t", and runs writer threads (one put of a new key per commit) until it is killed. Prints, one
 * write(2) per line to stdout (so a kill never leaves half a line):
 * <pre>
 *   ready &lt;the subscription's start seqno&gt;
 *   event &lt;seqno&gt; &lt;key&gt; &lt;value&gt;   when the listener got a change
 *   ack &lt;seqno&gt;                      when a put returned
 *   error &lt;message&gt;                  a put failed (the parent fails the test)
 * </pre>
 * Args: dir durability(SYNC|ASYNC) cycle threads. Exits by itself when stdin closes (the parent
 * died) or after 120 s.
 */
public final class ChangeFeedKillChild {
    private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

    private ChangeFeedKillChild() {
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
        int cycle = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; EOF means it is gone
                }
            } catch (IOException e) {
                emit("error stdin: " + e);
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
        Subscription sub = db.subscribe("t".getBytes(StandardCharsets.ISO_8859_1), ChangeListener.of(
                change -> emit("event " + change.seqno() + " " + new String(change.key(), StandardCharsets.ISO_8859_1)
                        + " " + new String(change.value(), StandardCharsets.ISO_8859_1)),
                overflow -> emit("error overflow " + overflow)), 1_000_000);
        emit("ready " + sub.startSeqno());
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    for (long op = 1; ; op++) {
                        String key = "t" + id + "/c" + cycle + "/" + op;
                        long seqno = db.put(key.getBytes(StandardCharsets.ISO_8859_1),
                                ("v" + op).getBytes(StandardCharsets.ISO_8859_1)).seqno();
                        emit("ack " + seqno);
                    }
                } catch (RuntimeException e) {
                    emit("error " + e);
                    Runtime.getRuntime().halt(4);
                }
            }, "writer-" + t);
            w.start();
        }
    }
}
