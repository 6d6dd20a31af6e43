package dev.strata.cli.commands;

import dev.strata.cli.CliException;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.format.Json;
import dev.strata.engine.ColumnFamily;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code strata get KEY [-c FAMILY]}: prints the value; exit code 3 when the key (or the family) is absent. */
@Command(name = "get", description = "Print the value of a key (exit code 3 if it is absent).")
public final class GetCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The key, in the --format encoding.")
    String key;

    @Mixin
    FamilyOption family;

    @Override
    public Integer call() {
        byte[] k = arg(key, "key");
        byte[] v;
        String where;
        try (DatabaseAccess.Lease l = read()) {
            ColumnFamily cf = family(l.db(), family);
            v = cf.get(k);
            where = isDefault(l.db(), cf) ? "" : " in column family '" + cf.name() + "'";
        }
        if (v == null) {
            throw new CliException(ExitCode.NOT_FOUND, "key not found" + where + ": " + show(k));
        }
        if (json()) {
            print(Json.obj().putBytes("key", k).putBytes("value", v));
        } else {
            out().println(show(v));
        }
        return ExitCode.OK;
    }
}
