package dev.strata.engine.check;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.SegmentHeader;
import dev.strata.engine.wal.SegmentReader;
import dev.strata.engine.wal.WalFormat;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The WAL half of {@link DatabaseChecker}: reads every segment with {@link SegmentReader}
 * (header checksum, every frame's CRC32C, seqno order inside the segment), decodes every commit
 * record, and checks what {@code WalRecovery} requires across segments: each continues where the
 * previous one ended, and the first continues from the manifest's flushed seqno. Unlike recovery
 * it does not stop at the first damage: after a damaged segment it takes the next segment's
 * header as the new starting point, so every damaged segment is reported.
 */
final class WalChecker {
    private final Storage storage;
    private final Findings out;
    private final Runnable onVanished;

    /** {@code onVanished} is run when a segment disappears while being read (the writer deleted it). */
    WalChecker(Storage storage, Findings out, Runnable onVanished) {
        this.storage = storage;
        this.out = out;
        this.onVanished = onVanished;
    }

    /**
     * Checks the segments {@code numbers} (ascending) of {@code walDir}. {@code flushedSeqno} is
     * the manifest's, or -1 when the manifest could not be read (continuity is then judged from
     * the first segment's header on).
     */
    void check(Path walDir, List<Long> numbers, long flushedSeqno) {
        Position at = new Position(flushedSeqno >= 0 ? flushedSeqno + 1 : -1, false);
        for (int i = 0; i < numbers.size(); i++) {
            long number = numbers.get(i);
            Path path = walDir.resolve(WalFormat.fileName(number));
            out.reading(path);
            boolean newest = i == numbers.size() - 1;
            Outcome o = checkSegment(path, number, newest, at);
            // A writer may be appending to the newest segment while we read it, and a read that
            // races an append can see a later frame before an earlier one: damage there is
            // reported only if a second read finds exactly the same.
            boolean stable = true;
            for (int retry = 0; newest && !o.problems.isEmpty() && retry < RETRIES; retry++) {
                pauseForWriter(retry);
                Outcome again = checkSegment(path, number, true, at);
                stable = again.problems.equals(o.problems);
                o = again;
                if (stable) {
                    break;
                }
            }
            if (!stable) {
                // Every read found something else: a writer is appending to this tail faster than
                // it can be read whole. Damage would read the same each time; this is not damage.
                for (Problem p : o.problems) {
                    o.notes.add(new Problem(p.file(), p.offset(), "the newest segment changed between reads (a writer is "
                            + "appending to it); not judged: " + p.message()));
                }
                o.problems.clear();
            }
            o.addTo(out);
            at = o.next;
        }
    }

    private static final int RETRIES = 5;

    /**
     * Gives a writer descheduled in the middle of an append (a loaded machine) time to finish it
     * before the segment is read again: 10, 20, 40, 80, 160 ms.
     */
    private static void pauseForWriter(int retry) {
        try {
            Thread.sleep(10L << retry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where the log stands before a segment: the seqno it must continue at (-1: take the header's). */
    private record Position(long expected, boolean continued) {
    }

    /** What one read of one segment found. */
    private static final class Outcome {
        final List<Problem> problems = new ArrayList<>();
        final List<Problem> notes = new ArrayList<>();
        boolean counted;
        long records;
        Position next;

        void addTo(Findings out) {
            out.problems.addAll(problems);
            out.notes.addAll(notes);
            out.walSegments += counted ? 1 : 0;
            out.walRecords += records;
        }
    }

    private Outcome checkSegment(Path path, long number, boolean newest, Position at) {
        Outcome o = new Outcome();
        long expected = at.expected();
        boolean continued = at.continued(); // a record after the flushed seqno was read: the next must join exactly
        try (SegmentReader r = SegmentReader.open(storage, path, newest)) {
            SegmentHeader h = r.header();
            if (h == null) {
                o.notes.add(new Problem(path, 0, "segment was torn while being created and holds no records "
                        + "(the next writable open deletes it)"));
                o.next = at;
                return o;
            }
            o.counted = true;
            if (h.segmentNumber() != number) {
                o.problems.add(new Problem(path, 16, "header names segment " + h.segmentNumber()
                        + " but the file is segment " + number));
            }
            if (expected < 0) {
                expected = h.firstSeqno();
            } else if (h.firstSeqno() > expected || (continued && h.firstSeqno() != expected)) {
                o.problems.add(new Problem(path, 24, "segment starts at seqno " + h.firstSeqno()
                        + " but the previous data ends at " + (expected - 1) + ": records are missing"));
                expected = h.firstSeqno();
            }
            try {
                while (r.next()) {
                    decode(r, path, o);
                    long seqno = r.expectedSeqno() - 1;
                    if (seqno >= expected) {
                        expected = seqno + 1;
                        continued = true;
                    }
                }
                if (r.hasGarbageTail()) {
                    o.notes.add(new Problem(path, r.tornTailOffset(), "torn tail after the last whole record (a crash "
                            + "while writing); recovery ends the log at seqno " + (r.expectedSeqno() - 1)));
                }
            } catch (CorruptionException e) {
                o.problems.add(new Problem(e.file(), e.offset(), Findings.what(e)));
                expected = -1; // where the damaged segment ended is unknown: resume at the next header
                continued = false;
            }
        } catch (CorruptionException e) {
            o.problems.add(new Problem(e.file(), e.offset(), Findings.what(e)));
            expected = -1;
            continued = false;
        } catch (NoSuchFileException e) {
            onVanished.run();
            throw new StrataIOException("WAL segment " + path + " disappeared while it was being checked", e);
        } catch (IOException e) {
            throw new StrataIOException("reading WAL segment " + path, e);
        }
        o.next = new Position(expected, continued);
        return o;
    }

    private static void decode(SegmentReader r, Path path, Outcome o) {
        try {
            CommitRecord.decode(r.buffer(), r.payloadOffset(), r.payloadLength(), null, null);
            o.records++;
        } catch (ByteReader.Malformed m) {
            o.problems.add(new Problem(path, r.recordOffset() + WalFormat.FRAME_HEADER_SIZE + (m.offset - r.payloadOffset()),
                    "malformed commit record: " + m.getMessage()));
        }
    }
}
