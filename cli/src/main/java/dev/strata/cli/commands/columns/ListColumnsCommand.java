package dev.strata.cli.commands.columns;

import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.commands.FamilyFigures;
import dev.strata.cli.commands.VerifyCommand;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.TextTable;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code strata columns list}: every column family, the default one first, with its id, its
 * tables and their bytes, and its estimated key count. Opens the database read-only (the
 * estimate counts memtable entries, which only the WAL holds), so it works beside a writer.
 */
@Command(name = "list", aliases = "ls",
        description = "List the column families: id, name, tables, bytes and estimated keys.")
public final class ListColumnsCommand extends DbCommand {

    @Override
    public Integer call() {
        List<FamilyFigures> families;
        try (DatabaseAccess.Lease l = read()) {
            families = FamilyFigures.of(l.db());
        }
        if (json()) {
            List<Json.Obj> list = new ArrayList<>();
            for (FamilyFigures f : families) {
                list.add(f.json());
            }
            print(Json.obj().put("columnFamilies", list));
            return ExitCode.OK;
        }
        TextTable t = new TextTable(out(), "ID", "NAME", "TABLES", "BYTES", "ESTIMATED KEYS");
        for (FamilyFigures f : families) {
            t.row(String.valueOf(f.id()), f.name(), String.valueOf(f.tables()), Progress.bytes(f.bytes()),
                    String.valueOf(f.estimatedCount()));
        }
        t.finish();
        out().println("(" + VerifyCommand.plural(families.size(), "column family") + ")");
        out().flush();
        return ExitCode.OK;
    }
}
