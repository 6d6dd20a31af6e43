package dev.strata.cli.commands.columns;

import dev.strata.cli.CliException;
import dev.strata.cli.Confirmation;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.commands.FamilyFigures;
import dev.strata.cli.commands.VerifyCommand;
import dev.strata.engine.ColumnFamily;
import dev.strata.engine.StrataDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata columns drop NAME [--yes]}: one commit that drops the family; its tables are
 * deleted. On a terminal it first says what will go (tables, bytes, estimated keys) and asks;
 * without a terminal it refuses unless given {@code --yes} ({@link Confirmation}). A missing
 * family is exit code 3; the default family cannot be dropped (exit 2).
 */
@Command(name = "drop", description = "Drop a column family and every key in it (asks first on a terminal; "
        + "without one, needs --yes).")
public final class DropColumnCommand extends FamilyChangeCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The family to drop.")
    String name;

    @Option(names = {"-y", "--yes"}, description = "Drop without asking (required when not on a terminal).")
    boolean yes;

    @Override
    public Integer call() {
        ColumnFamily cf;
        long seqno;
        try (DatabaseAccess.Lease l = write("drop column family '" + name + "'")) {
            StrataDatabase db = l.db();
            cf = family(db, name);
            if (isDefault(db, cf)) {
                throw new CliException(ExitCode.USAGE, "the default column family cannot be dropped");
            }
            FamilyFigures f = FamilyFigures.of(cf);
            Confirmation.require(session(), yes, "columns drop " + name, "Drop column family '" + cf.name() + "' (id "
                    + cf.id() + ": " + VerifyCommand.plural(f.tables(), "table") + ", " + Progress.bytes(f.bytes())
                    + ", about " + VerifyCommand.plural(f.estimatedCount(), "key") + ")? Every key in it is deleted.");
            db.dropColumnFamily(cf.name());
            // The lease holds the write lock and this command is its only writer: the newest seqno is the drop's.
            seqno = db.latestSeqno();
        }
        return printChange("dropped", cf, seqno);
    }
}
