package dev.strata.cli.commands.log;

import dev.strata.cli.CliException;
import dev.strata.cli.ExitCode;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.log.TransactionLog;

/** The tool's rule about a log name argument: it must name a log the database has (exit code 3 otherwise). */
final class Logs {
    private Logs() {
    }

    /** The log {@code name} of {@code db}; exit code 3, with a hint, if the database has no such log. */
    static TransactionLog existing(StrataDatabase db, String name) {
        if (!db.listLogs().contains(name)) {
            throw new CliException(ExitCode.NOT_FOUND, "no transaction log named '" + name + "' in " + db.path()
                    + " ('strata log list' lists them)");
        }
        return db.useLog(name);
    }
}
