package dev.strata.engine.check;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link DatabaseChecker} found in a database directory.
 *
 * @param dir          the database directory
 * @param problems     damage: every file and offset where the files are not what the format
 *                     says (empty for a sound database)
 * @param notes        findings that are not damage: a torn tail at the end of the newest WAL
 *                     segment (recovery drops it), table files the manifest does not name (left
 *                     by an interrupted flush, or a flush in progress), leftover temporary files
 * @param tables       table files read
 * @param dataBlocks   data blocks read without damage
 * @param tableEntries point entries in those blocks
 * @param walSegments  WAL segments read
 * @param walRecords   whole commit records in them
 */
public record CheckReport(Path dir, List<Problem> problems, List<Problem> notes, int tables, long dataBlocks,
                          long tableEntries, int walSegments, long walRecords) {

    /** Whether no damage was found (notes do not count). */
    public boolean ok() {
        return problems.isEmpty();
    }
}
