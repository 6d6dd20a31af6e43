package dev.strata.engine.log;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.SegmentHeader;
import dev.strata.engine.wal.SegmentReader;
import dev.strata.engine.wal.SegmentSummary;
import dev.strata.engine.wal.SegmentSummaryBuilder;
import dev.strata.engine.wal.SegmentSummaryFile;
import dev.strata.engine.wal.WalFormat;
import dev.strata.engine.wal.WalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The transaction log's index of the WAL: a {@link SegmentSummary} per segment on disk, so a
 * query opens only the segments that can hold what it asks for, and retention decides without
 * reading records. Sealed segments' summaries come from their summary files (or a scan when one
 * is missing or stale) at open, and from the WAL writer as it seals each segment; the segment
 * being written is summarized live by the writer. Thread-safe.
 *
 * <p>A sealed segment that cannot be read whole at open is kept in the index as damaged: queries
 * that reach it read it and get the {@link CorruptionException} with its file and offset (never
 * a silent gap), and a {@code log.warn} event is emitted.
 */
public final class LogIndex {
    private static final Logger LOG = LoggerFactory.getLogger(LogIndex.class);

    private final Storage storage;
    private final Path walDir;
    private final ConcurrentSkipListMap<Long, SegmentSummary> sealed = new ConcurrentSkipListMap<>();
    private final Map<Long, CorruptionException> damaged = new ConcurrentHashMap<>();
    /** The writer of the segment being written; null for a read-only database. */
    private final WalWriter writer;
    /** Read-only: the newest segment, summarized once at open (the state is fixed there). */
    private final SegmentSummary readOnlyNewest;

    private LogIndex(Storage storage, Path walDir, WalWriter writer, SegmentSummary readOnlyNewest) {
        this.storage = storage;
        this.walDir = walDir;
        this.writer = writer;
        this.readOnlyNewest = readOnlyNewest;
    }

    /** Reports a damaged segment found while loading (the {@code log.warn} event). */
    @FunctionalInterface
    public interface Warning {
        void warn(Path segment, CorruptionException damage);
    }

    /**
     * Loads the summaries of every segment in {@code walDir} below the writer's current one
     * (all of them, the newest scanned as the torn-tolerant newest, when {@code writer} is null:
     * a read-only open).
     */
    public static LogIndex load(Storage storage, Path walDir, WalWriter writer, Warning warning) throws IOException {
        List<Long> numbers = new ArrayList<>();
        List<String> names = storage.list(walDir);
        java.util.Set<String> present = new java.util.HashSet<>(names);
        for (String name : names) {
            long n = WalFormat.parseFileName(name);
            if (n >= 0 && (writer == null || n < writer.segmentNumber())) {
                numbers.add(n);
            } else if (writer != null && name.endsWith(".tmp")) {
                storage.delete(walDir.resolve(name)); // a summary or log-only rewrite cut short
            } else if (writer != null && name.endsWith(SegmentSummaryFile.SUFFIX)
                    && !present.contains(name.substring(0, name.length() - SegmentSummaryFile.SUFFIX.length()) + WalFormat.SUFFIX)) {
                storage.delete(walDir.resolve(name)); // its segment was deleted after it was written
            }
        }
        numbers.sort(null);
        SegmentSummary newest = null;
        if (writer == null && !numbers.isEmpty()) {
            long n = numbers.remove(numbers.size() - 1);
            newest = scanNewest(storage, walDir.resolve(WalFormat.fileName(n)));
        }
        LogIndex index = new LogIndex(storage, walDir, writer, newest);
        for (long n : numbers) {
            index.loadSealed(n, warning, writer != null);
        }
        return index;
    }

    private void loadSealed(long n, Warning warning, boolean writeMissing) throws IOException {
        Path path = walDir.resolve(WalFormat.fileName(n));
        SegmentHeader h = SegmentReader.readHeader(storage, path);
        long size = storage.size(path);
        SegmentSummary s = h == null ? null : SegmentSummaryFile.read(storage, walDir, n, size, h.flags());
        if (s == null) {
            try {
                s = SegmentSummaryFile.scan(storage, path);
                if (writeMissing) {
                    writeSummary(s);
                }
            } catch (CorruptionException e) {
                LOG.warn("WAL segment {} is damaged; transaction-log queries that reach it will fail: {}", path, e.getMessage());
                damaged.put(n, e);
                s = new SegmentSummary(n, h == null ? 0 : h.flags(), h == null ? 0 : h.firstSeqno(),
                        h == null ? -1 : h.firstSeqno() - 1, 0, 0, 0, size, Map.of());
                if (warning != null) {
                    warning.warn(path, e);
                }
            }
        }
        sealed.put(n, s);
    }

    private static SegmentSummary scanNewest(Storage storage, Path path) throws IOException {
        try (SegmentReader r = SegmentReader.open(storage, path, true)) {
            SegmentHeader h = r.header();
            if (h == null) {
                return null;
            }
            SegmentSummaryBuilder b = new SegmentSummaryBuilder(h.segmentNumber(), h.flags(), h.firstSeqno(), WalFormat.HEADER_SIZE);
            while (r.next()) {
                b.add(r.buffer(), r.payloadOffset(), r.payloadLength(), WalFormat.FRAME_HEADER_SIZE + r.payloadLength());
            }
            return b.summary();
        }
    }

    /** The WAL writer sealed a segment: record its summary ({@link #writeSummary} stores it). */
    public void sealed(SegmentSummary s) {
        sealed.put(s.number(), s);
    }

    /**
     * Writes the summary file of a sealed segment still in the index. A failure is logged and
     * counted, never an error of the caller: the file is only an index, rebuilt by a scan at the
     * next open. Returns whether it was written.
     */
    public boolean writeSummary(SegmentSummary s) {
        if (!sealed.containsKey(s.number())) {
            return false; // retention deleted the segment meanwhile
        }
        try {
            SegmentSummaryFile.write(storage, walDir, s);
            return true;
        } catch (IOException e) {
            summaryFailures.incrementAndGet();
            LOG.warn("Could not write the summary of WAL segment {}; it will be rebuilt at the next open", s.number(), e);
            return false;
        }
    }

    private final java.util.concurrent.atomic.AtomicLong summaryFailures = new java.util.concurrent.atomic.AtomicLong();

    /** Summary files that could not be written (each is rebuilt by a scan at the next open). */
    public long summaryFailures() {
        return summaryFailures.get();
    }

    /** Retention rewrote a segment log-only: its new summary. */
    void replaced(SegmentSummary s) {
        sealed.put(s.number(), s);
    }

    /** Retention deleted a segment. */
    void removed(long number) {
        sealed.remove(number);
        damaged.remove(number);
    }

    /** Every segment, oldest first, the one being written last (its summary so far). */
    public List<SegmentSummary> segments() {
        List<SegmentSummary> out = new ArrayList<>(sealed.values());
        SegmentSummary cur = current();
        if (cur != null) {
            out.add(cur);
        }
        return out;
    }

    /** The sealed segments, oldest first. */
    public List<SegmentSummary> sealedSegments() {
        return new ArrayList<>(sealed.values());
    }

    /** The segment being written (read-only: the newest at open), or null. */
    public SegmentSummary current() {
        return writer != null ? writer.currentSummary() : readOnlyNewest;
    }

    /** Whether the segment is the one being written (read through the torn-tolerant reader). */
    public boolean isCurrent(long number) {
        SegmentSummary cur = current();
        return cur != null && cur.number() == number;
    }

    public boolean isDamaged(long number) {
        return damaged.containsKey(number);
    }

    public Path path(long number) {
        return walDir.resolve(WalFormat.fileName(number));
    }

    public Path directory() {
        return walDir;
    }

    Storage storage() {
        return storage;
    }
}
