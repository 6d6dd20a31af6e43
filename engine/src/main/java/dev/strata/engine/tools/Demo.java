package dev.strata.engine.tools;

import dev.strata.engine.CommitResult;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.WriteBatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The README's first command until the sample application exists: opens (or creates) a database
 * in {@code ./data} (or the directory given), shows what the last run left, writes a visit
 * counter and a few keys in one batch, reads them back in a range scan, closes, reopens and checks
 * that everything survived.
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "data").toAbsolutePath();
        byte[] counterKey = utf8("demo:visits");
        long visits;
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            byte[] previous = db.get(counterKey);
            visits = previous == null ? 1 : Long.parseLong(str(previous)) + 1;
            System.out.printf("Opened %s at seqno %d; this is visit %d%n", dir, db.latestSeqno(), visits);
            WriteBatch batch = new WriteBatch()
                    .put(counterKey, utf8(Long.toString(visits)))
                    .put(utf8("demo:last-visit"), utf8(Instant.now().toString()))
                    .put(utf8("demo:visit:" + String.format("%06d", visits)), utf8("hello from visit " + visits));
            CommitResult r = db.write(batch);
            System.out.printf("Committed a batch of %d puts as seqno %d (durable: SYNC)%n", batch.count(), r.seqno());
            try (StrataIterator<KeyValue> it = db.iterator(RangeOptions.prefix(utf8("demo:visit:")).reverse(true).limit(3))) {
                System.out.println("The last three visits, newest first:");
                it.forEachRemaining(kv -> System.out.printf("  %s = %s%n", str(kv.key()), str(kv.value())));
            }
        }
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            long reread = Long.parseLong(str(db.get(counterKey)));
            if (reread != visits) {
                throw new IllegalStateException("after reopen the counter reads " + reread + ", expected " + visits);
            }
            System.out.printf("Reopened: the counter reads %d, as written. Run again to count another visit.%n", reread);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
