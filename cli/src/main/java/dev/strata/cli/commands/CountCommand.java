package dev.strata.cli.commands;

import dev.strata.cli.CliException;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.format.Json;
import dev.strata.engine.ColumnFamily;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code strata count [-c FAMILY]}: the exact number of keys in a range of a family, or the fast estimate of all. */
@Command(name = "count", description = "Count the keys of a range (exact; --estimate for a fast upper bound of all).")
public final class CountCommand extends DbCommand {
    @Mixin
    RangeArgs range;

    @Option(names = "--estimate", description = "Entries in tables and memtables: fast, but counts overwritten "
            + "versions and deletions not yet compacted; takes no range.")
    boolean estimate;

    @Mixin
    FamilyOption family;

    @Override
    public Integer call() {
        if (estimate && (range.start != null || range.end != null || range.prefix != null || range.limit != null)) {
            throw new CliException(ExitCode.USAGE, "--estimate counts the whole column family; it takes no range or limit");
        }
        var options = estimate ? null : range.toRange(root().format());
        long n;
        try (DatabaseAccess.Lease l = read()) {
            ColumnFamily cf = family(l.db(), family);
            n = estimate ? cf.estimatedCount() : cf.count(options);
        }
        if (json()) {
            print(Json.obj().put(estimate ? "estimatedCount" : "count", n));
        } else {
            out().println(n);
        }
        return ExitCode.OK;
    }
}
