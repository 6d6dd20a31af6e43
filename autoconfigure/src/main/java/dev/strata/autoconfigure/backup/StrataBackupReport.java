package dev.strata.autoconfigure.backup;

import dev.strata.engine.backup.BackupInfo;
import dev.strata.engine.backup.BackupResult;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backups in the shapes the {@code strata} endpoint shows: where they go, the record since
 * start-up and every backup the directory holds (metadata bytes are left out: they are the
 * application's and may be anything). Holds no state.
 */
public final class StrataBackupReport {

    private StrataBackupReport() {
    }

    /** Directory, keep-count, the record since start-up, and the list of backups, oldest first. */
    public static Map<String, Object> report(StrataBackups backups) {
        BackupStatus status = backups.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("directory", backups.directory().toAbsolutePath().normalize().toString());
        m.put("keepCount", backups.keepCount());
        m.put("successes", status.successes());
        m.put("failures", status.failures());
        m.put("running", status.running());
        if (status.lastError() != null) {
            m.put("lastError", status.lastError());
            m.put("lastErrorAt", status.lastFailureAt().toString());
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (BackupInfo info : backups.list()) {
            list.add(info(info));
        }
        m.put("backups", list);
        return m;
    }

    /** What one backup did, as the write operation answers. */
    public static Map<String, Object> result(BackupResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("seqno", r.seqno());
        m.put("filesCopied", r.filesCopied());
        m.put("filesShared", r.filesShared());
        m.put("bytesCopied", r.bytesCopied());
        return m;
    }

    private static Map<String, Object> info(BackupInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", info.id());
        if (info.isGood()) {
            m.put("timestamp", Instant.ofEpochMilli(info.timestamp()).toString());
            m.put("seqno", info.seqno());
            m.put("sizeBytes", info.sizeBytes());
            m.put("files", info.fileCount());
        } else {
            m.put("problem", info.problem());
        }
        return m;
    }
}
