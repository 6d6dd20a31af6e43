package dev.strata.engine.backup;

import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.WalFormat;
import dev.strata.engine.wal.WalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Continuous WAL archiving (as Litestream does for SQLite, or PostgreSQL's archive command):
 * each segment, once sealed, is copied to {@code <backupDir>/archive/<segment>.wal} (temporary
 * name, forced, renamed) on a thread of its own, in segment order. Until a segment is archived
 * the WAL writer keeps it ({@link WalWriter#setArchivedThrough}), so the archive never has a
 * hole; the segments it holds carry their own per-record CRC32C. At open, sealed segments left
 * unarchived by a crash are archived first.
 *
 * <p>A failed copy is logged and counted and retried at the next seal; the segment stays in the
 * WAL meanwhile (the WAL grows, it never loses the segment). An archived segment that exists
 * with another size (another database's, or one restored to an earlier point writing the same
 * numbers) is never overwritten: archiving stops with an error, since that archive now
 * belongs to another history. Who calls it: the database opener sets it up when
 * {@code StrataOptions.walArchive} is set; the database closes it.
 */
public final class WalArchiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalArchiver.class);
    public static final String ARCHIVE = "archive";

    private final Storage storage;
    private final Path walDir;
    private final Path archiveDir;
    private final WalWriter wal;
    private final ExecutorService thread;
    private long archivedThrough;
    private final LongAdder archived = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile String lastError;

    private WalArchiver(Storage storage, Path walDir, Path archiveDir, WalWriter wal, long archivedThrough) {
        this.storage = storage;
        this.walDir = walDir;
        this.archiveDir = archiveDir;
        this.wal = wal;
        this.archivedThrough = archivedThrough;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "strata-wal-archive");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts archiving {@code wal}'s sealed segments into {@code backupDir/archive}. */
    public static WalArchiver start(Storage storage, Path walDir, Path backupDir, WalWriter wal) throws IOException {
        Path archiveDir = backupDir.resolve(ARCHIVE);
        storage.createDirectories(archiveDir);
        long oldest = wal.segmentNumber();
        for (String name : storage.list(walDir)) {
            long n = WalFormat.parseFileName(name);
            if (n >= 0) {
                oldest = Math.min(oldest, n);
            }
        }
        WalArchiver a = new WalArchiver(storage, walDir, archiveDir, wal, oldest - 1);
        wal.archiveWith(a::sealed, oldest - 1);
        a.sealed(wal.segmentNumber() - 1); // segments sealed before a crash, not archived yet
        return a;
    }

    /** Called by the WAL writer when segment {@code number} is sealed. */
    private void sealed(long number) {
        thread.execute(() -> archiveThrough(number));
    }

    private synchronized void archiveThrough(long number) {
        if (lastError != null && lastError.startsWith("conflict")) {
            return;
        }
        for (long n = archivedThrough + 1; n <= number; n++) {
            Path from = walDir.resolve(WalFormat.fileName(n));
            Path to = archiveDir.resolve(WalFormat.fileName(n));
            try {
                if (!storage.exists(from)) {
                    archivedThrough = n; // removed before archiving was configured
                    continue;
                }
                long size = storage.size(from);
                if (storage.exists(to)) {
                    if (storage.size(to) != size) {
                        lastError = "conflict: " + to + " exists with another size; archiving stopped";
                        failures.increment();
                        LOG.error("WAL archive {} holds segment {} of another history; archiving stopped "
                                + "(point the database at a new archive directory)", archiveDir, n);
                        return;
                    }
                } else {
                    BackupFiles.copy(storage, from, to, true, b -> { });
                    storage.forceDirectory(archiveDir);
                }
                archivedThrough = n;
                wal.setArchivedThrough(n);
                archived.increment();
            } catch (IOException | RuntimeException e) {
                failures.increment();
                lastError = e.toString();
                LOG.error("Archiving WAL segment {} to {} failed; it stays in the WAL and is retried at the next seal", from, to, e);
                return;
            }
        }
    }

    /** Segments archived since open, failed attempts, and the last error (null if none). */
    public long archivedCount() {
        return archived.sum();
    }

    public long failureCount() {
        return failures.sum();
    }

    public String lastError() {
        return lastError;
    }

    /** Archives what is sealed and waits for it (the WAL's close has sealed the last segment). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("WAL archiving did not finish within 60 s of close; the next open archives the rest");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
