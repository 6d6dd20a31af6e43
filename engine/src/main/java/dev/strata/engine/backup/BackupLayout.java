package dev.strata.engine.backup;

import java.nio.file.Path;

/**
 * Where things live in a backup directory:
 *
 * <pre>
 * &lt;backupDir&gt;/
 *   meta/&lt;id&gt;                       each complete backup's metadata ({@link BackupMeta}), written last
 *   meta/NEXT_ID                    the next id (ids only grow, even after deletes)
 *   shared/&lt;number&gt;_&lt;crc&gt;_&lt;size&gt;.sst  tables, shared by every backup that holds them
 *   private/&lt;id&gt;/MANIFEST          the backup's manifest
 *   private/&lt;id&gt;/wal/*.wal         the WAL segments it needs
 *   tmp/                            work in progress (a crashed backup's leftovers are removed)
 * </pre>
 *
 * A table is identified by file number, CRC32C and size, so a table of another database (or a
 * rewritten one with a reused number) is never mistaken for it.
 */
final class BackupLayout {
    static final String META = "meta";
    static final String SHARED = "shared";
    static final String PRIVATE = "private";
    static final String TMP = "tmp";
    static final String NEXT_ID = "NEXT_ID";

    private BackupLayout() {
    }

    static Path meta(Path backupDir, long id) {
        return backupDir.resolve(META).resolve(Long.toString(id));
    }

    static String sharedName(String tableFileName, int crc, long size) {
        String number = tableFileName.substring(0, tableFileName.indexOf('.'));
        return String.format("%s_%08x_%d.sst", number, crc, size);
    }
}
