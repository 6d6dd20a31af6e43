package dev.strata.cli.commands;

import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.format.Json;
import dev.strata.engine.ColumnFamily;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.lsm.LsmStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code strata compact [--start K] [--end K] [-c FAMILY]}: compacts the family's tables
 * overlapping the range down the levels, dropping overwritten, deleted and expired data. Shows
 * elapsed time and bytes written on a terminal while it runs; prints the family's levels before
 * and after (the work figures are the database's: families share the compaction thread).
 */
@Command(name = "compact", description = "Compact the tables overlapping a range (default: all) down the levels.")
public final class CompactCommand extends DbCommand {
    @Option(names = "--start", paramLabel = "KEY", description = "First key of the range (inclusive; default: the first).")
    String start;

    @Option(names = "--end", paramLabel = "KEY", description = "Last key of the range (inclusive; default: the last).")
    String end;

    @Mixin
    FamilyOption family;

    @Override
    public Integer call() {
        byte[] s = start == null ? null : arg(start, "start key");
        byte[] e = end == null ? null : arg(end, "end key");
        try (DatabaseAccess.Lease l = write("compact")) {
            StrataDatabase db = l.db();
            ColumnFamily cf = family(db, family);
            LsmStats before = cf.stats();
            compactShowingProgress(db, cf, s, e);
            LsmStats after = cf.stats();
            if (json()) {
                print(Json.obj().put("columnFamily", cf.name()).put("before", LevelTable.json(before)).put("after", LevelTable.json(after))
                        .put("compactions", after.compactions() - before.compactions())
                        .put("bytesRead", after.compactionBytesRead() - before.compactionBytesRead())
                        .put("bytesWritten", after.compactionBytesWritten() - before.compactionBytesWritten()));
            } else {
                if (!isDefault(db, cf)) {
                    out().println("column family '" + cf.name() + "'");
                }
                out().println("before:");
                LevelTable.print(out(), before);
                out().println("after (" + (after.compactions() - before.compactions()) + " compactions, read "
                        + Progress.bytes(after.compactionBytesRead() - before.compactionBytesRead()) + ", wrote "
                        + Progress.bytes(after.compactionBytesWritten() - before.compactionBytesWritten()) + "):");
                LevelTable.print(out(), after);
            }
        }
        return ExitCode.OK;
    }

    private void compactShowingProgress(StrataDatabase db, ColumnFamily cf, byte[] s, byte[] e) {
        long t0 = System.nanoTime();
        long written0 = db.lsmStats().compactionBytesWritten();
        try (Progress p = new Progress(session())) {
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "strata-cli-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(() -> p.update(String.format("compacting: %d s, %s written",
                    (System.nanoTime() - t0) / 1_000_000_000L,
                    Progress.bytes(db.lsmStats().compactionBytesWritten() - written0))), 0, 250, TimeUnit.MILLISECONDS);
            try {
                cf.compact(s, e);
            } finally {
                ticker.shutdown();
                awaitTicker(ticker);
            }
        }
    }

    private static void awaitTicker(ScheduledExecutorService ticker) {
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }
}
