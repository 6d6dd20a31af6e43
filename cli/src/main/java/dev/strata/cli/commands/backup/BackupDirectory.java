package dev.strata.cli.commands.backup;

import dev.strata.cli.CliException;
import dev.strata.cli.ExitCode;
import dev.strata.engine.backup.BackupInfo;
import dev.strata.engine.backup.Backups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tool's rules about a backup directory argument: it must exist and hold backups (exit code
 * 3 otherwise), and a backup id must name one of them (exit code 3 otherwise). Shared by the
 * backup commands that read an existing directory.
 */
final class BackupDirectory {
    /** The name of the directory of backup metadata, whose presence marks a backup directory (docs/format.md). */
    static final String META = "meta";

    private BackupDirectory() {
    }

    /** {@code dir}, absolute, which must be a backup directory. */
    static Path existing(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new CliException(ExitCode.NOT_FOUND, "no such directory: " + abs);
        }
        if (!Files.isDirectory(abs.resolve(META))) {
            throw new CliException(ExitCode.NOT_FOUND, "no Strata backups in " + abs + " (it has no meta/ directory)");
        }
        return abs;
    }

    /** The backup {@code id} of {@code dir} (listed, maybe damaged); exit code 3 if there is none. */
    static BackupInfo find(Path dir, long id) {
        List<BackupInfo> all = Backups.list(dir);
        for (BackupInfo b : all) {
            if (b.id() == id) {
                return b;
            }
        }
        throw new CliException(ExitCode.NOT_FOUND, "no backup " + id + " in " + dir + (all.isEmpty() ? " (it holds none)"
                : " (it holds " + ids(all) + "; 'strata backup list " + dir + "' lists them)"));
    }

    /** "1, 2 and 5". */
    static String ids(List<BackupInfo> backups) {
        List<Long> ids = new java.util.ArrayList<>();
        for (BackupInfo b : backups) {
            ids.add(b.id());
        }
        return joinIds(ids);
    }

    /** "1, 2 and 5". */
    static String joinIds(List<Long> ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                sb.append(i == ids.size() - 1 ? " and " : ", ");
            }
            sb.append(ids.get(i));
        }
        return sb.toString();
    }
}
