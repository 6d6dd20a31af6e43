package dev.strata.engine.check;

import java.nio.file.Path;

/**
 * One finding of {@link DatabaseChecker}: the file, the byte offset where the damage was found
 * (or {@link #WHOLE_FILE} when it concerns the file as a whole, such as a missing table or a size
 * that disagrees with the manifest), and what is wrong.
 */
public record Problem(Path file, long offset, String message) {
    /** The offset of a finding that is about the whole file, not one place in it. */
    public static final long WHOLE_FILE = -1;

    @Override
    public String toString() {
        return file + (offset == WHOLE_FILE ? "" : " at offset " + offset) + ": " + message;
    }
}
