package dev.strata.cli.commands;

import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.format.Json;
import dev.strata.engine.StrataDatabase;
import picocli.CommandLine.Command;

/** {@code strata flush}: writes the memtable (the WAL's records) into a table; prints the tree after. */
@Command(name = "flush", description = "Write what is only in the WAL into a table; print the levels after.")
public final class FlushCommand extends DbCommand {

    @Override
    public Integer call() {
        try (DatabaseAccess.Lease l = write("flush")) {
            StrataDatabase db = l.db();
            db.flush();
            if (json()) {
                print(Json.obj().put("latestSeqno", db.latestSeqno()).put("levels", LevelTable.json(db.lsmStats())));
            } else {
                out().println("flushed: every commit up to seqno " + db.latestSeqno() + " is in a table");
                LevelTable.print(out(), db.lsmStats());
            }
        }
        return ExitCode.OK;
    }
}
