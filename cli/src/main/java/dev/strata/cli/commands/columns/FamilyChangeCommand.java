package dev.strata.cli.commands.columns;

import dev.strata.cli.ExitCode;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Json;
import dev.strata.engine.ColumnFamily;

/**
 * What {@code columns create} and {@code columns drop} share: each is one commit that changes the
 * set of families, and each answers with the family and the commit's seqno.
 */
abstract class FamilyChangeCommand extends DbCommand {

    /** Prints {@code OK, <done> column family 'NAME' (id I), seqno N}, or {@code {"id","name","seqno"}} as JSON. */
    protected int printChange(String done, ColumnFamily cf, long seqno) {
        if (json()) {
            print(Json.obj().put("id", cf.id()).put("name", cf.name()).put("seqno", seqno));
        } else {
            out().println("OK, " + done + " column family '" + cf.name() + "' (id " + cf.id() + "), seqno " + seqno);
            out().flush();
        }
        return ExitCode.OK;
    }
}
