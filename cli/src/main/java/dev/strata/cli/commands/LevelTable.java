package dev.strata.cli.commands;

import dev.strata.cli.Progress;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.TextTable;
import dev.strata.engine.lsm.LsmStats;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A tree's shape (tables and bytes per level) as stats, flush and compact print it. */
final class LevelTable {
    private LevelTable() {
    }

    /** One row per level that holds tables, then the total. */
    static void print(PrintWriter out, LsmStats s) {
        TextTable t = new TextTable(out, "LEVEL", "TABLES", "BYTES");
        int files = 0;
        long bytes = 0;
        for (int level = 0; level < s.levelFiles().length; level++) {
            if (s.levelFiles()[level] > 0) {
                t.row("L" + level, String.valueOf(s.levelFiles()[level]), Progress.bytes(s.levelBytes()[level]));
                files += s.levelFiles()[level];
                bytes += s.levelBytes()[level];
            }
        }
        t.row("total", String.valueOf(files), Progress.bytes(bytes));
        t.finish();
    }

    /** Tables per level in one cell, {@code L0:2 L1:5} (levels that hold tables only), or {@code -}. */
    static String shape(LsmStats s) {
        StringBuilder sb = new StringBuilder();
        for (int level = 0; level < s.levelFiles().length; level++) {
            if (s.levelFiles()[level] > 0) {
                sb.append(sb.length() == 0 ? "" : " ").append('L').append(level).append(':').append(s.levelFiles()[level]);
            }
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    /** The same as JSON: a list of {level, tables, bytes} for levels that hold tables. */
    static List<Json.Obj> json(LsmStats s) {
        List<Json.Obj> levels = new ArrayList<>();
        for (int level = 0; level < s.levelFiles().length; level++) {
            if (s.levelFiles()[level] > 0) {
                levels.add(Json.obj().put("level", level).put("tables", s.levelFiles()[level])
                        .put("bytes", s.levelBytes()[level]));
            }
        }
        return levels;
    }
}
