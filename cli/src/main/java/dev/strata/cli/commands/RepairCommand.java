package dev.strata.cli.commands;

import dev.strata.cli.Confirmation;
import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.Progress;
import dev.strata.cli.format.Json;
import dev.strata.engine.DatabaseLockedException;
import dev.strata.engine.check.Problem;
import dev.strata.engine.repair.DatabaseRepair;
import dev.strata.engine.repair.RepairPlan;
import dev.strata.engine.repair.RepairResult;
import dev.strata.engine.vfs.LocalStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.strata.cli.commands.VerifyCommand.plural;

/**
 * {@code strata repair [--yes]}: salvages a damaged database ({@link DatabaseRepair}). First it
 * reads every file and prints what is damaged and what the database would lose (file, offset,
 * column family, consequence); then, on a terminal, it asks (without one it needs
 * {@code --yes}); then it moves what it cannot keep into {@code <db>/lost/<n>/} (never deleting
 * anything), writes a manifest naming what it kept, opens and flushes the database, and runs the
 * checker on the result. {@code --dry-run} stops after the first step. Exit codes: 0 repaired (or
 * nothing to repair), 1 not confirmed, 4 if the repaired database still fails verification (or,
 * with {@code --dry-run}, if anything is damaged), 5 if the database is open elsewhere.
 */
@Command(name = "repair", description = "Salvage a damaged database: keep every sound table and the WAL up to its "
        + "first damage, move the rest into <db>/lost/<n>/, report what was lost (asks first; --yes when not on a "
        + "terminal).")
public final class RepairCommand extends DbCommand {
    @Option(names = {"-y", "--yes"}, description = "Repair without asking (required when not on a terminal).")
    boolean yes;

    @Option(names = "--dry-run", description = "Only print what is damaged and what the repair would do; change "
            + "nothing (exit code 4 if anything is damaged).")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
        Path dir = session().access().closed(root(), "repair");
        RepairPlan plan;
        try (Progress p = new Progress(session())) {
            plan = DatabaseRepair.plan(dir, LocalStorage.INSTANCE, (file, index, total) ->
                    p.update("reading " + (index + 1) + "/" + total + ": " + dir.relativize(file)));
        } catch (DatabaseLockedException e) {
            throw DatabaseAccess.locked(dir, "repair");
        }
        try (plan) {
            if (!plan.needed()) {
                if (json()) {
                    print(planJson(plan).put("repaired", false));
                } else {
                    printNotes(plan);
                    out().println("nothing to repair: no damage found in " + dir);
                    out().flush();
                }
                return ExitCode.OK;
            }
            if (dryRun) {
                if (json()) {
                    print(planJson(plan).put("repaired", false));
                } else {
                    printPlan(plan);
                }
                return ExitCode.CORRUPTION;
            }
            if (!json()) {
                printPlan(plan);
            }
            Confirmation.require(session(), yes, "repair", "Repair " + dir + "? What goes to "
                    + dir.relativize(plan.lostDirectory()) + "/ is no longer part of the database.");
            RepairResult r = plan.execute();
            if (json()) {
                print(planJson(plan).put("repaired", true).put("latestSeqno", r.latestSeqno())
                        .put("emptyCommitSeqno", r.emptyCommitSeqno() < 0 ? null : r.emptyCommitSeqno())
                        .put("tables", r.tables()).put("verify", Json.obj().put("ok", r.check().ok())
                                .put("problems", VerifyCommand.json(dir, r.check().problems()))));
            } else {
                printResult(plan, r);
            }
            if (!r.check().ok()) {
                session().err().println("strata: the repaired database still fails verification: "
                        + plural(r.check().problems().size(), "problem"));
                session().err().flush();
                return ExitCode.CORRUPTION;
            }
            return ExitCode.OK;
        }
    }

    private void printPlan(RepairPlan plan) {
        Path dir = plan.directory();
        for (RepairPlan.Finding f : plan.findings()) {
            out().println("DAMAGE  " + dir.relativize(f.file()) + (f.offset() < 0 ? "" : " at offset " + f.offset())
                    + (f.columnFamily() == null ? "" : " (column family '" + f.columnFamily() + "')") + ": " + f.damage());
            out().println("        " + f.consequence());
        }
        printNotes(plan);
        long losses = plan.findings().stream().filter(RepairPlan.Finding::losesData).count();
        out().println("plan: keep " + plural(plan.keptTables(), "table") + " and the WAL up to seqno " + plan.walReplaysTo()
                + (plan.moves().isEmpty() ? "" : "; move " + plural(plan.moves().size(), "file") + " into "
                + dir.relativize(plan.lostDirectory()) + "/ (nothing is deleted)")
                + (losses == 0 ? "; nothing is lost" : "; " + plural(losses, "damage") + " lose" + (losses == 1 ? "s" : "")
                + " data"));
        out().flush();
    }

    private void printNotes(RepairPlan plan) {
        for (String n : plan.notes()) {
            out().println("note    " + n);
        }
    }

    private void printResult(RepairPlan plan, RepairResult r) {
        Path dir = plan.directory();
        for (RepairPlan.Move m : plan.moves()) {
            String from = dir.relativize(m.from()).toString();
            String to = dir.relativize(m.to()).toString();
            out().println(switch (m.kind()) {
                case MOVE -> "moved   " + from + " -> " + to;
                case CUT -> "cut     " + from + " to " + m.keepBytes() + " bytes (whole copy: " + to + ")";
                case REWRITE -> "copied  " + from + " -> " + to + " (then rewritten)";
            });
        }
        if (r.emptyCommitSeqno() >= 0) {
            out().println("committed an empty record, seqno " + r.emptyCommitSeqno());
        }
        for (Problem p : r.check().problems()) {
            out().println("DAMAGE  " + VerifyCommand.describe(dir, p));
        }
        out().println((r.check().ok() ? "OK, repaired: " : "FAILED: repaired, but verify finds "
                + plural(r.check().problems().size(), "problem") + "; ") + "latest seqno " + r.latestSeqno() + ", "
                + plural(r.tables(), "table") + (r.check().ok() ? "; verify finds no damage" : ""));
        out().flush();
    }

    private static Json.Obj planJson(RepairPlan plan) {
        Path dir = plan.directory();
        List<Json.Obj> findings = new ArrayList<>();
        for (RepairPlan.Finding f : plan.findings()) {
            findings.add(Json.obj().put("file", dir.relativize(f.file()).toString()).put("offset", f.offset() < 0 ? null : f.offset())
                    .put("columnFamily", f.columnFamily()).put("damage", f.damage()).put("consequence", f.consequence())
                    .put("losesData", f.losesData()));
        }
        List<Json.Obj> moves = new ArrayList<>();
        for (RepairPlan.Move m : plan.moves()) {
            moves.add(Json.obj().put("from", dir.relativize(m.from()).toString()).put("to", dir.relativize(m.to()).toString())
                    .put("kind", m.kind().name().toLowerCase()).put("keepBytes", m.keepBytes() < 0 ? null : m.keepBytes()));
        }
        return Json.obj().put("manifest", plan.manifestStatus().name().toLowerCase()).put("findings", findings)
                .put("notes", plan.notes()).put("moves", moves).put("lostDirectory", dir.relativize(plan.lostDirectory()).toString())
                .put("keptTables", plan.keptTables()).put("walReplaysTo", plan.walReplaysTo());
    }
}
