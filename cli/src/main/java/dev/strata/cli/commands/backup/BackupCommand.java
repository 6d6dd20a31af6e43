package dev.strata.cli.commands.backup;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code strata backup create|list|verify|delete|purge|restore}: backups in a backup directory,
 * as RocksDB's BackupEngine (and {@code ldb backup/restore}) manage them. Only {@code create}
 * needs the database ({@code --db}); the others work on the backup directory alone. The group
 * itself does nothing: without a subcommand it is a usage error (exit 2).
 */
@Command(name = "backup", description = "Create, list, verify, delete, purge and restore backups.",
        subcommands = {CreateBackupCommand.class, ListBackupsCommand.class, VerifyBackupCommand.class,
                DeleteBackupCommand.class, PurgeBackupsCommand.class, RestoreBackupCommand.class})
public final class BackupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "backup needs a subcommand: create, list, verify, delete, purge or restore");
    }
}
