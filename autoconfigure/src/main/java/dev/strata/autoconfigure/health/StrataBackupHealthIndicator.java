package dev.strata.autoconfigure.health;

import dev.strata.autoconfigure.backup.BackupStatus;
import dev.strata.autoconfigure.backup.StrataBackups;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the backups, under the name {@code strataBackup}, apart from the database's own
 * {@code strata} indicator: a failed backup does not stop the database taking writes, and a
 * separate contributor lets an operator leave it out of a liveness group while still alerting
 * on it. DOWN while the newest attempt failed (a later success brings it back UP); UP otherwise,
 * including before the first backup. Details: directory, keep-count, counts since start-up, the
 * newest backup's id, seqno and time, and the newest failure. Reads only {@link StrataBackups}'s
 * in-memory record, never the disk. Created by {@link StrataHealthContributorAutoConfiguration}.
 */
public class StrataBackupHealthIndicator extends AbstractHealthIndicator {

    private final StrataBackups backups;

    public StrataBackupHealthIndicator(StrataBackups backups) {
        super("Strata backup health check failed");
        this.backups = backups;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        BackupStatus status = backups.status();
        if (status.lastFailed()) {
            builder.down();
        } else {
            builder.up();
        }
        builder.withDetail("directory", backups.directory().toString())
                .withDetail("keepCount", backups.keepCount())
                .withDetail("successes", status.successes())
                .withDetail("failures", status.failures())
                .withDetail("running", status.running());
        if (status.lastSuccess() != null) {
            builder.withDetail("lastBackupId", status.lastSuccess().id())
                    .withDetail("lastBackupSeqno", status.lastSuccess().seqno())
                    .withDetail("lastBackupAt", status.lastSuccessAt().toString());
        }
        if (status.lastError() != null) {
            builder.withDetail("lastError", status.lastError())
                    .withDetail("lastErrorAt", status.lastFailureAt().toString());
        }
    }
}
