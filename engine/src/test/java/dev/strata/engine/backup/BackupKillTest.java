package dev.strata.engine.backup;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 during backup and during restore (a child JVM, {@link BackupKillChild}, killed with
 * SIGKILL at a random moment): no backup lists as complete that does not verify and restore, and
 * a restore target is afterwards either the database it was or a whole restored backup.
 */
class BackupKillTest {
    @TempDir
    Path dir;

    @Test
    void killedBackupsNeverListAsCompleteAndKilledRestoresLeaveAWholeDatabase() throws Exception {
        long seed = CrashTesting.seed();
        Random random = new Random(seed);
        Path db = dir.resolve("db");
        Path backups = dir.resolve("backups");
        int cycles = CrashTesting.scaled(4, 40);
        for (int c = 0; c < cycles; c++) {
            runAndKill(random, "backup", db.toString(), backups.toString());
            List<BackupInfo> list = Backups.list(backups);
            assertThat(list).as("seed %d cycle %d: at least the first backup completed", seed, c).isNotEmpty();
            for (BackupInfo b : list) {
                assertThat(b.isGood()).as("seed %d: backup %d lists as good", seed, b.id()).isTrue();
                Backups.verify(backups, b.id(), true);
            }
        }
        List<BackupInfo> list = Backups.list(backups);
        assertThat(list.size()).isGreaterThanOrEqualTo(2);
        // A killed backup leaves its id unused (ids are reserved before the copy), so the first
        // two complete backups need not be 1 and 2.
        long[] ids = {list.get(0).id(), list.get(1).id()};
        long[] counts = new long[2];
        for (int i = 0; i < 2; i++) {
            Path r = dir.resolve("check-" + ids[i]);
            Backups.restore(backups, r, ids[i]);
            try (StrataDatabase copy = StrataDatabase.open(r)) {
                counts[i] = copy.count(RangeOptions.all());
            }
        }
        assertThat(counts[0]).isNotEqualTo(counts[1]);
        Path target = dir.resolve("target");
        for (int c = 0; c < cycles; c++) {
            runAndKill(random, "restore", backups.toString(), target.toString(), Long.toString(ids[0]), Long.toString(ids[1]));
            try (StrataDatabase restored = StrataDatabase.open(target)) {
                assertThat(restored.count(RangeOptions.all())).as("seed %d: the target is a whole backup", seed)
                        .isIn(counts[0], counts[1]);
            }
        }
        System.out.printf("BackupKillTest seed=%d: %d backup kills, %d restore kills, %d backups verified%n",
                seed, cycles, cycles, list.size());
    }

    /** Starts the child, waits until it completed one operation, kills it 0.1-1.5 s later. */
    private void runAndKill(Random random, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = Files.createTempFile(dir, "child", ".out");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", BackupKillChild.class.getName());
        pb.command().addAll(List.of(args));
        pb.redirectOutput(out.toFile());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Files.size(out) == 0 && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(10); // polling the child's output file for its first line
            }
            assertThat(Files.size(out)).as("the child completed one operation").isPositive();
            Thread.sleep(100 + random.nextInt(1400)); // the kill moment, not a synchronisation
        } finally {
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
