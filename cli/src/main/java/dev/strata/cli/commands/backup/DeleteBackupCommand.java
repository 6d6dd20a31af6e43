package dev.strata.cli.commands.backup;

import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Json;
import dev.strata.engine.backup.Backups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code strata backup delete BACKUP_DIR ID}: deletes one backup and the shared tables no other
 * backup holds. Exit code 3 if there is no such backup. It does not ask: the command names
 * exactly what goes, and the database itself is not touched.
 */
@Command(name = "delete", aliases = "rm", description = "Delete one backup (and the tables only it holds).")
public final class DeleteBackupCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "BACKUP_DIR", description = "The backup directory.")
    Path backupDir;

    @Parameters(index = "1", paramLabel = "ID", description = "The backup to delete.")
    long id;

    @Override
    public Integer call() {
        Path dir = BackupDirectory.existing(backupDir);
        BackupDirectory.find(dir, id);
        long reclaimed = Backups.delete(dir, id);
        if (json()) {
            print(Json.obj().put("id", id).put("bytesReclaimed", reclaimed));
        } else {
            out().println("OK, deleted backup " + id + " (" + Progress.bytes(reclaimed) + " reclaimed)");
            out().flush();
        }
        return ExitCode.OK;
    }
}
