package dev.strata.cli.commands;

import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.TextTable;
import dev.strata.engine.ColumnFamily;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.check.DatabaseLayout;
import dev.strata.engine.lsm.LsmStats;
import dev.strata.engine.vfs.LocalStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code strata stats [-c FAMILY]}: seqnos, memtables, WAL, the tree's shape, and the work
 * counters of the open (flushes, compactions, stalls, cache). Without {@code -c} the shape is
 * the database's (summed over its column families) followed by one row per family; with it,
 * the shape is that family's. The counters are always the database's (the families share the
 * flush and compaction threads and the cache). A one-shot command's open is its own, so its
 * counters are near zero; in the shell they count the session's work.
 */
@Command(name = "stats", description = "Show seqnos, memtables, WAL, tables per level (of the database and of each "
        + "column family), and the counters of this open.")
public final class StatsCommand extends DbCommand {
    @Option(names = {"-c", "--column-family"}, paramLabel = "NAME",
            description = "Only this column family's memtable, keys and levels (default: the database's, then every family's).")
    String family;

    @Override
    public Integer call() {
        try (DatabaseAccess.Lease l = read()) {
            StrataDatabase db = l.db();
            ColumnFamily only = family == null ? null : family(db, family);
            List<FamilyFigures> families = only == null ? FamilyFigures.of(db) : List.of(FamilyFigures.of(only));
            LsmStats counters = db.lsmStats();
            LsmStats shape = only == null ? counters : families.get(0).stats();
            long estimated = 0;
            for (FamilyFigures f : families) {
                estimated += f.estimatedCount();
            }
            Throwable bg = db.backgroundError();
            if (json()) {
                Json.Obj o = Json.obj().put("path", db.path().toString());
                if (only != null) {
                    o.put("columnFamily", Json.obj().put("id", only.id()).put("name", only.name()));
                }
                o.put("latestSeqno", db.latestSeqno()).put("durableSeqno", db.durableSeqno())
                        .put("memtableBytes", shape.memtableBytes()).put("immutableMemtables", shape.immutableMemtables())
                        .put("walSegments", walSegments(db)).put("estimatedCount", estimated)
                        .put("backgroundError", bg == null ? null : bg.toString()).put("levels", LevelTable.json(shape));
                if (only == null) {
                    o.put("columnFamilies", familiesJson(families));
                }
                print(o.put("sinceOpen", Json.obj().put("flushes", counters.flushes()).put("compactions", counters.compactions())
                        .put("bytesFlushed", counters.bytesFlushed()).put("compactionBytesRead", counters.compactionBytesRead())
                        .put("compactionBytesWritten", counters.compactionBytesWritten()).put("stalls", counters.stalls())
                        .put("stallMillis", counters.stallMillis()).put("cacheHits", counters.cacheHits())
                        .put("cacheMisses", counters.cacheMisses()).put("walBytesWritten", db.walBytesWritten())
                        .put("walSyncs", db.walSyncCount())));
                return ExitCode.OK;
            }
            TextTable t = new TextTable(out(), "database", db.path().toString());
            if (only != null) {
                t.row("column family", only.name() + " (id " + only.id() + ")");
            }
            t.row("latest seqno", String.valueOf(db.latestSeqno()));
            t.row("durable seqno", String.valueOf(db.durableSeqno()));
            t.row("memtable", Progress.bytes(shape.memtableBytes()) + " (" + shape.immutableMemtables() + " waiting for flush)");
            t.row("WAL segments", String.valueOf(walSegments(db)));
            t.row("estimated keys", estimated + " (counts versions and deletions not yet compacted)");
            t.row("background error", bg == null ? "none" : bg.toString());
            t.finish();
            out().println();
            LevelTable.print(out(), shape);
            if (only == null) {
                out().println();
                printFamilies(families);
            }
            out().println();
            out().println("since this open" + (only == null ? "" : " (the whole database)") + ": " + counters.flushes()
                    + " flushes (" + Progress.bytes(counters.bytesFlushed()) + "), " + counters.compactions()
                    + " compactions (read " + Progress.bytes(counters.compactionBytesRead()) + ", wrote "
                    + Progress.bytes(counters.compactionBytesWritten()) + "), " + counters.stalls() + " write stalls ("
                    + counters.stallMillis() + " ms), block cache " + counters.cacheHits() + " hits / "
                    + counters.cacheMisses() + " misses");
            out().flush();
        }
        return ExitCode.OK;
    }

    private void printFamilies(List<FamilyFigures> families) {
        TextTable t = new TextTable(out(), "COLUMN FAMILY", "ID", "MEMTABLE", "ESTIMATED KEYS", "TABLES", "BYTES", "LEVELS");
        for (FamilyFigures f : families) {
            t.row(f.name(), String.valueOf(f.id()), Progress.bytes(f.stats().memtableBytes()),
                    String.valueOf(f.estimatedCount()), String.valueOf(f.tables()), Progress.bytes(f.bytes()),
                    LevelTable.shape(f.stats()));
        }
        t.finish();
    }

    private static List<Json.Obj> familiesJson(List<FamilyFigures> families) {
        List<Json.Obj> list = new ArrayList<>();
        for (FamilyFigures f : families) {
            list.add(Json.obj().put("id", f.id()).put("name", f.name()).put("memtableBytes", f.stats().memtableBytes())
                    .put("immutableMemtables", f.stats().immutableMemtables()).put("estimatedCount", f.estimatedCount())
                    .put("tables", f.tables()).put("bytes", f.bytes()).put("levels", LevelTable.json(f.stats())));
        }
        return list;
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
