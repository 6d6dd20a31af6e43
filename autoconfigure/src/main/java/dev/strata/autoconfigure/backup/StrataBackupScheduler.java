package dev.strata.autoconfigure.backup;

import dev.strata.autoconfigure.StrataDatabaseLifecycle;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;

import java.util.concurrent.ScheduledFuture;

/**
 * Takes a backup on {@code strata.backup.schedule}. It uses the application's {@link TaskScheduler}
 * when there is exactly one, and otherwise a one-thread scheduler of its own that is not a bean:
 * registering a {@code TaskScheduler} bean would silently become the scheduler of the
 * application's {@code @Scheduled} methods too.
 *
 * <p>A failed backup is logged with its stack trace and recorded by {@link StrataBackups} (the
 * backup health indicator turns DOWN, {@code strata.backup{result=failure}} counts it); it is not
 * rethrown, since a scheduler thread would only drop it, and the next run goes ahead as planned.
 *
 * <p>Stops one phase before {@link StrataDatabaseLifecycle}: at shutdown the schedule is cancelled
 * and a backup in progress finishes before the database is flushed and closed. Created by
 * {@link StrataBackupAutoConfiguration}.
 */
public class StrataBackupScheduler implements SmartLifecycle {

    private static final Log LOG = LogFactory.getLog(StrataBackupScheduler.class);

    private final StrataBackups backups;
    private final CronTrigger trigger;
    private final TaskScheduler applicationScheduler;
    private ThreadPoolTaskScheduler ownScheduler;
    private ScheduledFuture<?> scheduled;
    private volatile boolean running;

    /**
     * @param applicationScheduler the application's scheduler, or null to use one of its own
     */
    public StrataBackupScheduler(StrataBackups backups, CronTrigger trigger, TaskScheduler applicationScheduler) {
        this.backups = backups;
        this.trigger = trigger;
        this.applicationScheduler = applicationScheduler;
    }

    @Override
    public synchronized void start() {
        TaskScheduler scheduler = applicationScheduler;
        if (scheduler == null) {
            ownScheduler = new ThreadPoolTaskScheduler();
            ownScheduler.setPoolSize(1);
            ownScheduler.setThreadNamePrefix("strata-backup-");
            ownScheduler.initialize();
            scheduler = ownScheduler;
        }
        scheduled = scheduler.schedule(this::runScheduled, trigger);
        running = true;
        LOG.info("Strata backups into " + backups.directory() + " scheduled at '" + trigger.getExpression() + "'");
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        backups.awaitIdle();
        if (ownScheduler != null) {
            ownScheduler.shutdown();
            ownScheduler = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return StrataDatabaseLifecycle.PHASE + 1;
    }

    /** Whether this scheduler runs backups on a thread pool of its own (no application TaskScheduler). */
    public boolean usesOwnScheduler() {
        return applicationScheduler == null;
    }

    void runScheduled() {
        try {
            backups.backupNow();
        } catch (RuntimeException e) {
            // Recorded by StrataBackups (health, metrics); logged here because no caller will see it.
            LOG.error("Scheduled Strata backup into " + backups.directory() + " failed; the next one runs as scheduled", e);
        }
    }
}
