package dev.strata.engine.backup;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.SegmentHeader;
import dev.strata.engine.wal.SegmentReader;
import dev.strata.engine.wal.WalFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Builds the WAL of a point-in-time restore in the staging directory: the backup's own segments,
 * completed by the archived ones (an archived segment is sealed, so it replaces the backup's
 * shorter copy of the same number), then cut exactly after the target commit: the segment that
 * holds the next commit is truncated before its frame and later segments are removed. Recovery
 * then replays the backup's tables plus exactly the commits up to the target.
 *
 * <p>A target the WAL cannot reach is refused with what is missing: a hole between segments, or
 * an end before the target.
 */
final class PointInTimeWal {
    private PointInTimeWal() {
    }

    /** Returns the seqno restored to. {@code backupSeqno} is where the backup's tables and WAL stand. */
    static long assemble(Storage storage, Path archiveDir, Path stagingWal, long backupSeqno,
                         long toSeqno, long toTimestamp) throws IOException {
        NavigableMap<Long, Path> segments = new TreeMap<>();
        for (String name : storage.list(stagingWal)) {
            long n = WalFormat.parseFileName(name);
            if (n >= 0) {
                segments.put(n, stagingWal.resolve(name));
            }
        }
        long firstNeeded = segments.isEmpty() ? Long.MAX_VALUE : segments.firstKey();
        if (storage.exists(archiveDir)) {
            for (String name : storage.list(archiveDir)) {
                long n = WalFormat.parseFileName(name);
                if (n < 0 || (n < firstNeeded && !segments.isEmpty())) {
                    continue;
                }
                Path to = stagingWal.resolve(name);
                storage.delete(to);
                BackupFiles.copy(storage, archiveDir.resolve(name), to, true, b -> { });
                segments.put(n, to);
            }
        }
        // Drop archived segments that end before the backup's seqno: the tables hold them.
        while (segments.size() > 1) {
            Long second = segments.higherKey(segments.firstKey());
            if (firstSeqno(storage, segments.get(second)) > backupSeqno + 1) {
                break;
            }
            storage.delete(segments.pollFirstEntry().getValue());
        }
        long last = backupSeqno;
        List<Long> numbers = List.copyOf(segments.keySet());
        for (int i = 0; i < numbers.size(); i++) {
            Path p = segments.get(numbers.get(i));
            long cutAt = -1;
            try (SegmentReader r = SegmentReader.open(storage, p, i == numbers.size() - 1)) {
                SegmentHeader h = r.header();
                if (h == null || h.firstSeqno() > last + 1) {
                    throw new InvalidArgumentException("cannot restore past seqno " + last + ": the WAL archive has no record "
                            + (last + 1) + (h == null ? "" : " (segment " + numbers.get(i) + " starts at " + h.firstSeqno() + ")"));
                }
                while (r.next()) {
                    long seqno = r.expectedSeqno() - 1;
                    if (seqno <= last) {
                        continue;
                    }
                    long ts = CommitRecord.timestamp(r.buffer(), r.payloadOffset());
                    if ((toSeqno >= 0 && seqno > toSeqno) || (toTimestamp >= 0 && ts > toTimestamp)) {
                        cutAt = r.recordOffset();
                        break;
                    }
                    last = seqno;
                }
            }
            if (cutAt >= 0) {
                try (StorageFile f = storage.openWritable(p)) {
                    f.truncate(cutAt);
                    f.force();
                }
                for (int j = i + 1; j < numbers.size(); j++) {
                    storage.delete(segments.get(numbers.get(j)));
                }
                storage.forceDirectory(stagingWal);
                return last;
            }
        }
        if (toSeqno >= 0 && last < toSeqno) {
            throw new InvalidArgumentException("cannot restore to seqno " + toSeqno + ": the backup and the WAL archive end at seqno " + last);
        }
        if (toTimestamp >= 0) {
            throw new InvalidArgumentException("cannot restore to time " + toTimestamp + ": the WAL archive ends at seqno " + last
                    + ", before it (later commits, if any, are not archived yet)");
        }
        return last;
    }

    private static long firstSeqno(Storage storage, Path segment) throws IOException {
        try (SegmentReader r = SegmentReader.open(storage, segment, false)) {
            return r.header() == null ? Long.MAX_VALUE : r.header().firstSeqno();
        }
    }
}
