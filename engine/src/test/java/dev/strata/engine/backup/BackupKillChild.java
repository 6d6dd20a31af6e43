package dev.strata.engine.backup;

import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;

import java.nio.file.Path;

/**
 * The child JVM of {@link BackupKillTest}, killed with SIGKILL at a random moment. {@code backup
 * <db> <backups>}: writes and backs up in a loop. {@code restore <backups> <target> <id> <id>}:
 * restores the two backups alternately into the target in a loop. Prints a line after each completed
 * operation (unbuffered) so the parent knows one finished before it kills.
 */
public final class BackupKillChild {
    private BackupKillChild() {
    }

    public static void main(String[] args) {
        if (args[0].equals("backup")) {
            try (StrataDatabase db = StrataDatabase.open(Path.of(args[1]), StrataOptions.defaults()
                    .durability(Durability.ASYNC).memtableSize(64 << 10).walSegmentSize(64 << 10))) {
                long base = db.latestSeqno();
                for (int round = 0; ; round++) {
                    for (int i = 0; i < 300; i++) {
                        db.put(String.format("k%06d-%09d", i, base + round).getBytes(), new byte[64]);
                    }
                    BackupResult r = db.backup(Path.of(args[2]));
                    System.out.println("backup " + r.id());
                    System.out.flush();
                }
            }
        }
        long[] ids = {Long.parseLong(args[3]), Long.parseLong(args[4])};
        for (int round = 0; ; round++) {
            Backups.restore(Path.of(args[1]), Path.of(args[2]), ids[round % 2]);
            System.out.println("restored " + ids[round % 2]);
            System.out.flush();
        }
    }
}
