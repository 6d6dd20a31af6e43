package dev.strata.cli.commands.log;

import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.TextTable;
import dev.strata.cli.format.Times;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.log.TransactionLogStats;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

import static dev.strata.cli.commands.VerifyCommand.plural;

/**
 * {@code strata log list}: every transaction log with entries on disk, sorted by name, with its
 * entries, transactions, data bytes, the WAL segments holding it and the seqno and time range
 * of its entries ({@code TransactionLog.getStats}). Opens the database read-only.
 */
@Command(name = "list", aliases = "ls", description = "List the transaction logs: entries, transactions, bytes, "
        + "segments, and the seqnos and times of their entries.")
public final class ListLogsCommand extends DbCommand {

    @Override
    public Integer call() {
        List<TransactionLogStats> all = new ArrayList<>();
        try (DatabaseAccess.Lease l = read()) {
            StrataDatabase db = l.db();
            for (String name : db.listLogs()) {
                all.add(db.useLog(name).getStats());
            }
        }
        if (json()) {
            List<Json.Obj> logs = new ArrayList<>();
            for (TransactionLogStats s : all) {
                boolean any = s.entriesWritten() > 0;
                logs.add(Json.obj().put("name", s.name()).put("entries", s.entriesWritten())
                        .put("transactions", s.transactionsWritten()).put("entryBytes", s.entryBytes())
                        .put("segments", s.fileCount()).put("segmentBytes", s.totalSizeBytes())
                        .put("oldestSeqno", any ? s.oldestSeqno() : null).put("newestSeqno", any ? s.newestSeqno() : null)
                        .put("oldestTime", any ? Times.show(s.oldestTimestamp()) : null)
                        .put("newestTime", any ? Times.show(s.newestTimestamp()) : null));
            }
            print(Json.obj().put("logs", logs));
            return ExitCode.OK;
        }
        TextTable t = new TextTable(out(), "NAME", "ENTRIES", "TRANSACTIONS", "BYTES", "SEGMENTS", "SEQNOS", "TIMES");
        for (TransactionLogStats s : all) {
            boolean any = s.entriesWritten() > 0;
            t.row(s.name(), String.valueOf(s.entriesWritten()), String.valueOf(s.transactionsWritten()),
                    Progress.bytes(s.entryBytes()), String.valueOf(s.fileCount()),
                    any ? s.oldestSeqno() + ".." + s.newestSeqno() : "-",
                    any ? Times.show(s.oldestTimestamp()) + " .. " + Times.show(s.newestTimestamp()) : "-");
        }
        t.finish();
        out().println("(" + plural(all.size(), "log") + ")");
        out().flush();
        return ExitCode.OK;
    }
}
