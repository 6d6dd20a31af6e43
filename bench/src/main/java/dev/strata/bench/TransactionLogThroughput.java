package dev.strata.bench;

import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.log.LogEntryIterator;
import dev.strata.engine.log.TransactionLog;
import dev.strata.engine.txn.TransactionOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a transaction-log entry costs (issue 6): transactions of one put with a 100-byte entry
 * against the same transactions without one, interleaved in rounds in one JVM so a noisy machine
 * slows both alike; then the entries/s of a full query of the log written. Target: with an entry
 * at least 0.85x of without.
 *
 * <pre>
 *   bench/txnlog [rounds, default 10] [ops per round, default 20000] [SYNC|ASYNC, default ASYNC] [dir]
 * </pre>
 */
public final class TransactionLogThroughput {
    private TransactionLogThroughput() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Durability durability = args.length > 2 ? Durability.valueOf(args[2]) : Durability.ASYNC;
        Path dir = Path.of(args.length > 3 ? args[3] : "bench-results/txnlog");
        deleteTree(dir);
        Files.createDirectories(dir);
        TransactionOptions txnOptions = new TransactionOptions().maxRetries(99);
        byte[] value = new byte[100];
        byte[] entry = new byte[100];
        List<double[]> perRound = new ArrayList<>();
        long entries = 0;
        try (StrataDatabase db = StrataDatabase.open(dir.resolve("db"), StrataOptions.defaults().durability(durability))) {
            TransactionLog log = db.useLog("bench");
            long key = 0;
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                double[] rates = new double[2];
                for (int form = 0; form < 2; form++) {
                    boolean withEntry = form == 1;
                    long t0 = System.nanoTime();
                    for (int i = 0; i < ops; i++) {
                        byte[] k = Data.key(key++);
                        db.transaction((txn, attempt) -> {
                            txn.put(k, value);
                            if (withEntry) {
                                log.addEntry(entry, txn);
                            }
                            return null;
                        }, txnOptions);
                    }
                    if (withEntry) {
                        entries += ops;
                    }
                    rates[form] = ops / ((System.nanoTime() - t0) / 1e9);
                }
                if (r >= 0) {
                    perRound.add(rates);
                    System.out.printf(Locale.ROOT, "round %d: transaction %.0f/s, with a 100-byte entry %.0f/s (%.2fx)%n",
                            r + 1, rates[0], rates[1], rates[1] / rates[0]);
                }
            }
            db.sync();
            long t0 = System.nanoTime();
            long read = 0;
            long bytes = 0;
            try (LogEntryIterator it = log.query()) {
                while (it.hasNext()) {
                    bytes += it.next().data().length;
                    read++;
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (read != entries) {
                throw new IllegalStateException("the query returned " + read + " entries of " + entries + " written");
            }
            double[] ratios = perRound.stream().mapToDouble(x -> x[1] / x[0]).sorted().toArray();
            double[] plain = perRound.stream().mapToDouble(x -> x[0]).sorted().toArray();
            double[] with = perRound.stream().mapToDouble(x -> x[1]).sorted().toArray();
            System.out.printf(Locale.ROOT, "median over %d rounds of %d transactions (%s): without %.0f/s, with an entry %.0f/s; "
                            + "median per-round ratio %.2fx (range %.2f-%.2f)%n", rounds, ops, durability,
                    plain[plain.length / 2], with[with.length / 2], ratios[ratios.length / 2], ratios[0], ratios[ratios.length - 1]);
            System.out.printf(Locale.ROOT, "full query of the log: %d entries in %.2f s = %.0f entries/s (%.1f MB/s of entry data; "
                    + "the WAL also holds the transactions' puts)%n", read, secs, read / secs, bytes / secs / 1e6);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
