package dev.strata.bench;

import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.txn.Transaction;
import dev.strata.engine.txn.TransactionOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What an uncontended optimistic transaction of one put costs next to a plain put, measured in
 * one JVM with the two interleaved in rounds, so that a shared or noisy machine slows both
 * alike (the {@code transactions} workload of {@code bench/run} runs in a fresh JVM against a
 * separate fill, which a loaded machine skews). Reports the median ops/s of each form and their
 * ratio per round and overall, and the same from the thread's CPU time (user + system, so the
 * WAL write the committer leads counts), which other processes on the machine disturb less.
 *
 * <pre>
 *   java -cp bench/target/classes:bench/target/lib/* dev.strata.bench.TransactionOverhead [dir] [rounds] [opsPerRound] [SYNC|ASYNC|NONE]
 * </pre>
 */
public final class TransactionOverhead {
    private TransactionOverhead() {
    }

    /** The three forms timed: a plain put, {@code db.transaction}, and begin/put/commit. */
    private enum Form { PUT, CALLBACK, EXPLICIT }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench-results/txn-overhead");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int ops = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        Durability durability = args.length > 3 ? Durability.valueOf(args[3]) : Durability.ASYNC;
        deleteTree(dir);
        Files.createDirectories(dir);
        TransactionOptions txnOptions = new TransactionOptions().maxRetries(99);
        byte[] value = new byte[100];
        List<double[]> perRound = new ArrayList<>();
        List<double[]> perRoundCpu = new ArrayList<>();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) cpu;
        long self = Thread.currentThread().getId();
        double[] bytesPerOp = new double[Form.values().length];
        try (StrataDatabase db = StrataDatabase.open(dir.resolve("db"), StrataOptions.defaults().durability(durability))) {
            long key = 0;
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                double[] rates = new double[Form.values().length];
                double[] cpuRates = new double[Form.values().length];
                for (Form f : Form.values()) {
                    long t0 = System.nanoTime();
                    long c0 = cpu.getCurrentThreadCpuTime();
                    long a0 = alloc.getThreadAllocatedBytes(self);
                    for (int i = 0; i < ops; i++) {
                        byte[] k = Data.key(key++);
                        switch (f) {
                            case PUT -> db.put(k, value);
                            case CALLBACK -> db.transaction((txn, attempt) -> {
                                txn.put(k, value);
                                return null;
                            }, txnOptions);
                            case EXPLICIT -> {
                                Transaction t = db.beginTransaction();
                                t.put(k, value);
                                t.commit();
                            }
                        }
                    }
                    rates[f.ordinal()] = ops / ((System.nanoTime() - t0) / 1e9);
                    cpuRates[f.ordinal()] = ops / ((cpu.getCurrentThreadCpuTime() - c0) / 1e9);
                    bytesPerOp[f.ordinal()] = (alloc.getThreadAllocatedBytes(self) - a0) / (double) ops;
                }
                if (r >= 0) {
                    perRound.add(rates);
                    perRoundCpu.add(cpuRates);
                    System.out.printf(Locale.ROOT, "round %d: put %.0f/s, transaction %.0f/s (%.2fx), begin/commit %.0f/s (%.2fx)%n",
                            r + 1, rates[0], rates[1], rates[1] / rates[0], rates[2], rates[2] / rates[0]);
                }
            }
        } finally {
            deleteTree(dir);
        }
        double put = median(perRound, 0);
        double cb = median(perRound, 1);
        double ex = median(perRound, 2);
        System.out.printf(Locale.ROOT, "median over %d rounds of %d ops (%s): put %.0f/s, transaction %.0f/s = %.2fx, "
                + "begin/put/commit %.0f/s = %.2fx; median per-round ratio %.2fx%n", rounds, ops, durability, put, cb,
                cb / put, ex, ex / put, medianRatio(perRound));
        double putCpu = median(perRoundCpu, 0);
        double cbCpu = median(perRoundCpu, 1);
        double exCpu = median(perRoundCpu, 2);
        System.out.printf(Locale.ROOT, "by CPU time of the committing thread: put %.2f us, transaction %.2f us = %.2fx, "
                + "begin/put/commit %.2f us = %.2fx; median per-round ratio %.2fx%n", 1e6 / putCpu, 1e6 / cbCpu,
                cbCpu / putCpu, 1e6 / exCpu, exCpu / putCpu, medianRatio(perRoundCpu));
        System.out.printf(Locale.ROOT, "allocated by the committing thread (last round): put %.0f B/op, transaction %.0f B/op, "
                + "begin/put/commit %.0f B/op%n", bytesPerOp[0], bytesPerOp[1], bytesPerOp[2]);
    }

    private static double median(List<double[]> rows, int col) {
        double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
        return v[v.length / 2];
    }

    private static double medianRatio(List<double[]> rows) {
        double[] v = rows.stream().mapToDouble(r -> r[1] / r[0]).sorted().toArray();
        return v[v.length / 2];
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
