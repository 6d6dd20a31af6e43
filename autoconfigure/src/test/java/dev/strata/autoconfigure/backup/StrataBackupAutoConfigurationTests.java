package dev.strata.autoconfigure.backup;

import dev.strata.autoconfigure.Causes;
import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.StrataProperties;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import dev.strata.engine.backup.BackupInfo;
import dev.strata.engine.backup.BackupResult;
import dev.strata.engine.backup.Backups;
import dev.strata.engine.backup.RestoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.strata.autoconfigure.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code strata.backup.*}: the {@link StrataBackups} bean and what it records, the schedule on the
 * application's scheduler or its own, failures that are recorded and logged but never thrown
 * into the scheduler, back-off, and invalid properties that fail start-up naming the property.
 */
class StrataBackupAutoConfigurationTests {

    /** Every second: the scheduled tests wait for a run or two, never for a fixed time. */
    private static final String EVERY_SECOND = "* * * * * *";

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class, StrataBackupAutoConfiguration.class))
                .withPropertyValues("strata.path=" + dir.resolve("db"));
    }

    private Path backupDir() {
        return dir.resolve("backups");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void withoutADirectoryThereAreNoBackupBeans() {
        runner().run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(StrataBackups.class)
                .doesNotHaveBean(StrataBackupScheduler.class));
    }

    @Test
    void aDirectoryGivesBackupsOnDemandButNoSchedule() {
        runner().withPropertyValues("strata.backup.directory=" + backupDir()).run(context -> {
            assertThat(context).hasSingleBean(StrataBackups.class).doesNotHaveBean(StrataBackupScheduler.class);
            StrataBackups backups = context.getBean(StrataBackups.class);
            context.getBean(StrataDatabase.class).put(bytes("k"), bytes("v"));
            BackupResult result = backups.backupNow();
            assertThat(result.bytesCopied()).isPositive();
            assertThat(backups.list()).extracting(BackupInfo::id).containsExactly(result.id());
            assertThat(backups.verify(result.id())).isPositive();
            BackupStatus status = backups.status();
            assertThat(status.successes()).isEqualTo(1);
            assertThat(status.failures()).isZero();
            assertThat(status.bytesCopied()).isEqualTo(result.bytesCopied());
            assertThat(status.lastSuccess()).isEqualTo(result);
            assertThat(status.lastFailed()).isFalse();
            assertThat(status.running()).isFalse();
        });
    }

    @Test
    void keepCountPurgesAfterEachBackupAndPurgeKeepsThatMany() {
        runner().withPropertyValues("strata.backup.directory=" + backupDir(), "strata.backup.keep-count=2").run(context -> {
            StrataBackups backups = context.getBean(StrataBackups.class);
            StrataDatabase db = context.getBean(StrataDatabase.class);
            long[] ids = new long[3];
            for (int i = 0; i < 3; i++) {
                db.put(bytes("k" + i), bytes("v"));
                ids[i] = backups.backupNow().id();
            }
            assertThat(backups.list()).extracting(BackupInfo::id).containsExactly(ids[1], ids[2]);
            assertThat(backups.purge()).isZero();
            assertThat(backups.list()).hasSize(2);
        });
    }

    @Test
    void keepCountZeroKeepsEveryBackup() {
        runner().withPropertyValues("strata.backup.directory=" + backupDir()).run(context -> {
            StrataBackups backups = context.getBean(StrataBackups.class);
            for (int i = 0; i < 3; i++) {
                backups.backupNow();
            }
            assertThat(backups.purge()).isZero();
            assertThat(backups.list()).hasSize(3);
        });
    }

    @Test
    void flushBeforeBackupFalseLeavesTheMemtableToTheWalCopy() {
        runner().withPropertyValues("strata.backup.directory=" + backupDir(), "strata.backup.flush-before-backup=false")
                .run(context -> {
                    StrataDatabase db = context.getBean(StrataDatabase.class);
                    db.put(bytes("k"), bytes("v"));
                    context.getBean(StrataBackups.class).backupNow();
                    assertThat(db.lsmStats().flushes()).isZero();
                });
        runner().withPropertyValues("strata.backup.directory=" + backupDir()).run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            db.put(bytes("k2"), bytes("v"));
            long before = db.lsmStats().flushes();
            context.getBean(StrataBackups.class).backupNow();
            assertThat(db.lsmStats().flushes()).isGreaterThan(before);
        });
    }

    @Test
    void restoreIntoAnotherDirectoryGivesTheBackedUpDataAndRefusesTheOpenDatabase() {
        Path restored = dir.resolve("restored");
        runner().withPropertyValues("strata.backup.directory=" + backupDir()).run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            db.put(bytes("k"), bytes("backed up"));
            StrataBackups backups = context.getBean(StrataBackups.class);
            long id = backups.backupNow().id();
            db.put(bytes("k"), bytes("later"));
            assertThat(backups.restore(restored, RestoreOptions.latest()).backupId()).isEqualTo(id);
            assertThatThrownBy(() -> backups.restore(dir.resolve("db"), RestoreOptions.latest()))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("open");
            assertThat(db.get(bytes("k"))).isEqualTo(bytes("later"));
        });
        try (StrataDatabase copy = StrataDatabase.open(restored)) {
            assertThat(copy.get(bytes("k"))).isEqualTo(bytes("backed up"));
        }
    }

    @Test
    void aFailedBackupIsRecordedAndThrownToTheCallerAndALaterSuccessClearsIt() throws Exception {
        Files.writeString(backupDir(), "a file where the directory should be");
        runner().withPropertyValues("strata.backup.directory=" + backupDir()).run(context -> {
            StrataBackups backups = context.getBean(StrataBackups.class);
            assertThatThrownBy(backups::backupNow).isInstanceOf(StrataException.class);
            BackupStatus failed = backups.status();
            assertThat(failed.failures()).isEqualTo(1);
            assertThat(failed.successes()).isZero();
            assertThat(failed.lastFailed()).isTrue();
            assertThat(failed.lastError()).isNotBlank();
            assertThat(failed.lastFailureAt()).isNotNull();

            Files.delete(backupDir());
            backups.backupNow();
            BackupStatus recovered = backups.status();
            assertThat(recovered.lastFailed()).isFalse();
            assertThat(recovered.successes()).isEqualTo(1);
            assertThat(recovered.failures()).isEqualTo(1);
            assertThat(recovered.lastError()).isEqualTo(failed.lastError());
        });
    }

    @Test
    void aScheduleTakesBackupsOnItsOwnSchedulerAndStopsWithTheContext() {
        StrataBackupScheduler[] scheduler = new StrataBackupScheduler[1];
        runner().withPropertyValues("strata.backup.directory=" + backupDir(), "strata.backup.schedule=" + EVERY_SECOND,
                "strata.backup.keep-count=1").run(context -> {
            scheduler[0] = context.getBean(StrataBackupScheduler.class);
            assertThat(scheduler[0].usesOwnScheduler()).isTrue();
            assertThat(scheduler[0].isRunning()).isTrue();
            StrataBackups backups = context.getBean(StrataBackups.class);
            await("two scheduled backups", () -> backups.status().successes() >= 2);
            assertThat(backups.list()).hasSize(1);
        });
        assertThat(scheduler[0].isRunning()).isFalse();
        // Closed cleanly: the database reopens, the backups it left are whole.
        assertThat(Backups.list(backupDir())).allMatch(BackupInfo::isGood);
        StrataDatabase.open(dir.resolve("db")).close();
    }

    @Test
    void theApplicationsTaskSchedulerRunsTheBackupsWhenThereIsOne() {
        CountingScheduler applicationScheduler = new CountingScheduler();
        runner().withPropertyValues("strata.backup.directory=" + backupDir(), "strata.backup.schedule=" + EVERY_SECOND)
                .withBean(TaskScheduler.class, () -> applicationScheduler)
                .run(context -> {
                    StrataBackupScheduler scheduler = context.getBean(StrataBackupScheduler.class);
                    assertThat(scheduler.usesOwnScheduler()).isFalse();
                    assertThat(applicationScheduler.triggers.get()).isEqualTo(1);
                    StrataBackups backups = context.getBean(StrataBackups.class);
                    await("a scheduled backup", () -> backups.status().successes() >= 1);
                });
    }

    /** The application's scheduler, counting the trigger tasks handed to it. */
    static final class CountingScheduler extends ThreadPoolTaskScheduler {
        final AtomicInteger triggers = new AtomicInteger();

        CountingScheduler() {
            setThreadNamePrefix("app-scheduler-");
            initialize();
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
            triggers.incrementAndGet();
            return super.schedule(task, trigger);
        }
    }

    @Test
    void scheduledFailuresAreCountedAndTheScheduleGoesOn() throws Exception {
        Files.writeString(backupDir(), "a file where the directory should be");
        runner().withPropertyValues("strata.backup.directory=" + backupDir(), "strata.backup.schedule=" + EVERY_SECOND)
                .run(context -> {
                    StrataBackups backups = context.getBean(StrataBackups.class);
                    await("two failed scheduled backups", () -> backups.status().failures() >= 2);
                    assertThat(backups.status().lastFailed()).isTrue();
                    Files.delete(backupDir());
                    await("a scheduled backup after the failures", () -> backups.status().successes() >= 1);
                    assertThat(context.getBean(StrataDatabase.class).isClosed()).isFalse();
                });
    }

    @Test
    void aScheduleWithoutADirectoryFailsStartUpNamingTheSchedule() {
        runner().withPropertyValues("strata.backup.schedule=0 0 3 * * *").run(context -> {
            InvalidConfigurationPropertyValueException e = Causes.invalidProperty(context);
            assertThat(e.getName()).isEqualTo("strata.backup.schedule");
            assertThat(e.getReason()).contains("strata.backup.directory");
        });
    }

    @Test
    void aScheduleThatIsNotCronFailsStartUpNamingTheSchedule() {
        runner().withPropertyValues("strata.backup.directory=" + backupDir(), "strata.backup.schedule=every night")
                .run(context -> {
                    InvalidConfigurationPropertyValueException e = Causes.invalidProperty(context);
                    assertThat(e.getName()).isEqualTo("strata.backup.schedule");
                    assertThat(e.getValue()).isEqualTo("every night");
                    assertThat(e.getReason()).contains("cron");
                });
    }

    @Test
    void aNegativeKeepCountFailsStartUpNamingIt() {
        runner().withPropertyValues("strata.backup.directory=" + backupDir(), "strata.backup.keep-count=-1")
                .run(context -> {
                    InvalidConfigurationPropertyValueException e = Causes.invalidProperty(context);
                    assertThat(e.getName()).isEqualTo("strata.backup.keep-count");
                });
    }

    @Test
    void anUnknownZoneFailsStartUpNamingIt() {
        runner().withPropertyValues("strata.backup.directory=" + backupDir(), "strata.backup.schedule=0 0 3 * * *",
                "strata.backup.zone=Nowhere/Atlantis").run(context -> {
            assertThat(context).hasFailed();
            BindException e = Causes.ofType(context.getStartupFailure(), BindException.class);
            assertThat(e.getProperty().getName()).hasToString("strata.backup.zone");
        });
    }

    @Test
    void applicationBeansReplaceBoth() {
        runner().withPropertyValues("strata.backup.directory=" + backupDir(), "strata.backup.schedule=" + EVERY_SECOND)
                .withUserConfiguration(OwnBackups.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(StrataBackups.class).hasBean("ownBackups")
                            .hasSingleBean(StrataBackupScheduler.class).hasBean("ownScheduler");
                    assertThat(context.getBean(StrataBackups.class).directory()).isEqualTo(dir.resolve("own"));
                    assertThat(context.getBean(StrataBackupScheduler.class).isRunning()).isTrue();
                });
    }

    @Test
    void strataDisabledTurnsBackupsOff() {
        runner().withPropertyValues("strata.enabled=false", "strata.backup.directory=" + backupDir(),
                        "strata.backup.schedule=" + EVERY_SECOND)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(StrataBackups.class)
                        .doesNotHaveBean(StrataBackupScheduler.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBackups {
        @Bean
        StrataBackups ownBackups(StrataDatabase db, StrataProperties properties) {
            return new StrataBackups(db, Path.of(properties.getPath()).resolveSibling("own"), 0, true);
        }

        @Bean
        StrataBackupScheduler ownScheduler(StrataBackups backups) {
            return new StrataBackupScheduler(backups, new CronTrigger("0 0 3 * * *"), null);
        }
    }
}
