package dev.strata.cli.commands;

import dev.strata.cli.CliException;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.format.Json;
import dev.strata.engine.backup.Checkpointer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.strata.cli.commands.VerifyCommand.plural;

/**
 * {@code strata checkpoint DIR}: an independent, openable copy of the whole database at one
 * commit ({@code StrataDatabase.createCheckpoint}): tables and sealed WAL segments hard-linked
 * where the file system allows, the WAL tail copied. DIR must not exist or be empty (exit 2
 * otherwise). Opens the database for writing (the engine flushes first), so a database another
 * process has open is refused with exit code 5.
 */
@Command(name = "checkpoint", description = "Write an openable copy of the database at one commit into DIR (new or "
        + "empty; tables are hard-linked where possible).")
public final class CheckpointCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "Where the checkpoint goes: a new or empty directory.")
    Path target;

    @Override
    public Integer call() {
        Path dir = target.toAbsolutePath().normalize();
        Checkpointer.Result r;
        try (DatabaseAccess.Lease l = write("checkpoint")) {
            if (dir.startsWith(l.db().path())) {
                throw new CliException(ExitCode.USAGE, "the checkpoint " + dir + " would be inside the database "
                        + l.db().path() + "; write it elsewhere");
            }
            removeIfEmpty(dir);
            r = l.db().createCheckpoint(dir);
        }
        if (json()) {
            print(Json.obj().put("directory", r.directory().toString()).put("seqno", r.seqno()).put("tables", r.tables())
                    .put("walSegments", r.walSegments()).put("bytesLinked", r.bytesLinked()).put("bytesCopied", r.bytesCopied()));
        } else {
            out().println("OK, checkpoint of seqno " + r.seqno() + " in " + r.directory() + ": "
                    + plural(r.tables(), "table") + " and " + plural(r.walSegments(), "WAL segment") + " ("
                    + Progress.bytes(r.bytesLinked()) + " linked, " + Progress.bytes(r.bytesCopied()) + " copied)");
            out().flush();
        }
        return ExitCode.OK;
    }

    /**
     * The engine writes the checkpoint into a directory that does not exist yet (it builds it
     * beside and renames it into place): an empty one is removed first; anything else is refused.
     */
    private static void removeIfEmpty(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new CliException(ExitCode.USAGE, dir + " is a file; a checkpoint needs a new or empty directory");
        }
        if (!DatabaseAccess.isEmpty(dir)) {
            throw new CliException(ExitCode.USAGE, dir + " is not empty; a checkpoint needs a new or empty directory");
        }
        try {
            Files.delete(dir);
        } catch (IOException e) {
            throw new CliException(ExitCode.INTERNAL, "cannot use " + dir + " for a checkpoint: " + e.getMessage());
        }
    }
}
