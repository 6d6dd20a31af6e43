package dev.strata.engine.check;

import dev.strata.engine.lsm.LsmStore;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.WalFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a database keeps its files, for tools that read them without opening the database: the
 * {@code wal/} and {@code sst/} directories and the names of tables and segments. The names are
 * part of the on-disk format (docs/format.md) and must match what {@code LsmTree} and
 * {@code WalWriter} write.
 */
public final class DatabaseLayout {
    /** The WAL directory's name (as {@code StrataDatabase.WAL_DIR}). */
    public static final String WAL_DIR = "wal";
    /** A table file's suffix (as {@code LsmTree.tableName}). */
    public static final String TABLE_SUFFIX = ".sst";

    private DatabaseLayout() {
    }

    public static Path walDir(Path dir) {
        return dir.resolve(WAL_DIR);
    }

    public static Path tableDir(Path dir) {
        return dir.resolve(LsmStore.SST_DIR);
    }

    /** The file of table {@code fileNumber}: 20 decimal digits and {@code .sst}. */
    public static Path tablePath(Path dir, long fileNumber) {
        return tableDir(dir).resolve(String.format("%020d%s", fileNumber, TABLE_SUFFIX));
    }

    /** The table number a file name stands for, or -1 if it is not a table's name. */
    public static long parseTableName(String name) {
        if (!name.endsWith(TABLE_SUFFIX) || name.length() != 20 + TABLE_SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static Path segmentPath(Path dir, long segmentNumber) {
        return walDir(dir).resolve(WalFormat.fileName(segmentNumber));
    }

    /**
     * The numbers of the WAL segments in {@code dir}, ascending. Names in the WAL directory that
     * are not a segment's are added to {@code others} (when not null).
     */
    public static List<Long> listSegments(Storage storage, Path dir, List<String> others) throws IOException {
        Path walDir = walDir(dir);
        List<Long> numbers = new ArrayList<>();
        for (String name : storage.exists(walDir) ? storage.list(walDir) : List.<String>of()) {
            long n = WalFormat.parseFileName(name);
            if (n >= 0) {
                numbers.add(n);
            } else if (isSegmentSummary(name)) {
                continue; // an index beside its segment (wal/NNNN.sum), rebuilt when stale: nothing to report
            } else if (others != null) {
                others.add(name);
            }
        }
        numbers.sort(null);
        return numbers;
    }

    private static boolean isSegmentSummary(String name) {
        String suffix = dev.strata.engine.wal.SegmentSummaryFile.SUFFIX;
        return name.endsWith(suffix) && WalFormat.parseFileName(name.substring(0, name.length() - suffix.length())
                + WalFormat.SUFFIX) >= 0;
    }

    /** Whether {@code dir} looks like a database: it has a WAL directory or a manifest. */
    public static boolean isDatabase(Path dir, Storage storage) {
        return storage.exists(walDir(dir)) || storage.exists(dir.resolve(Manifest.FILE));
    }
}
