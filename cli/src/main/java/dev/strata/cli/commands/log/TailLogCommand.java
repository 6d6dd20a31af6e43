package dev.strata.cli.commands.log;

import dev.strata.cli.CliException;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.commands.DurationConverter;
import dev.strata.engine.log.LogEntry;
import dev.strata.engine.log.LogEntryIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * {@code strata log tail NAME [-n N] [--follow]}: the newest N entries of a transaction log
 * (default 10), and with {@code --follow} every entry committed after them as it reaches the WAL
 * ({@link LogFollower}), until interrupted (Ctrl+C). Following reads the WAL files, so it works
 * beside the application writing the log. Text: a {@code SEQNO TIME DATA} table (one line per
 * entry while following); {@code --json}: NDJSON, data base64.
 */
@Command(name = "tail", description = "Print the newest entries of a transaction log; with --follow, go on printing "
        + "new ones as they are committed (until Ctrl+C).")
public final class TailLogCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The log.")
    String name;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10", description = "How many of the newest "
            + "entries to print first (default: ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing entries as they are committed, until interrupted.")
    boolean follow;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "How often --follow looks for new entries (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Override
    public Integer call() {
        if (lines < 0) {
            throw new CliException(ExitCode.USAGE, "--lines must be 0 or more, was " + lines);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new CliException(ExitCode.USAGE, "--interval must be positive, was " + interval);
        }
        ArrayDeque<LogEntry> newest = new ArrayDeque<>();
        long lastSeqno = 0;
        Path db;
        try (DatabaseAccess.Lease l = read(); LogEntryIterator it = Logs.existing(l.db(), name).query()) {
            db = l.db().path();
            while (it.hasNext()) {
                LogEntry e = it.next();
                lastSeqno = e.seqno();
                newest.addLast(e);
                if (newest.size() > lines) {
                    newest.removeFirst();
                }
            }
        }
        EntryPrinter printer = new EntryPrinter(out(), json(), root().format());
        if (!follow) {
            newest.forEach(printer::print);
            printer.finish();
            return ExitCode.OK;
        }
        newest.forEach(printer::follow);
        LogFollower follower = new LogFollower(db, name, lastSeqno);
        while (!Thread.currentThread().isInterrupted()) {
            follower.poll().forEach(printer::follow);
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ExitCode.OK;
    }
}
