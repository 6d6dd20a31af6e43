package dev.strata.cli.commands.backup;

import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.TextTable;
import dev.strata.engine.backup.BackupInfo;
import dev.strata.engine.backup.Backups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.strata.cli.commands.VerifyCommand.plural;

/**
 * {@code strata backup list BACKUP_DIR}: every backup, oldest first: id, time, seqno, size,
 * files, metadata. A backup whose metadata does not read is listed with its problem, never as
 * good (exit code 0 all the same: listing worked; {@code backup verify} judges). Reads the
 * backup directory only.
 */
@Command(name = "list", aliases = "ls", description = "List the backups in BACKUP_DIR, oldest first.")
public final class ListBackupsCommand extends DbCommand {
    /** ISO-8601 in UTC with milliseconds always shown, so the column has one width. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Parameters(index = "0", paramLabel = "BACKUP_DIR", description = "The backup directory.")
    Path backupDir;

    @Override
    public Integer call() {
        Path dir = BackupDirectory.existing(backupDir);
        List<BackupInfo> backups = Backups.list(dir);
        if (json()) {
            List<Json.Obj> all = new ArrayList<>();
            for (BackupInfo b : backups) {
                all.add(Json.obj().put("id", b.id()).put("ok", b.isGood())
                        .put("timestamp", b.isGood() ? b.timestamp() : null)
                        .put("time", b.isGood() ? TIME.format(Instant.ofEpochMilli(b.timestamp())) : null)
                        .put("seqno", b.isGood() ? b.seqno() : null).put("bytes", b.isGood() ? b.sizeBytes() : null)
                        .put("files", b.isGood() ? b.fileCount() : null).put("metadata", BackupMetadata.decode(b.metadata()))
                        .putBytes("metadataBase64", b.metadata()).put("problem", b.problem()));
            }
            print(Json.obj().put("directory", dir.toString()).put("backups", all));
            return ExitCode.OK;
        }
        TextTable t = new TextTable(out(), "ID", "TIME", "SEQNO", "SIZE", "FILES", "METADATA");
        for (BackupInfo b : backups) {
            if (b.isGood()) {
                t.row(String.valueOf(b.id()), TIME.format(Instant.ofEpochMilli(b.timestamp())), String.valueOf(b.seqno()),
                        Progress.bytes(b.sizeBytes()), String.valueOf(b.fileCount()), metadata(b.metadata()));
            } else {
                t.row(String.valueOf(b.id()), "-", "-", "-", "-", "DAMAGED: " + b.problem());
            }
        }
        t.finish();
        out().println("(" + plural(backups.size(), "backup") + ")");
        out().flush();
        return ExitCode.OK;
    }

    /** {@code k=v, k2=v2}; another program's metadata as base64; {@code -} when there is none. */
    private static String metadata(byte[] bytes) {
        if (bytes.length == 0) {
            return "-";
        }
        Map<String, String> m = BackupMetadata.decode(bytes);
        if (m == null) {
            return "base64:" + Base64.getEncoder().encodeToString(bytes);
        }
        List<String> pairs = new ArrayList<>();
        m.forEach((k, v) -> pairs.add(k + "=" + v));
        return String.join(", ", pairs);
    }
}
