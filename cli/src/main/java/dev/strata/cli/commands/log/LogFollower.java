package dev.strata.cli.commands.log;

import dev.strata.cli.CliException;
import dev.strata.cli.ExitCode;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.check.DatabaseLayout;
import dev.strata.engine.log.LogEntry;
import dev.strata.engine.log.TransactionLogParser;
import dev.strata.engine.log.TransactionLogParser.ParsedEntry;
import dev.strata.engine.log.TransactionLogParser.ParsedRecord;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.wal.SegmentHeader;
import dev.strata.engine.wal.SegmentReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * New entries of one log as they reach the WAL, for {@code log tail --follow}: each poll reads
 * the segments from the one that held the last record seen ({@link TransactionLogParser}, which
 * checks every checksum and reads beside a running writer, treating the newest segment's torn
 * tail as a write in progress) and returns the entries of records after the last seqno seen.
 *
 * <p>It reads files, not an open database, so it follows a log that another process writes. It
 * shows a record once it is whole in the WAL, which in ASYNC durability can be before it is
 * forced. Each poll re-reads the newest segment from its start (at most {@code walSegmentSize},
 * 16 MiB by default). Not thread-safe.
 */
final class LogFollower {
    private final Path db;
    private final String name;
    private long lastSeqno;
    private long segment;

    /** Follows log {@code name} of the database in {@code db} after seqno {@code lastSeqno}. */
    LogFollower(Path db, String name, long lastSeqno) {
        this.db = db;
        this.name = name;
        this.lastSeqno = lastSeqno;
    }

    /** The entries committed after the last poll, oldest first. Exit code 4 on damage. */
    List<LogEntry> poll() {
        List<Long> numbers;
        try {
            numbers = DatabaseLayout.listSegments(LocalStorage.INSTANCE, db, null);
        } catch (IOException e) {
            throw new CliException(ExitCode.INTERNAL, "cannot list the WAL of " + db + ": " + e.getMessage());
        }
        if (segment == 0) {
            segment = firstSegmentAfter(numbers);
        }
        List<LogEntry> out = new ArrayList<>();
        for (int i = 0; i < numbers.size(); i++) {
            if (numbers.get(i) < segment) {
                continue;
            }
            boolean newest = i == numbers.size() - 1;
            TransactionLogParser.Parsed p;
            try {
                p = TransactionLogParser.parse(LocalStorage.INSTANCE, DatabaseLayout.segmentPath(db, numbers.get(i)), newest);
            } catch (StrataIOException gone) {
                continue; // retention deleted it after the listing: its records were seen or are below the start
            }
            for (ParsedRecord r : p.records()) {
                if (r.seqno() > lastSeqno) {
                    add(r, out);
                    lastSeqno = r.seqno();
                    segment = numbers.get(i);
                }
            }
            if (p.damage() != null && !(newest && p.damage().message().startsWith("torn tail"))) {
                throw new CliException(ExitCode.CORRUPTION, "the WAL is damaged at " + db.relativize(p.path()) + " offset "
                        + p.damage().offset() + ": " + p.damage().message());
            }
        }
        return out;
    }

    /** The newest segment that starts at or before the seqno after the last one seen: where new records begin. */
    private long firstSegmentAfter(List<Long> numbers) {
        long first = numbers.isEmpty() ? 0 : numbers.get(0);
        for (long n : numbers) {
            try {
                SegmentHeader h = SegmentReader.readHeader(LocalStorage.INSTANCE, DatabaseLayout.segmentPath(db, n));
                if (h != null && h.firstSeqno() <= lastSeqno + 1) {
                    first = n;
                }
            } catch (IOException gone) {
                // Deleted by retention meanwhile: it held older records.
            }
        }
        return first;
    }

    private void add(ParsedRecord r, List<LogEntry> out) {
        List<ParsedEntry> mine = new ArrayList<>();
        for (ParsedEntry e : r.entries()) {
            if (e.log().equals(name)) {
                mine.add(e);
            }
        }
        for (int i = 0; i < mine.size(); i++) {
            out.add(new LogEntry(r.timestamp(), r.seqno(), mine.get(i).data(), i == mine.size() - 1));
        }
    }
}
