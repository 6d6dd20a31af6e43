package dev.strata.engine.wal;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays the WAL at open: every segment in number order, every record in seqno order, each
 * handed to a {@link RecordSink}. Enforces the recovery rules of {@link WalFormat} and
 * {@link SegmentReader}: seqnos continuous within and across segments, damage in a sealed
 * segment is corruption, a torn tail is allowed only at the end of the newest segment.
 *
 * <p>When opened for writing, a torn tail is cut off (truncate, force) before the caller starts
 * a new segment, so new records never land after garbage and the old newest segment becomes a
 * clean sealed one.
 */
public final class WalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);

    /** Receives each recovered record's payload. */
    @FunctionalInterface
    public interface RecordSink {
        void record(byte[] buf, int off, int len, long seqno, long timestamp) throws ByteReader.Malformed;
    }

    /** What recovery found. */
    public record Result(long lastSeqno, long lastTimestamp, long nextSegmentNumber, long recordCount,
                         long tornBytesDropped, List<Path> removableSegments, java.util.SortedMap<Long, Long> segments) {
    }

    private WalRecovery() {
    }

    /**
     * Replays the segments in {@code walDir}.
     *
     * @param persistedSeqno the seqno up to which data is already in durable storage other than
     *                       the WAL (0 while there are no SSTables); the WAL must continue from it
     * @param writable       cut off a torn tail, as an open for writing must
     */
    public static Result replay(Storage storage, Path walDir, long persistedSeqno, boolean writable,
                                RecordSink sink) throws IOException {
        List<Long> numbers = new ArrayList<>();
        for (String name : storage.list(walDir)) {
            long n = WalFormat.parseFileName(name);
            if (n >= 0) {
                numbers.add(n);
            }
        }
        numbers.sort(null);
        // Segments kept only for the transaction log or for followers (all their records are in
        // tables) are not read: their headers say so. A segment can be skipped when it is
        // log-only, or when the next one is whole and starts at or before the first seqno to replay.
        SegmentHeader[] headers = new SegmentHeader[numbers.size()];
        for (int i = 0; i < numbers.size(); i++) {
            headers[i] = SegmentReader.readHeader(storage, walDir.resolve(WalFormat.fileName(numbers.get(i))));
        }
        long expected = persistedSeqno + 1;
        long lastTs = 0;
        long count = 0;
        long dropped = 0;
        List<Path> removable = new ArrayList<>();
        java.util.SortedMap<Long, Long> kept = new java.util.TreeMap<>();
        for (int i = 0; i < numbers.size(); i++) {
            Path path = walDir.resolve(WalFormat.fileName(numbers.get(i)));
            boolean newest = i == numbers.size() - 1;
            SegmentHeader hi = headers[i];
            if (!newest && hi != null && hi.segmentNumber() == numbers.get(i) && expected == persistedSeqno + 1
                    && ((hi.flags() & WalFormat.FLAG_LOG_ONLY) != 0
                    || (headers[i + 1] != null && (headers[i + 1].flags() & WalFormat.FLAG_LOG_ONLY) == 0
                    && headers[i + 1].firstSeqno() <= expected))) {
                kept.put(numbers.get(i), hi.firstSeqno());
                continue;
            }
            try (SegmentReader r = SegmentReader.open(storage, path, newest)) {
                SegmentHeader h = r.header();
                if (h == null) {
                    LOG.warn("WAL segment {} was torn while being created; it holds no records", path);
                    removable.add(path);
                    dropped += storage.size(path);
                    continue;
                }
                if (h.segmentNumber() != numbers.get(i)) {
                    throw new CorruptionException(path, 16, "header names segment " + h.segmentNumber());
                }
                // A segment continues exactly where the last one ended; only before the first
                // replayed record may an older segment (kept for the log) start earlier.
                boolean replayedAny = expected > persistedSeqno + 1;
                if (h.firstSeqno() > expected || (replayedAny && h.firstSeqno() != expected)) {
                    throw new CorruptionException(path, 24, "segment starts at seqno " + h.firstSeqno()
                            + " but the previous data ends at " + (expected - 1) + ": records are missing");
                }
                long segmentRecords = 0;
                while (r.next()) {
                    segmentRecords++;
                    long seqno = r.expectedSeqno() - 1;
                    if (seqno < expected) {
                        continue; // already in durable storage (a segment kept for the log)
                    }
                    byte[] b = r.buffer();
                    long ts = CommitRecord.timestamp(b, r.payloadOffset());
                    try {
                        sink.record(b, r.payloadOffset(), r.payloadLength(), seqno, ts);
                    } catch (ByteReader.Malformed m) {
                        throw new CorruptionException(path, r.recordOffset() + WalFormat.FRAME_HEADER_SIZE
                                + (m.offset - r.payloadOffset()), "malformed commit record: " + m.getMessage());
                    }
                    expected = seqno + 1;
                    lastTs = Math.max(lastTs, ts);
                    count++;
                }
                if (r.tornTailOffset() >= 0 && newest) {
                    long size = storage.size(path);
                    if (r.hasGarbageTail()) {
                        LOG.warn("WAL segment {} has a torn tail at offset {} ({} bytes after the last whole record); "
                                + "recovering to seqno {}", path, r.tornTailOffset(), size - r.tornTailOffset(), expected - 1);
                        dropped += size - r.tornTailOffset();
                    }
                    if (writable) {
                        try (StorageFile f = storage.openWritable(path)) {
                            f.truncate(r.tornTailOffset());
                            dev.strata.engine.util.CrashPoints.hit("recovery.tail.truncated");
                            f.force();
                        }
                    }
                }
                if (writable && newest && segmentRecords > 0 && r.tornTailOffset() < 0) {
                    // Its tail may still be only in the page cache (an ASYNC writer crashed):
                    // force it before anything (a manifest's flushed seqno) relies on it.
                    try (StorageFile f = storage.openWritable(path)) {
                        f.force();
                    }
                }
                if (segmentRecords == 0) {
                    removable.add(path); // holds nothing; the next segment starts at the same seqno
                } else {
                    kept.put(numbers.get(i), h.firstSeqno());
                }
            }
        }
        long next = numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1) + 1;
        return new Result(expected - 1, lastTs, next, count, dropped, removable, kept);
    }
}
