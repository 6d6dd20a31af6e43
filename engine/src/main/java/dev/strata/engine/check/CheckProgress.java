package dev.strata.engine.check;

import java.nio.file.Path;

/** Told by {@link DatabaseChecker} before it reads each file, so a tool can show progress. */
@FunctionalInterface
public interface CheckProgress {
    CheckProgress NONE = (file, index, total) -> { };

    /**
     * Called before {@code file} is read; {@code index} counts from 0 up to {@code total - 1}.
     * Called on the checking thread.
     */
    void checking(Path file, int index, int total);
}
