package dev.strata.bench;

import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.WriteBatch;
import dev.strata.engine.backup.BackupResult;
import dev.strata.engine.backup.Backups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Backup and restore throughput against a plain file copy of the same files ({@code cp -r} of the
 * database directory), in one JVM on the same disk, and the cost of an incremental backup after
 * 1% of the keys changed. Run with {@code bench/backup [MB]} (default 256; the figure is
 * for 1024). Prints MB/s and the ratios; no assertion (a benchmark, not a test).
 */
public final class BackupThroughput {
    private BackupThroughput() {
    }

    public static void main(String[] args) throws Exception {
        long mb = args.length > 0 ? Long.parseLong(args[0]) : 256;
        Path root = Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir")),
                "strata-backup-bench");
        Path db = root.resolve("db");
        Data data = new Data(20240601L);
        long keys = mb * (1 << 20) / (Data.KEY_SIZE + Data.VALUE_SIZE);
        StrataOptions options = StrataOptions.defaults().durability(Durability.NONE);
        try (StrataDatabase d = StrataDatabase.open(db, options)) {
            WriteBatch b = new WriteBatch();
            for (long i = 0; i < keys; i++) {
                b.put(Data.key(i), data.value(i, 0));
                if (b.count() == 1000) {
                    d.write(b);
                    b.clear();
                }
            }
            d.write(b);
            d.flush();
            d.compact(null, null);
        }
        long dbBytes = treeBytes(db);
        double cp = time(() -> run("cp", "-r", db.toString(), root.resolve("cp-copy").toString()));
        double cpSync = time(() -> run("sync"));
        Path backups = root.resolve("backups");
        BackupResult[] full = new BackupResult[1];
        double backup;
        try (StrataDatabase d = StrataDatabase.open(db, options)) {
            backup = time(() -> full[0] = d.backup(backups));
            for (long i = 0; i < keys / 100; i++) {
                d.put(Data.key((i * 7919) % keys), data.value(i, 1));
            }
            BackupResult[] inc = new BackupResult[1];
            double incremental = time(() -> inc[0] = d.backup(backups));
            System.out.printf("incremental after 1%% of keys changed: %.2f s, %d bytes copied = %.1f%% of the full backup's %d%n",
                    incremental, inc[0].bytesCopied(), 100.0 * inc[0].bytesCopied() / full[0].bytesCopied(), full[0].bytesCopied());
        }
        double restore = time(() -> Backups.restore(backups, root.resolve("restored"), full[0].id()));
        double mbytes = dbBytes / 1e6;
        System.out.printf("database: %.1f MB on disk (%d keys)%n", mbytes, keys);
        System.out.printf("cp -r + sync: %.2f s = %.1f MB/s%n", cp + cpSync, mbytes / (cp + cpSync));
        System.out.printf("backup (copies + fsyncs + CRC32C): %.2f s = %.1f MB/s = %.2fx cp%n", backup, mbytes / backup, (cp + cpSync) / backup);
        System.out.printf("restore (copies + CRC32C checks + fsyncs): %.2f s = %.1f MB/s = %.2fx cp%n", restore, mbytes / restore,
                (cp + cpSync) / restore);
        deleteTree(root);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static double time(Step s) throws Exception {
        long t = System.nanoTime();
        s.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed");
        }
    }

    private static long treeBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
