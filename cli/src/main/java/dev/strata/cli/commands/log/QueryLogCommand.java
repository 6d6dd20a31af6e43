package dev.strata.cli.commands.log;

import dev.strata.cli.CliException;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Times;
import dev.strata.engine.log.LogEntryIterator;
import dev.strata.engine.log.LogQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata log query NAME}: the entries of a transaction log, oldest first, by commit time
 * ({@code --start}, {@code --end}) or seqno ({@code --from-seqno}, {@code --to-seqno}), streamed
 * from the WAL ({@code TransactionLog.query}); durable entries only unless
 * {@code --read-uncommitted}. Text: a {@code SEQNO TIME DATA} table; {@code --json}: NDJSON, data
 * base64. Opens the database read-only. Exit code 3 for a log the database does not have.
 */
@Command(name = "query", description = "Print the entries of a transaction log by commit time or seqno, oldest first "
        + "(NDJSON with --json, data base64).")
public final class QueryLogCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The log.")
    String name;

    @Option(names = "--start", paramLabel = "TIME", description = "Entries committed at or after TIME (ISO-8601 or ms "
            + "since the epoch).")
    String start;

    @Option(names = "--end", paramLabel = "TIME", description = "Entries committed before TIME (exclusive).")
    String end;

    @Option(names = "--exclusive-start", description = "Entries committed after --start, not at it.")
    boolean exclusiveStart;

    @Option(names = "--exact-start", description = "Begin at the first transaction committed exactly at --start "
            + "(none if no transaction has that time).")
    boolean exactStart;

    @Option(names = "--from-seqno", paramLabel = "N", description = "Entries of commits N and later.")
    Long fromSeqno;

    @Option(names = "--to-seqno", paramLabel = "N", description = "Entries of commits up to N (inclusive).")
    Long toSeqno;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "At most N entries.")
    Long limit;

    @Option(names = "--read-uncommitted", description = "Also entries written to the WAL but not yet forced (ASYNC "
            + "durability acknowledges before the force; a power cut can take them back).")
    boolean readUncommitted;

    @Option(names = "--unflushed", description = "Only entries of commits whose data is not in tables yet (what "
            + "recovery would replay).")
    boolean unflushed;

    @Override
    public Integer call() {
        if (limit != null && limit < 0) {
            throw new CliException(ExitCode.USAGE, "--limit must be 0 or more, was " + limit);
        }
        if (exactStart && start == null) {
            throw new CliException(ExitCode.USAGE, "--exact-start needs --start");
        }
        LogQuery q = LogQuery.all().exclusiveStart(exclusiveStart).exactStart(exactStart).readUncommitted(readUncommitted)
                .startFromLastFlushed(unflushed);
        if (start != null) {
            q.start(Times.parse(start));
        }
        if (end != null) {
            q.end(Times.parse(end));
        }
        if (fromSeqno != null) {
            q.fromSeqno(fromSeqno);
        }
        if (toSeqno != null) {
            q.toSeqno(toSeqno);
        }
        EntryPrinter printer = new EntryPrinter(out(), json(), root().format());
        try (DatabaseAccess.Lease l = read(); LogEntryIterator it = Logs.existing(l.db(), name).query(q)) {
            for (long n = 0; (limit == null || n < limit) && it.hasNext(); n++) {
                printer.print(it.next());
            }
        }
        printer.finish();
        return ExitCode.OK;
    }
}
