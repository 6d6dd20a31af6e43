package dev.strata.cli.commands.backup;

import dev.strata.cli.CliException;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Json;
import dev.strata.engine.backup.BackupOptions;
import dev.strata.engine.backup.BackupResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.strata.cli.commands.VerifyCommand.plural;

/**
 * {@code strata backup create BACKUP_DIR}: one backup of the database ({@code --db}) into the
 * backup directory, consistent at one commit across column families, incremental (a table a
 * backup there already holds is not copied again). Opens the database for writing (the engine
 * flushes and rolls the WAL), so a database another process has open is refused with exit code
 * 5: an application backs itself up (the Spring starter's scheduled backups and endpoint).
 */
@Command(name = "create", description = "Back the database up into BACKUP_DIR (created if missing; tables a backup "
        + "there holds are not copied again).")
public final class CreateBackupCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "BACKUP_DIR", description = "The backup directory.")
    Path backupDir;

    @Option(names = "--no-flush", description = "Do not flush the memtables first; the backup's WAL carries them.")
    boolean noFlush;

    @Option(names = "--no-wal", description = "Leave the WAL out: the backup holds what the tables hold (one consistent "
            + "commit only if nothing was written meanwhile).")
    boolean noWal;

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Application metadata stored with the backup "
            + "(repeatable); 'backup list' shows it.")
    List<String> meta = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Tables copied at once (default: ${DEFAULT-VALUE}; more helps on another device).")
    int threads;

    @Override
    public Integer call() {
        BackupOptions options = BackupOptions.defaults().flushBeforeBackup(!noFlush).backupLogFiles(!noWal)
                .metadata(BackupMetadata.encode(meta)).maxBackgroundOperations(threads);
        Path target = backupDir.toAbsolutePath().normalize();
        refuseForeignDirectory(target);
        BackupResult r;
        try (DatabaseAccess.Lease l = write("back up the database"); Progress p = new Progress(session())) {
            if (target.startsWith(l.db().path()) || l.db().path().startsWith(target)) {
                throw new CliException(ExitCode.USAGE, "the backup directory " + target + " and the database "
                        + l.db().path() + " contain each other; back up to another directory");
            }
            r = l.db().backup(target, options.progress((done, total) -> p.bar("backing up", done, total)));
        }
        if (json()) {
            print(Json.obj().put("id", r.id()).put("seqno", r.seqno()).put("filesCopied", r.filesCopied())
                    .put("filesShared", r.filesShared()).put("bytesCopied", r.bytesCopied()).put("directory", target.toString()));
        } else {
            out().println("OK, backup " + r.id() + " of seqno " + r.seqno() + " in " + target + ": copied "
                    + plural(r.filesCopied(), "file") + " (" + Progress.bytes(r.bytesCopied()) + ")"
                    + (r.filesShared() > 0 ? ", " + plural(r.filesShared(), "table") + " already there" : ""));
            out().flush();
        }
        return ExitCode.OK;
    }

    /** A directory with other files in it is not made a backup directory by mistake. */
    private static void refuseForeignDirectory(Path target) {
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new CliException(ExitCode.USAGE, target + " is a file, not a directory");
        }
        if (Files.isDirectory(target) && !Files.isDirectory(target.resolve(BackupDirectory.META))
                && !DatabaseAccess.isEmpty(target)) {
            throw new CliException(ExitCode.USAGE, target + " is not empty and holds no Strata backups; "
                    + "back up into a new or empty directory, or one that holds backups");
        }
    }
}
