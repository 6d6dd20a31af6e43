package dev.strata.cli.commands.log;

import dev.strata.cli.format.ByteFormat;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.TextTable;
import dev.strata.cli.format.Times;
import dev.strata.engine.log.LogEntry;

import java.io.PrintWriter;

import static dev.strata.cli.commands.VerifyCommand.plural;

/**
 * Prints transaction-log entries as {@code log query} and {@code log tail} show them: a
 * {@code SEQNO TIME DATA} table (data in the {@code --format} encoding) closed by a count, or
 * NDJSON, one {@code {"seqno","timestamp","time","data","endTxn"}} per entry with the data in
 * base64. Entries are printed as they come (the table's widths settle after its first rows).
 */
final class EntryPrinter {
    private final PrintWriter out;
    private final boolean json;
    private final ByteFormat format;
    private TextTable table;
    private long count;

    EntryPrinter(PrintWriter out, boolean json, ByteFormat format) {
        this.out = out;
        this.json = json;
        this.format = format;
    }

    void print(LogEntry e) {
        count++;
        if (json) {
            out.println(json(e));
            return;
        }
        if (table == null) {
            table = new TextTable(out, "SEQNO", "TIME", "DATA");
        }
        table.row(String.valueOf(e.seqno()), Times.show(e.timestamp()), format.show(e.data()));
    }

    /** Ends a batch of entries: the table and its count in text, nothing more in JSON; flushes. */
    void finish() {
        if (!json) {
            if (table == null) {
                table = new TextTable(out, "SEQNO", "TIME", "DATA");
            }
            table.finish();
            out.println("(" + plural(count, "entry") + ")");
        }
        out.flush();
    }

    /** Prints one entry of a follow at once: a line of its own in text, no table to hold it back. */
    void follow(LogEntry e) {
        out.println(json ? json(e) : e.seqno() + "  " + Times.show(e.timestamp()) + "  " + format.show(e.data()));
        out.flush();
    }

    private static Json.Obj json(LogEntry e) {
        return Json.obj().put("seqno", e.seqno()).put("timestamp", e.timestamp()).put("time", Times.show(e.timestamp()))
                .putBytes("data", e.data()).put("endTxn", e.endTxn());
    }
}
