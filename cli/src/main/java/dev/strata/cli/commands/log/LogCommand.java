package dev.strata.cli.commands.log;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code strata log list|query|tail|purge|parse}: the named transaction logs (issue 6), which
 * are a view over the WAL: entries applications attach to their transactions, queried by commit
 * time or seqno. The group itself does nothing: without a subcommand it is a usage error (exit 2).
 */
@Command(name = "log", description = "List, query, follow, purge and parse the transaction logs.",
        subcommands = {ListLogsCommand.class, QueryLogCommand.class, TailLogCommand.class, PurgeLogsCommand.class,
                ParseLogCommand.class})
public final class LogCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "log needs a subcommand: list, query, tail, purge or parse");
    }
}
