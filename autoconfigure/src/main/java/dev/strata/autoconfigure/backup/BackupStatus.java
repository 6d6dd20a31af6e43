package dev.strata.autoconfigure.backup;

import dev.strata.engine.backup.BackupResult;

import java.time.Instant;

/**
 * What {@link StrataBackups} has done since start-up, as one consistent snapshot for the backup
 * health indicator, the metrics and the endpoint. {@code lastFailed} is true while the newest
 * attempt failed (a later success clears it); {@code lastError} keeps the newest failure's
 * message even then, so an operator sees what went wrong last.
 *
 * @param successes         backups taken (and purged to keep-count) without error
 * @param failures          attempts that failed, in the backup or in the purge after it
 * @param successNanos      time spent in successful attempts
 * @param failureNanos      time spent in failed attempts
 * @param bytesCopied       bytes the successful backups copied (shared tables are not copied again)
 * @param lastSuccess       the newest successful backup, or null
 * @param lastSuccessAt     when it finished, or null
 * @param lastError         the newest failure as {@code class: message}, or null
 * @param lastFailureAt     when it happened, or null
 * @param lastFailed        whether the newest attempt failed
 * @param running           whether a backup is in progress
 */
public record BackupStatus(long successes, long failures, long successNanos, long failureNanos, long bytesCopied,
                           BackupResult lastSuccess, Instant lastSuccessAt, String lastError, Instant lastFailureAt,
                           boolean lastFailed, boolean running) {
}
