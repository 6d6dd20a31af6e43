package dev.strata.cli.commands.backup;

import dev.strata.cli.CliException;
import dev.strata.cli.Confirmation;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Json;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.backup.Backups;
import dev.strata.engine.backup.RestoreOptions;
import dev.strata.engine.check.DatabaseLayout;
import dev.strata.engine.vfs.LocalStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * {@code strata backup restore BACKUP_DIR [ID] --to DB_DIR [--seqno N | --timestamp T]}: builds
 * the database from a backup (by id, or the newest good one) or at a point in time (the newest
 * backup at or before it, then the archived WAL up to exactly that commit), checking every
 * file's CRC32C, and swaps it into DB_DIR only once complete.
 *
 * <p>Replacing an existing database asks first on a terminal and needs {@code --yes} otherwise;
 * a directory that holds other files is refused (exit 2); a database open in another process is
 * exit 5; a backup id that names nothing, or a point the backups and the archive cannot reach,
 * is exit 3, and the target is left as it was.
 */
@Command(name = "restore", description = "Restore a backup (default: the newest good one) or a point in time into "
        + "--to DB_DIR (default: --db), replacing the database there once the copy is complete and checked.")
public final class RestoreBackupCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "BACKUP_DIR", description = "The backup directory.")
    Path backupDir;

    @Parameters(index = "1", paramLabel = "ID", arity = "0..1", description = "The backup to restore (default: the newest good one).")
    Long id;

    @Option(names = "--to", paramLabel = "DB_DIR", description = "Where to restore (default: the --db directory).")
    Path to;

    @Option(names = "--seqno", paramLabel = "N", description = "Restore the state after commit N (needs the WAL archive).")
    Long seqno;

    @Option(names = "--timestamp", paramLabel = "TIME", description = "Restore the state after the last commit at or "
            + "before TIME: ISO-8601 (2026-11-25T10:15:30Z, or with an offset) or milliseconds since the epoch.")
    String timestamp;

    @Option(names = {"-y", "--yes"}, description = "Replace an existing database without asking (required when not on "
            + "a terminal).")
    boolean yes;

    @Override
    public Integer call() {
        Path dir = BackupDirectory.existing(backupDir);
        Path target = target();
        if (target.startsWith(dir) || dir.startsWith(target)) {
            throw new CliException(ExitCode.USAGE, "cannot restore into " + target + ": it and the backup directory "
                    + dir + " contain each other");
        }
        if (id != null && (seqno != null || timestamp != null)) {
            throw new CliException(ExitCode.USAGE, "give a backup ID or a point in time (--seqno, --timestamp), not both");
        }
        if (seqno != null && timestamp != null) {
            throw new CliException(ExitCode.USAGE, "give --seqno or --timestamp, not both");
        }
        if (seqno != null && seqno < 0) {
            throw new CliException(ExitCode.USAGE, "--seqno must be 0 or more, was " + seqno);
        }
        Long millis = timestamp == null ? null : parseTime(timestamp);
        if (id != null) {
            BackupDirectory.find(dir, id);
        }
        String what = id != null ? "backup " + id : seqno != null ? "its state at seqno " + seqno
                : millis != null ? "its state at " + Instant.ofEpochMilli(millis) : "the newest good backup";
        if (replacesADatabase(target)) {
            Confirmation.require(session(), yes, "backup restore", "Replace the database in " + target + " with " + what
                    + "? What it holds now is deleted.");
        }
        RestoreOptions options = id != null ? RestoreOptions.backup(id) : seqno != null ? RestoreOptions.toSeqno(seqno)
                : millis != null ? RestoreOptions.toTimestamp(millis) : RestoreOptions.latest();
        Backups.Restored r;
        try (Progress p = new Progress(session())) {
            r = Backups.restore(dir, target, options.progress((done, total) -> p.bar("restoring", done, total)));
        } catch (InvalidArgumentException e) {
            throw new CliException(ExitCode.NOT_FOUND, "cannot restore " + what + " from " + dir + ": " + e.getMessage()
                    + "; " + target + " is unchanged");
        }
        if (json()) {
            print(Json.obj().put("backupId", r.backupId()).put("seqno", r.seqno()).put("target", target.toString()));
        } else if (seqno != null || millis != null) {
            long backupSeqno = BackupDirectory.find(dir, r.backupId()).seqno();
            out().println("OK, restored " + target + " to seqno " + r.seqno() + ": backup " + r.backupId() + " (seqno "
                    + backupSeqno + ")" + (r.seqno() > backupSeqno ? ", then the archived WAL up to that commit" : ""));
        } else {
            out().println("OK, restored backup " + r.backupId() + " (seqno " + r.seqno() + ") into " + target);
        }
        out().flush();
        return ExitCode.OK;
    }

    private Path target() {
        Path t = to != null ? to : root().db();
        if (t == null) {
            throw new CliException(ExitCode.USAGE, "no target given: use --to DB_DIR (or --db)");
        }
        return t.toAbsolutePath().normalize();
    }

    /**
     * Whether {@code target} holds a database the restore replaces. A file, or a directory of
     * other files, is refused: a restore replaces the whole directory.
     */
    private static boolean replacesADatabase(Path target) {
        if (!Files.exists(target)) {
            return false;
        }
        if (!Files.isDirectory(target)) {
            throw new CliException(ExitCode.USAGE, target + " is a file, not a directory");
        }
        if (DatabaseLayout.isDatabase(target, LocalStorage.INSTANCE)) {
            return true;
        }
        if (!DatabaseAccess.isEmpty(target)) {
            throw new CliException(ExitCode.USAGE, target + " is not empty and holds no Strata database; a restore "
                    + "replaces the whole directory, so restore into a new or empty one");
        }
        return false;
    }

    /** ISO-8601 (with Z or an offset) or milliseconds since the epoch; exit code 2 otherwise. */
    static long parseTime(String text) {
        if (text.matches("\\d{1,18}")) {
            return Long.parseLong(text);
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new CliException(ExitCode.USAGE, "'" + text + "' is not a time: give ISO-8601 "
                        + "(2026-11-25T10:15:30Z, 2026-11-25T11:15:30+01:00) or milliseconds since the epoch");
            }
        }
    }
}
