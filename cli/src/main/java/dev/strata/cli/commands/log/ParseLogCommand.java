package dev.strata.cli.commands.log;

import dev.strata.cli.CliException;
import dev.strata.cli.ExitCode;
import dev.strata.cli.commands.DbCommand;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.TextTable;
import dev.strata.cli.format.Times;
import dev.strata.engine.log.TransactionLogParser;
import dev.strata.engine.log.TransactionLogParser.ParsedEntry;
import dev.strata.engine.log.TransactionLogParser.ParsedRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.strata.cli.commands.VerifyCommand.plural;

/**
 * {@code strata log parse FILE}: one WAL segment as {@link TransactionLogParser} reads it,
 * rocksdb-js's {@code parseTransactionLog}: the header, then every record with its offset,
 * seqno, time, size, data operations and log entries, every checksum checked. Reading stops at
 * damage, which is shown with its offset (exit code 4); a torn tail, which the newest segment
 * has while it is written or after a crash, is a note. Reads the file alone: no {@code --db}.
 */
@Command(name = "parse", description = "Print every record of one WAL segment file: offset, seqno, time, size, "
        + "operations and log entries (exit code 4 if it is damaged).")
public final class ParseLogCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "A WAL segment (<db>/wal/NNNN.wal).")
    Path file;

    @Option(names = "--data", description = "Also print each entry's data (in the --format encoding).")
    boolean data;

    @Override
    public Integer call() {
        Path path = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new CliException(ExitCode.NOT_FOUND, "no such file: " + path);
        }
        TransactionLogParser.Parsed p = TransactionLogParser.parse(path);
        boolean torn = p.damage() != null && p.damage().message().startsWith("torn tail");
        if (json()) {
            printJson(p);
        } else {
            printText(p, torn);
        }
        if (p.damage() != null && !torn) {
            session().err().println("strata: " + path.getFileName() + " is damaged at offset " + p.damage().offset());
            session().err().flush();
            return ExitCode.CORRUPTION;
        }
        return ExitCode.OK;
    }

    private void printText(TransactionLogParser.Parsed p, boolean torn) {
        out().println("segment " + p.segmentNumber() + ", format " + p.version() + ", first seqno " + p.firstSeqno() + ", "
                + p.size() + " bytes, " + (p.logOnly() ? "log only" : "data and log entries"));
        TextTable t = new TextTable(out(), "OFFSET", "SEQNO", "TIME", "BYTES", "OPS", "LOG ENTRIES");
        for (ParsedRecord r : p.records()) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (ParsedEntry e : r.entries()) {
                counts.merge(e.log(), 1, Integer::sum);
            }
            List<String> logs = new ArrayList<>();
            counts.forEach((log, n) -> logs.add(log + " x" + n));
            t.row(String.valueOf(r.offset()), String.valueOf(r.seqno()), Times.show(r.timestamp()), String.valueOf(r.length()),
                    String.valueOf(r.opCount()), logs.isEmpty() ? "-" : String.join(", ", logs));
            if (data) {
                for (ParsedEntry e : r.entries()) {
                    t.row("", "", "", "", "", e.log() + ": " + root().format().show(e.data()));
                }
            }
        }
        t.finish();
        out().println("(" + plural(p.records().size(), "record") + ")");
        if (p.damage() != null) {
            out().println((torn ? "note    " : "DAMAGE  ") + "at offset " + p.damage().offset() + ": " + p.damage().message());
        }
        out().flush();
    }

    private void printJson(TransactionLogParser.Parsed p) {
        List<Json.Obj> records = new ArrayList<>();
        for (ParsedRecord r : p.records()) {
            List<Json.Obj> entries = new ArrayList<>();
            for (ParsedEntry e : r.entries()) {
                entries.add(Json.obj().put("log", e.log()).put("bytes", e.dataLength()).putBytes("data", e.data()));
            }
            records.add(Json.obj().put("offset", r.offset()).put("seqno", r.seqno()).put("timestamp", r.timestamp())
                    .put("time", Times.show(r.timestamp())).put("bytes", r.length()).put("ops", r.opCount())
                    .put("entries", entries));
        }
        print(Json.obj().put("file", p.path().getFileName().toString()).put("bytes", p.size()).put("format", p.version())
                .put("segment", p.segmentNumber()).put("firstSeqno", p.firstSeqno()).put("logOnly", p.logOnly())
                .put("records", records).put("damage", p.damage() == null ? null
                        : Json.obj().put("offset", p.damage().offset()).put("message", p.damage().message())));
    }
}
