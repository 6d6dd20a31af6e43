package dev.strata.cli.commands.backup;

import dev.strata.cli.CliException;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Json;
import dev.strata.engine.backup.BackupInfo;
import dev.strata.engine.backup.Backups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.strata.cli.commands.VerifyCommand.plural;

/**
 * {@code strata backup purge BACKUP_DIR --keep N}: keeps the newest N good backups and deletes
 * the older ones (and the archived WAL segments no remaining backup can use). Damaged backups
 * are neither counted nor deleted: they stay for inspection and {@code backup delete}.
 */
@Command(name = "purge", description = "Keep the newest N good backups; delete the older ones.")
public final class PurgeBackupsCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "BACKUP_DIR", description = "The backup directory.")
    Path backupDir;

    @Option(names = "--keep", paramLabel = "N", required = true, description = "How many of the newest good backups to keep.")
    int keep;

    @Override
    public Integer call() {
        if (keep < 0) {
            throw new CliException(ExitCode.USAGE, "--keep must be 0 or more, was " + keep);
        }
        Path dir = BackupDirectory.existing(backupDir);
        List<BackupInfo> before = Backups.list(dir);
        long reclaimed = Backups.purge(dir, keep);
        Set<Long> left = new HashSet<>();
        for (BackupInfo b : Backups.list(dir)) {
            left.add(b.id());
        }
        List<Long> kept = new ArrayList<>();
        List<Long> deleted = new ArrayList<>();
        for (BackupInfo b : before) {
            (left.contains(b.id()) ? kept : deleted).add(b.id());
        }
        if (json()) {
            print(Json.obj().put("kept", kept).put("deleted", deleted).put("bytesReclaimed", reclaimed));
        } else {
            out().println(deleted.isEmpty() ? "OK, nothing to delete: " + plural(kept.size(), "backup") + ", --keep " + keep
                    : "OK, deleted " + (deleted.size() == 1 ? "backup " : "backups ") + BackupDirectory.joinIds(deleted) + "; kept "
                    + (kept.isEmpty() ? "none" : BackupDirectory.joinIds(kept)) + " (" + Progress.bytes(reclaimed) + " reclaimed)");
            out().flush();
        }
        return ExitCode.OK;
    }
}
