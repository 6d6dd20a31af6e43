package dev.strata.engine.repair;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.ErrorCode;
import dev.strata.engine.check.DatabaseLayout;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.SegmentHeader;
import dev.strata.engine.wal.SegmentReader;
import dev.strata.engine.wal.WalFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds how much of a database's WAL recovery can replay: the segments in order, each record's
 * checksum and structure, seqnos continuing from the manifest's smallest flushed seqno and from
 * segment to segment, the rules of {@code WalRecovery}. The WAL is kept up to the first damage
 * that hides a commit the tables do not hold (the cut); the rest is moved aside by the repair,
 * since replaying commits after a hole would make a state that never existed.
 *
 * <p>Damage that hides only commits the tables already hold does not cut the WAL: a damaged
 * segment followed by one that starts at or before the smallest flushed seqno + 1 holds nothing
 * recovery needs, so it is moved aside and the WAL goes on. Read-only; {@link DatabaseRepair}
 * calls it with the repaired manifest's flushed seqno.
 */
final class WalSalvage {

    /** Where the kept WAL ends: {@code segment} is cut at {@code keepBytes} (0: the whole segment goes). */
    record Cut(Path segment, long keepBytes, long damageOffset, String damage, long firstLostSeqno) {
    }

    /** A damaged segment whose commits are all in tables: moved aside, nothing lost. */
    record Unneeded(Path segment, long damageOffset, String damage) {
    }

    /**
     * What the WAL holds for recovery.
     *
     * @param segments       every segment, in order
     * @param cut            the first damage that hides needed commits, or null when the WAL
     *                       reads to its end
     * @param after          segments after the cut (moved aside whole)
     * @param unneeded       damaged segments recovery does not need
     * @param lastReplayed   the last seqno the kept WAL replays (the flushed seqno if none)
     * @param lastSeen       the highest seqno read anywhere after the cut, or -1
     * @param tornTail       the newest segment's torn tail (a crash while writing; recovery
     *                       drops it), or null
     * @param tornTailOffset where that tail starts
     * @param familyIds      every column-family id the replayed commits write to that no replayed
     *                       commit creates first
     * @param maxFamilyId    the largest column-family id any replayed commit names, or -1
     */
    record Result(List<Path> segments, Cut cut, List<Path> after, List<Unneeded> unneeded, long lastReplayed,
                  long lastSeen, Path tornTail, long tornTailOffset, Set<Integer> familyIds, int maxFamilyId) {
    }

    private final Storage storage;
    private final long flushedSeqno;
    private final Set<Integer> written = new TreeSet<>();
    private final Set<Integer> created = new HashSet<>();
    private int maxFamilyId = -1;

    private WalSalvage(Storage storage, long flushedSeqno) {
        this.storage = storage;
        this.flushedSeqno = flushedSeqno;
    }

    /** Reads the WAL of {@code dir}; {@code flushedSeqno} is the smallest flushed seqno of the repaired manifest. */
    static Result read(Storage storage, Path dir, long flushedSeqno) throws IOException {
        return new WalSalvage(storage, flushedSeqno).run(dir);
    }

    private Result run(Path dir) throws IOException {
        List<Long> numbers = DatabaseLayout.listSegments(storage, dir, null);
        List<Path> segments = new ArrayList<>();
        for (long n : numbers) {
            segments.add(DatabaseLayout.segmentPath(dir, n));
        }
        List<Unneeded> unneeded = new ArrayList<>();
        long expected = flushedSeqno + 1;
        boolean replayed = false;
        Path tornTail = null;
        long tornTailOffset = -1;
        for (int i = 0; i < segments.size(); i++) {
            boolean newest = i == segments.size() - 1;
            Scan s = new Scan(segments.get(i), numbers.get(i), newest, expected, replayed);
            s.run();
            if (s.damage == null) {
                expected = s.expected;
                replayed = s.replayed;
                if (s.tornTailOffset >= 0) {
                    tornTail = segments.get(i);
                    tornTailOffset = s.tornTailOffset;
                }
                continue;
            }
            if (!s.replayed && !newest && startsByFlushed(segments.get(i + 1), numbers.get(i + 1))) {
                unneeded.add(new Unneeded(segments.get(i), s.damageOffset, s.damage));
                continue;
            }
            Cut cut = new Cut(segments.get(i), s.keptRecords > 0 ? s.keepBytes : 0, s.damageOffset, s.damage, s.expected);
            List<Path> after = List.copyOf(segments.subList(i + 1, segments.size()));
            long lastSeen = lastSeen(after, s.expected - 1);
            return new Result(segments, cut, after, unneeded, s.expected - 1, lastSeen, null, -1, Set.copyOf(written),
                    maxFamilyId);
        }
        return new Result(segments, null, List.of(), unneeded, expected - 1, -1, tornTail, tornTailOffset,
                Set.copyOf(written), maxFamilyId);
    }

    /** Whether the segment's header is readable and starts at or before the flushed seqno + 1. */
    private boolean startsByFlushed(Path segment, long number) throws IOException {
        try (SegmentReader r = SegmentReader.open(storage, segment, false)) {
            SegmentHeader h = r.header();
            return h != null && h.segmentNumber() == number && h.firstSeqno() <= flushedSeqno + 1;
        } catch (CorruptionException e) {
            return false;
        }
    }

    /** The highest seqno readable in {@code segments} (read as far as each goes), at least {@code from}. */
    private long lastSeen(List<Path> segments, long from) throws IOException {
        long last = from;
        for (int i = 0; i < segments.size(); i++) {
            try (SegmentReader r = SegmentReader.open(storage, segments.get(i), i == segments.size() - 1)) {
                if (r.header() == null) {
                    continue;
                }
                last = Math.max(last, r.header().firstSeqno() - 1);
                while (r.next()) {
                    last = Math.max(last, r.expectedSeqno() - 1);
                }
            } catch (CorruptionException e) {
                // Read as far as it goes; the rest of this segment is unknown.
            }
        }
        return last;
    }

    /** One segment, read until its end or its first damage. */
    private final class Scan {
        final Path path;
        final long number;
        final boolean newest;
        long expected;
        boolean replayed;
        long keptRecords;
        long keepBytes = WalFormat.HEADER_SIZE;
        long tornTailOffset = -1;
        String damage;
        long damageOffset;

        Scan(Path path, long number, boolean newest, long expected, boolean replayed) {
            this.path = path;
            this.number = number;
            this.newest = newest;
            this.expected = expected;
            this.replayed = replayed;
        }

        void run() throws IOException {
            try (SegmentReader r = SegmentReader.open(storage, path, newest)) {
                SegmentHeader h = r.header();
                if (h == null) {
                    return; // torn while being created: holds no record, and the open removes it
                }
                if (h.segmentNumber() != number) {
                    damage(16, "header names segment " + h.segmentNumber() + " but the file is segment " + number);
                    return;
                }
                if (h.firstSeqno() > expected || (replayed && h.firstSeqno() != expected)) {
                    damage(24, "segment starts at seqno " + h.firstSeqno() + " but the previous data ends at "
                            + (expected - 1) + ": records are missing");
                    return;
                }
                while (r.next()) {
                    long seqno = r.expectedSeqno() - 1;
                    if (!decode(r, seqno >= expected)) {
                        return;
                    }
                    keptRecords++;
                    keepBytes = r.recordOffset() + WalFormat.FRAME_HEADER_SIZE + r.payloadLength();
                    if (seqno >= expected) {
                        expected = seqno + 1;
                        replayed = true;
                    }
                }
                if (r.hasGarbageTail()) {
                    tornTailOffset = r.tornTailOffset();
                }
            } catch (CorruptionException e) {
                damage(e.offset(), what(e));
            }
        }

        /** Decodes the current record; on a malformed one records the damage and returns false. */
        private boolean decode(SegmentReader r, boolean replays) {
            try {
                CommitRecord.decode(r.buffer(), r.payloadOffset(), r.payloadLength(), replays ? new Families() : null, null);
                return true;
            } catch (ByteReader.Malformed m) {
                damage(r.recordOffset() + WalFormat.FRAME_HEADER_SIZE + (m.offset - r.payloadOffset()),
                        "malformed commit record: " + m.getMessage());
                return false;
            }
        }

        private void damage(long offset, String what) {
            damage = what;
            damageOffset = offset;
        }
    }

    /** Notes the column families the replayed commits write to and create. */
    private final class Families implements CommitRecord.OpVisitor {
        private void uses(int cf) {
            maxFamilyId = Math.max(maxFamilyId, cf);
            if (!created.contains(cf)) {
                written.add(cf);
            }
        }

        @Override
        public void put(int cf, byte[] buf, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) {
            uses(cf);
        }

        @Override
        public void delete(int cf, byte[] buf, int keyOff, int keyLen) {
            uses(cf);
        }

        @Override
        public void deleteRange(int cf, byte[] buf, int startOff, int startLen, int endOff, int endLen) {
            uses(cf);
        }

        @Override
        public void createColumnFamily(int cf, String name) {
            maxFamilyId = Math.max(maxFamilyId, cf);
            created.add(cf);
        }

        @Override
        public void dropColumnFamily(int cf) {
            maxFamilyId = Math.max(maxFamilyId, cf); // recovery skips the drop of a family it does not know
        }
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
