package dev.strata.cli.commands;

import dev.strata.cli.CliException;
import dev.strata.cli.ExitCode;
import dev.strata.cli.format.ByteFormat;
import dev.strata.engine.RangeOptions;
import picocli.CommandLine.Option;

/** The range options of {@code scan} and {@code count}: bounds, prefix, direction, limit. */
public final class RangeArgs {
    @Option(names = "--start", paramLabel = "KEY", description = "Lower bound (inclusive unless --start-exclusive).")
    String start;

    @Option(names = "--start-exclusive", description = "Leave out the --start key itself.")
    boolean startExclusive;

    @Option(names = "--end", paramLabel = "KEY", description = "Upper bound (exclusive unless --end-inclusive).")
    String end;

    @Option(names = "--end-inclusive", description = "Include the --end key itself.")
    boolean endInclusive;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "Only keys that begin with PREFIX (not with --start/--end).")
    String prefix;

    @Option(names = {"-r", "--reverse"}, description = "From the upper bound down.")
    boolean reverse;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "At most N keys.")
    Long limit;

    /** The engine's range, arguments decoded with {@code format}. */
    RangeOptions toRange(ByteFormat format) {
        if (prefix != null && (start != null || end != null)) {
            throw new CliException(ExitCode.USAGE, "--prefix cannot be combined with --start or --end");
        }
        if (start == null && startExclusive) {
            throw new CliException(ExitCode.USAGE, "--start-exclusive needs --start");
        }
        if (end == null && endInclusive) {
            throw new CliException(ExitCode.USAGE, "--end-inclusive needs --end");
        }
        if (limit != null && limit < 0) {
            throw new CliException(ExitCode.USAGE, "--limit must be >= 0, was " + limit);
        }
        RangeOptions r = prefix != null ? RangeOptions.prefix(format.parse(prefix, "prefix")) : new RangeOptions();
        if (start != null) {
            r.start(format.parse(start, "start key"), !startExclusive);
        }
        if (end != null) {
            r.end(format.parse(end, "end key"), endInclusive);
        }
        return r.reverse(reverse).limit(limit == null ? Long.MAX_VALUE : limit);
    }
}
