package dev.strata.autoconfigure.backup;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.StrataProperties;
import dev.strata.engine.StrataDatabase;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.support.CronTrigger;

import java.time.ZoneId;
import java.util.TimeZone;

/**
 * Backups of the database: a {@link StrataBackups} bean when {@code strata.backup.directory} is
 * set, and a {@link StrataBackupScheduler} when {@code strata.backup.schedule} is set too. Each
 * backs off when the application defines its own. A schedule without a directory, a schedule
 * that is not a cron expression and a negative keep-count fail start-up naming the property.
 */
@AutoConfiguration(after = StrataAutoConfiguration.class)
@ConditionalOnClass(StrataDatabase.class)
@ConditionalOnBooleanProperty(name = "strata.enabled", matchIfMissing = true)
public class StrataBackupAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(StrataDatabase.class)
    @ConditionalOnProperty("strata.backup.directory")
    public StrataBackups strataBackups(StrataDatabase database, StrataProperties properties) {
        StrataProperties.Backup backup = properties.getBackup();
        if (backup.getKeepCount() < 0) {
            throw new InvalidConfigurationPropertyValueException("strata.backup.keep-count", backup.getKeepCount(),
                    "The number of backups kept must be 0 (keep all) or more.");
        }
        return new StrataBackups(database, backup.getDirectory(), backup.getKeepCount(), backup.isFlushBeforeBackup());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty("strata.backup.schedule")
    public StrataBackupScheduler strataBackupScheduler(ObjectProvider<StrataBackups> backups, StrataProperties properties,
                                                       ObjectProvider<TaskScheduler> schedulers) {
        StrataProperties.Backup backup = properties.getBackup();
        StrataBackups target = backups.getIfUnique();
        if (target == null) {
            throw new InvalidConfigurationPropertyValueException("strata.backup.schedule", backup.getSchedule(),
                    "Scheduled backups need a place to go: set strata.backup.directory.");
        }
        return new StrataBackupScheduler(target, trigger(backup), schedulers.getIfUnique());
    }

    static CronTrigger trigger(StrataProperties.Backup backup) {
        ZoneId zone = backup.getZone() != null ? backup.getZone() : ZoneId.systemDefault();
        try {
            return new CronTrigger(backup.getSchedule().trim(), TimeZone.getTimeZone(zone));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException("strata.backup.schedule", backup.getSchedule(),
                    "Not a cron expression (six fields, seconds first, e.g. \"0 0 3 * * *\" for 03:00 daily): "
                            + e.getMessage());
        }
    }
}
