package dev.strata.autoconfigure.backup;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.backup.BackupInfo;
import dev.strata.engine.backup.BackupOptions;
import dev.strata.engine.backup.BackupResult;
import dev.strata.engine.backup.Backups;
import dev.strata.engine.backup.RestoreOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The application's handle on the backups in {@code strata.backup.directory}: take one now (and
 * purge to {@code strata.backup.keep-count}), list, verify, purge, and restore into another
 * directory. It records every attempt (counts, time, bytes, the newest failure) in a
 * {@link BackupStatus} that the backup health indicator, the metrics and the {@code strata}
 * endpoint read. One backup runs at a time; a second caller waits for the first.
 *
 * <p>Restore is deliberately a Java call only, never an endpoint operation: it writes a whole
 * database directory. Called by the application, {@link StrataBackupScheduler} and the endpoint;
 * created by {@link StrataBackupAutoConfiguration}.
 */
public class StrataBackups {

    private final StrataDatabase db;
    private final Path directory;
    private final int keepCount;
    private final boolean flushBeforeBackup;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    // The record: written and read under this object's monitor (never held during a backup).
    private long successes;
    private long failures;
    private long successNanos;
    private long failureNanos;
    private long bytesCopied;
    private BackupResult lastSuccess;
    private Instant lastSuccessAt;
    private String lastError;
    private Instant lastFailureAt;
    private boolean lastFailed;
    private volatile boolean running;

    /**
     * @param keepCount good backups kept after each backup; 0 keeps all
     */
    public StrataBackups(StrataDatabase db, Path directory, int keepCount, boolean flushBeforeBackup) {
        this(db, directory, keepCount, flushBeforeBackup, Clock.systemUTC());
    }

    StrataBackups(StrataDatabase db, Path directory, int keepCount, boolean flushBeforeBackup, Clock clock) {
        if (directory == null) {
            throw new InvalidArgumentException("the backup directory must not be null");
        }
        if (keepCount < 0) {
            throw new InvalidArgumentException("keep-count must be 0 (keep all) or more, was " + keepCount);
        }
        this.db = db;
        this.directory = directory;
        this.keepCount = keepCount;
        this.flushBeforeBackup = flushBeforeBackup;
        this.clock = clock;
    }

    /**
     * Takes a backup, then purges to keep-count. A failure of either is recorded (and shown by
     * health and metrics) and then thrown to the caller as the engine's typed exception.
     */
    public BackupResult backupNow() {
        lock.lock();
        try {
            running = true;
            long start = System.nanoTime();
            try {
                BackupResult result = db.backup(directory, BackupOptions.defaults().flushBeforeBackup(flushBeforeBackup));
                if (keepCount > 0) {
                    Backups.purge(directory, keepCount);
                }
                recordSuccess(result, System.nanoTime() - start);
                return result;
            } catch (RuntimeException e) {
                recordFailure(e, System.nanoTime() - start);
                throw e;
            }
        } finally {
            running = false;
            lock.unlock();
        }
    }

    private synchronized void recordSuccess(BackupResult result, long nanos) {
        successes++;
        successNanos += nanos;
        bytesCopied += result.bytesCopied();
        lastSuccess = result;
        lastSuccessAt = clock.instant();
        lastFailed = false;
    }

    private synchronized void recordFailure(RuntimeException e, long nanos) {
        failures++;
        failureNanos += nanos;
        lastError = e.getClass().getName() + ": " + e.getMessage();
        lastFailureAt = clock.instant();
        lastFailed = true;
    }

    /** Every backup in the directory, oldest first (none before the first); a damaged one is listed with its problem. */
    public List<BackupInfo> list() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        return Backups.list(directory);
    }

    /** Checks every file of backup {@code id}, sizes and CRC32C; returns the bytes checked or throws {@code CorruptionException}. */
    public long verify(long id) {
        return Backups.verify(directory, id, true);
    }

    /** Deletes all but the newest keep-count good backups (all of them are kept when keep-count is 0); returns bytes reclaimed. */
    public long purge() {
        if (keepCount == 0) {
            return 0;
        }
        lock.lock();
        try {
            return Backups.purge(directory, keepCount);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Restores a backup or a point in time into {@code target}, which must not be the open
     * database's directory (stop the application and restore there with the engine's
     * {@link Backups#restore} or the CLI instead).
     */
    public Backups.Restored restore(Path target, RestoreOptions options) {
        if (target == null || options == null) {
            throw new InvalidArgumentException("restore target and options must not be null");
        }
        if (target.toAbsolutePath().normalize().equals(db.path().toAbsolutePath().normalize())) {
            throw new InvalidArgumentException("cannot restore into " + target + ": the application has that database "
                    + "open; restore into another directory, or stop the application and restore there");
        }
        return Backups.restore(directory, target, options);
    }

    /** Waits for a backup in progress, if any, to finish. */
    void awaitIdle() {
        lock.lock();
        lock.unlock();
    }

    public Path directory() {
        return directory;
    }

    public int keepCount() {
        return keepCount;
    }

    /** The record of every attempt since start-up; never waits for a backup in progress. */
    public synchronized BackupStatus status() {
        return new BackupStatus(successes, failures, successNanos, failureNanos, bytesCopied, lastSuccess, lastSuccessAt,
                lastError, lastFailureAt, lastFailed, running);
    }
}
