package dev.strata.cli.commands.backup;

import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Json;
import dev.strata.engine.CorruptionException;
import dev.strata.engine.backup.BackupInfo;
import dev.strata.engine.backup.Backups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.strata.cli.commands.VerifyCommand.plural;

/**
 * {@code strata backup verify BACKUP_DIR [ID]}: checks that every file of a backup (or of every
 * backup) exists with its size and CRC32C ({@link Backups#verify}); a damaged backup is named
 * with the file and offset of its first damage. Exit code 4 if any backup is damaged, 3 for an
 * id that names no backup.
 */
@Command(name = "verify", description = "Check every file of a backup (default: of every backup) against its size "
        + "and CRC32C; exit code 4 if any is damaged.")
public final class VerifyBackupCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "BACKUP_DIR", description = "The backup directory.")
    Path backupDir;

    @Parameters(index = "1", paramLabel = "ID", arity = "0..1", description = "The backup to verify (default: all).")
    Long id;

    /** One backup's verdict. */
    private record Verdict(long id, long bytes, Path file, long offset, String problem) {
    }

    @Override
    public Integer call() {
        Path dir = BackupDirectory.existing(backupDir);
        List<BackupInfo> backups = id == null ? Backups.list(dir) : List.of(BackupDirectory.find(dir, id));
        List<Verdict> verdicts = new ArrayList<>();
        try (Progress p = new Progress(session())) {
            for (int i = 0; i < backups.size(); i++) {
                long backup = backups.get(i).id();
                p.update("verifying backup " + backup + " (" + (i + 1) + " of " + backups.size() + ")");
                verdicts.add(verify(dir, backup));
            }
        }
        int damaged = 0;
        List<Json.Obj> json = new ArrayList<>();
        for (Verdict v : verdicts) {
            String file = v.file() == null ? null : dir.relativize(v.file()).toString();
            if (v.problem() != null) {
                damaged++;
            }
            if (json()) {
                json.add(Json.obj().put("id", v.id()).put("ok", v.problem() == null).put("bytes", v.problem() == null ? v.bytes() : null)
                        .put("file", file).put("offset", v.problem() == null ? null : v.offset()).put("problem", v.problem()));
            } else if (v.problem() == null) {
                out().println("backup " + v.id() + ": OK, " + Progress.bytes(v.bytes()) + " checked");
            } else {
                out().println("backup " + v.id() + ": DAMAGED  " + file + " at offset " + v.offset() + ": " + v.problem());
            }
        }
        if (json()) {
            print(Json.obj().put("ok", damaged == 0).put("backups", json));
        } else {
            out().println(damaged == 0 ? "OK: " + plural(verdicts.size(), "backup") + " verified"
                    : "FAILED: " + damaged + " of " + plural(verdicts.size(), "backup") + " damaged");
            out().flush();
        }
        if (damaged > 0) {
            session().err().println("strata: backup verify found " + plural(damaged, "damaged backup") + " in " + dir);
            session().err().flush();
            return ExitCode.CORRUPTION;
        }
        return ExitCode.OK;
    }

    private static Verdict verify(Path dir, long backup) {
        try {
            return new Verdict(backup, Backups.verify(dir, backup, true), null, 0, null);
        } catch (CorruptionException e) {
            return new Verdict(backup, 0, e.file(), e.offset(), what(e, "backup " + backup + ": "
                    + dir.relativize(e.file()) + " "));
        }
    }

    /**
     * The exception's description without what the line shows apart: the code, the backup and
     * file it names first ({@code lead}), the file and offset it ends with.
     */
    private static String what(CorruptionException e, String lead) {
        String m = e.getMessage();
        String prefix = e.code().id() + ": ";
        m = m.startsWith(prefix) ? m.substring(prefix.length()) : m;
        m = m.startsWith(lead) ? m.substring(lead.length()) : m;
        String suffix = " in " + e.file() + " at offset " + e.offset();
        return m.endsWith(suffix) ? m.substring(0, m.length() - suffix.length()) : m;
    }
}
