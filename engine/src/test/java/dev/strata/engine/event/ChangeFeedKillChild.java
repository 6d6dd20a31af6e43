package dev.strata.engine.event;

import dev.strata.engine.ChildJvm;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
    private ChangeFeedKillChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.valueOf(args[1]);
        int cycle = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        ChildJvm.startWatchdogs(120);

        StrataDatabase db = StrataDatabase.open(dir, CrashTesting.options(durability));
        Subscription sub = db.subscribe("t".getBytes(StandardCharsets.ISO_8859_1), ChangeListener.of(
                change -> ChildJvm.emit("event " + change.seqno() + " " + new String(change.key(), StandardCharsets.ISO_8859_1)
                        + " " + new String(change.value(), StandardCharsets.ISO_8859_1)),
                overflow -> ChildJvm.emit("error overflow " + overflow)), 1_000_000);
        ChildJvm.emit("ready " + sub.startSeqno());
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    for (long op = 1; ; op++) {
                        String key = "t" + id + "/c" + cycle + "/" + op;
                        long seqno = db.put(key.getBytes(StandardCharsets.ISO_8859_1),
                                ("v" + op).getBytes(StandardCharsets.ISO_8859_1)).seqno();
                        ChildJvm.emit("ack " + seqno);
                    }
                } catch (RuntimeException e) {
                    ChildJvm.emit("error " + e);
                    Runtime.getRuntime().halt(4);
                }
            }, "writer-" + t);
            w.start();
        }
    }
}
