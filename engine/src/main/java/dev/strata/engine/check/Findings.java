package dev.strata.engine.check;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.ErrorCode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one pass of {@link DatabaseChecker} has found so far: problems, notes, counts, and the
 * progress callback. Single-threaded; a pass that has to start again (the writer changed the
 * files) starts with a new instance.
 */
final class Findings {
    final List<Problem> problems = new ArrayList<>();
    final List<Problem> notes = new ArrayList<>();
    int tables;
    long dataBlocks;
    long tableEntries;
    int walSegments;
    long walRecords;

    private final CheckProgress progress;
    private int filesSeen;
    private int filesTotal;

    Findings(CheckProgress progress) {
        this.progress = progress;
    }

    void expectFiles(int total) {
        filesTotal = total;
    }

    void reading(Path file) {
        progress.checking(file, filesSeen, Math.max(filesTotal, filesSeen + 1));
        filesSeen++;
    }

    void problem(Path file, long offset, String message) {
        problems.add(new Problem(file, offset, message));
    }

    /** {@code family}: the column family of the damaged table, or null. */
    void problem(Path file, long offset, String message, String family) {
        problems.add(new Problem(file, offset, message, family));
    }

    void problem(CorruptionException e) {
        problem(e, null);
    }

    void problem(CorruptionException e, String family) {
        problems.add(new Problem(e.file(), e.offset(), what(e), family));
    }

    void note(Path file, long offset, String message) {
        notes.add(new Problem(file, offset, message));
    }

    CheckReport report(Path dir) {
        return new CheckReport(dir, List.copyOf(problems), List.copyOf(notes), tables, dataBlocks, tableEntries,
                walSegments, walRecords);
    }

    /** The exception's description without the code prefix and the file-and-offset suffix it repeats. */
    static String what(CorruptionException e) {
        String m = e.getMessage();
        String prefix = ErrorCode.CORRUPTION.id() + ": ";
        if (m.startsWith(prefix)) {
            m = m.substring(prefix.length());
        }
        String suffix = " in " + e.file() + " at offset " + e.offset();
        return m.endsWith(suffix) ? m.substring(0, m.length() - suffix.length()) : m;
    }
}
