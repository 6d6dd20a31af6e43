package dev.strata.cli.commands;

import dev.strata.cli.format.Json;
import dev.strata.engine.ColumnFamily;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.lsm.LsmStats;

import java.util.ArrayList;
import java.util.List;

/**
 * One column family's figures as {@code stats} and {@code columns list} show them: its id and
 * name, its tree's shape ({@link LsmStats}: memtables, tables and bytes per level) and its
 * estimated key count. Taken from an open database.
 */
public record FamilyFigures(int id, String name, LsmStats stats, long estimatedCount) {

    /** Every family of {@code db}, the default one first. */
    public static List<FamilyFigures> of(StrataDatabase db) {
        List<FamilyFigures> all = new ArrayList<>();
        for (String name : db.columnFamilies()) {
            all.add(of(db.columnFamily(name)));
        }
        return all;
    }

    public static FamilyFigures of(ColumnFamily cf) {
        return new FamilyFigures(cf.id(), cf.name(), cf.stats(), cf.estimatedCount());
    }

    /** Tables on every level. */
    public int tables() {
        int n = 0;
        for (int files : stats.levelFiles()) {
            n += files;
        }
        return n;
    }

    /** Bytes of its tables. */
    public long bytes() {
        return stats.tableBytes();
    }

    /** id, name, tables, bytes and estimated count: the row of {@code columns list}. */
    public Json.Obj json() {
        return Json.obj().put("id", id).put("name", name).put("tables", tables()).put("bytes", bytes())
                .put("estimatedCount", estimatedCount);
    }
}
