package dev.strata.cli.commands;

import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.TextTable;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.check.DatabaseLayout;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.lsm.LsmStats;
import picocli.CommandLine.Command;

import java.io.IOException;

/**
 * {@code strata stats}: seqnos, memtables, WAL, the tree's shape, and the work counters of the
 * open (flushes, compactions, stalls, cache). A one-shot command's open is its own, so its
 * counters are near zero; in the shell they count the session's work.
 */
@Command(name = "stats", description = "Show seqnos, memtable, WAL, tables per level, and the counters of this open.")
public final class StatsCommand extends DbCommand {

    @Override
    public Integer call() {
        try (DatabaseAccess.Lease l = read()) {
            StrataDatabase db = l.db();
            LsmStats s = db.lsmStats();
            Throwable bg = db.backgroundError();
            if (json()) {
                print(Json.obj().put("path", db.path().toString()).put("latestSeqno", db.latestSeqno())
                        .put("durableSeqno", db.durableSeqno()).put("memtableBytes", s.memtableBytes())
                        .put("immutableMemtables", s.immutableMemtables()).put("walSegments", walSegments(db))
                        .put("estimatedCount", db.estimatedCount())
                        .put("backgroundError", bg == null ? null : bg.toString())
                        .put("levels", LevelTable.json(s))
                        .put("sinceOpen", Json.obj().put("flushes", s.flushes()).put("compactions", s.compactions())
                                .put("bytesFlushed", s.bytesFlushed()).put("compactionBytesRead", s.compactionBytesRead())
                                .put("compactionBytesWritten", s.compactionBytesWritten()).put("stalls", s.stalls())
                                .put("stallMillis", s.stallMillis()).put("cacheHits", s.cacheHits())
                                .put("cacheMisses", s.cacheMisses()).put("walBytesWritten", db.walBytesWritten())
                                .put("walSyncs", db.walSyncCount())));
                return ExitCode.OK;
            }
            TextTable t = new TextTable(out(), "database", db.path().toString());
            t.row("latest seqno", String.valueOf(db.latestSeqno()));
            t.row("durable seqno", String.valueOf(db.durableSeqno()));
            t.row("memtable", Progress.bytes(s.memtableBytes()) + " (" + s.immutableMemtables() + " waiting for flush)");
            t.row("WAL segments", String.valueOf(walSegments(db)));
            t.row("estimated keys", db.estimatedCount() + " (counts versions and deletions not yet compacted)");
            t.row("background error", bg == null ? "none" : bg.toString());
            t.finish();
            out().println();
            LevelTable.print(out(), s);
            out().println();
            out().println("since this open: " + s.flushes() + " flushes (" + Progress.bytes(s.bytesFlushed()) + "), "
                    + s.compactions() + " compactions (read " + Progress.bytes(s.compactionBytesRead()) + ", wrote "
                    + Progress.bytes(s.compactionBytesWritten()) + "), " + s.stalls() + " write stalls ("
                    + s.stallMillis() + " ms), block cache " + s.cacheHits() + " hits / " + s.cacheMisses() + " misses");
            out().flush();
        }
        return ExitCode.OK;
    }

    /** Segment files on disk (a read-only open has no WAL writer to ask). */
    private static int walSegments(StrataDatabase db) {
        try {
            return DatabaseLayout.listSegments(LocalStorage.INSTANCE, db.path(), null).size();
        } catch (IOException e) {
            throw new StrataIOException("listing the WAL of " + db.path(), e);
        }
    }
}
