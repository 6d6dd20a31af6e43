package dev.strata.engine.check;

import java.nio.file.Path;

/**
 * One finding of {@link DatabaseChecker}: the file, the byte offset where the damage was found
 * (or {@link #WHOLE_FILE} when it concerns the file as a whole, such as a missing table or a size
 * that disagrees with the manifest), what is wrong, and the column family the damaged table
 * belongs to when the manifest says so (null for WAL segments, the manifest's own damage, and
 * tables the manifest does not name).
 */
public record Problem(Path file, long offset, String message, String columnFamily) {
    /** The offset of a finding that is about the whole file, not one place in it. */
    public static final long WHOLE_FILE = -1;

    /** A finding that belongs to no column family. */
    public Problem(Path file, long offset, String message) {
        this(file, offset, message, null);
    }

    @Override
    public String toString() {
        return file + (offset == WHOLE_FILE ? "" : " at offset " + offset)
                + (columnFamily == null ? "" : " (column family '" + columnFamily + "')") + ": " + message;
    }
}
