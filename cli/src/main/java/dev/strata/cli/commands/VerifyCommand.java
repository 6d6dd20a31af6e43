package dev.strata.cli.commands;

import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.format.Json;
import dev.strata.engine.check.CheckReport;
import dev.strata.engine.check.DatabaseChecker;
import dev.strata.engine.check.Problem;
import dev.strata.engine.vfs.LocalStorage;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code strata verify}: reads every file of the database ({@link DatabaseChecker}: the manifest,
 * every block of every table, every WAL record) and lists every damage with its file and offset,
 * and the column family of a damaged table when the manifest names it.
 * Exit code 4 when there is damage. Never opens the database, so it runs beside a writer.
 */
@Command(name = "verify", description = "Read every file and check every checksum; list each damage with its "
        + "file and offset (exit code 4 if any).")
public final class VerifyCommand extends DbCommand {

    @Override
    public Integer call() {
        Path dir = session().access().existingDatabase(root());
        CheckReport r;
        try (Progress p = new Progress(session())) {
            r = DatabaseChecker.check(dir, LocalStorage.INSTANCE,
                    (file, index, total) -> p.update("verifying " + (index + 1) + "/" + total + ": " + dir.relativize(file)));
        }
        if (json()) {
            print(Json.obj().put("ok", r.ok()).put("problems", json(dir, r.problems())).put("notes", json(dir, r.notes()))
                    .put("tables", r.tables()).put("dataBlocks", r.dataBlocks()).put("tableEntries", r.tableEntries())
                    .put("walSegments", r.walSegments()).put("walRecords", r.walRecords()));
        } else {
            for (Problem pr : r.problems()) {
                out().println("DAMAGE  " + describe(dir, pr));
            }
            for (Problem n : r.notes()) {
                out().println("note    " + describe(dir, n));
            }
            out().println("checked " + plural(r.tables(), "table") + " (" + plural(r.dataBlocks(), "data block") + ", "
                    + plural(r.tableEntries(), "entry") + ") and " + plural(r.walSegments(), "WAL segment") + " ("
                    + plural(r.walRecords(), "record") + ")");
            out().println(r.ok() ? "OK: no damage found" : "FAILED: " + plural(r.problems().size(), "problem"));
            out().flush();
        }
        if (!r.ok()) {
            session().err().println("strata: verify found " + plural(r.problems().size(), "problem") + " in " + dir);
            session().err().flush();
            return ExitCode.CORRUPTION;
        }
        return ExitCode.OK;
    }

    /** "1 table", "2 tables"; "1 entry", "3 entries"; "2 keys"; "2 column families". */
    public static String plural(long n, String noun) {
        boolean consonantY = noun.length() > 1 && noun.endsWith("y") && "aeiou".indexOf(noun.charAt(noun.length() - 2)) < 0;
        String many = consonantY ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s";
        return n + " " + (n == 1 ? noun : many);
    }

    /** {@code <file> [at offset N] [(column family 'F')]: <what>}, the file relative to the database. */
    static String describe(Path dir, Problem p) {
        return dir.relativize(p.file()) + (p.offset() == Problem.WHOLE_FILE ? "" : " at offset " + p.offset())
                + (p.columnFamily() == null ? "" : " (column family '" + p.columnFamily() + "')") + ": " + p.message();
    }

    static List<Json.Obj> json(Path dir, List<Problem> problems) {
        List<Json.Obj> out = new ArrayList<>();
        for (Problem p : problems) {
            out.add(Json.obj().put("file", dir.relativize(p.file()).toString())
                    .put("offset", p.offset() == Problem.WHOLE_FILE ? null : p.offset())
                    .put("columnFamily", p.columnFamily()).put("message", p.message()));
        }
        return out;
    }
}
