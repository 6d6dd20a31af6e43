package dev.strata.cli.commands.columns;

import dev.strata.cli.DatabaseAccess;
import dev.strata.engine.ColumnFamily;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code strata columns create NAME}: one commit that creates the family (so it is in the WAL
 * and recovered like any write). A name already taken, or not 1 to 255 UTF-8 bytes, is a usage
 * error (exit 2).
 */
@Command(name = "create", description = "Create a column family (one commit; prints its id and seqno).")
public final class CreateColumnCommand extends FamilyChangeCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The family's name: 1 to 255 UTF-8 bytes.")
    String name;

    @Override
    public Integer call() {
        ColumnFamily cf;
        long seqno;
        try (DatabaseAccess.Lease l = write("create column family '" + name + "'")) {
            cf = l.db().createColumnFamily(name);
            // The lease holds the write lock and this command is its only writer: the newest seqno is the create's.
            seqno = l.db().latestSeqno();
        }
        return printChange("created", cf, seqno);
    }
}
