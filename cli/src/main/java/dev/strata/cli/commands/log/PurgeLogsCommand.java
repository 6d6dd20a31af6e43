package dev.strata.cli.commands.log;

import dev.strata.cli.CliException;
import dev.strata.cli.Confirmation;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.Times;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.log.PurgeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.strata.cli.commands.VerifyCommand.plural;

/**
 * {@code strata log purge [NAME] [--before TIME] [--destroy]}: removes the entries of one log (or
 * of every log) older than TIME (default: older than the retention) from the WAL segments that
 * nothing else needs whole, rewriting or deleting them ({@code db.purgeLogs}). Segments still
 * needed whole (data not flushed, a follower, the archive, {@code walKeepSize}) keep their entries
 * until retention may touch them. {@code --destroy} removes every entry of the log and forgets
 * its name; it asks first on a terminal and needs {@code --yes} otherwise. Opens the database for
 * writing (exit 5 when another process has it open); exit 3 for a log the database does not have.
 */
@Command(name = "purge", description = "Remove a log's (or every log's) entries older than --before (default: older "
        + "than the retention) from the WAL segments nothing else needs; --destroy removes every entry of the log.")
public final class PurgeLogsCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "NAME", arity = "0..1", description = "The log (default: every log).")
    String name;

    @Option(names = "--before", paramLabel = "TIME", description = "Entries committed before TIME (ISO-8601 or ms since "
            + "the epoch; default: older than the transaction-log retention).")
    String before;

    @Option(names = "--destroy", description = "Remove every entry of the log NAME and forget its name (asks first).")
    boolean destroy;

    @Option(names = {"-y", "--yes"}, description = "Destroy without asking (required when not on a terminal).")
    boolean yes;

    @Override
    public Integer call() {
        if (destroy && name == null) {
            throw new CliException(ExitCode.USAGE, "--destroy needs the NAME of one log");
        }
        Long millis = before == null ? null : Times.parse(before);
        PurgeResult r;
        Path dir;
        try (DatabaseAccess.Lease l = write("purge transaction logs")) {
            StrataDatabase db = l.db();
            dir = db.path();
            if (name != null) {
                Logs.existing(db, name);
            }
            if (destroy) {
                Confirmation.require(session(), yes, "log purge " + name + " --destroy", "Remove every entry of "
                        + "transaction log '" + name + "' and forget its name?");
            }
            r = db.purgeLogs(millis, name, destroy, true);
        }
        long entries = 0;
        int deleted = 0;
        List<Json.Obj> files = new ArrayList<>();
        for (PurgeResult.PurgedFile f : r.files()) {
            entries += Math.max(0, f.entries());
            deleted += f.deleted() ? 1 : 0;
            files.add(Json.obj().put("file", dir.relativize(f.path()).toString()).put("deleted", f.deleted())
                    .put("entries", f.entries() < 0 ? null : f.entries()));
        }
        if (json()) {
            print(Json.obj().put("files", files).put("entries", entries));
            return ExitCode.OK;
        }
        for (PurgeResult.PurgedFile f : r.files()) {
            out().println((f.deleted() ? "deleted  " : "rewrote  ") + dir.relativize(f.path())
                    + (f.entries() < 0 ? "" : " (" + plural(f.entries(), "entry") + ")"));
        }
        out().println(r.files().isEmpty() ? "OK, nothing to purge (segments still needed whole keep their entries until "
                + "retention may touch them)" : "OK, purged " + plural(entries, "entry") + ": " + deleted + " deleted, "
                + (r.files().size() - deleted) + " rewritten");
        out().flush();
        return ExitCode.OK;
    }
}
