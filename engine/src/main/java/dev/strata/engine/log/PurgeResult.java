package dev.strata.engine.log;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code db.purgeLogs} removed.
 *
 * @param files one row per segment file deleted or rewritten
 */
public record PurgeResult(List<PurgedFile> files) {
    /**
     * @param path      the segment file
     * @param deleted   true if deleted, false if rewritten without the purged entries
     * @param entries   entries of the purged log(s) it held (-1 unless entry counts were asked for)
     */
    public record PurgedFile(Path path, boolean deleted, long entries) {
    }
}
