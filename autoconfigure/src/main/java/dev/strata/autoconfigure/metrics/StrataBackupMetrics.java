package dev.strata.autoconfigure.metrics;

import dev.strata.autoconfigure.backup.StrataBackups;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.concurrent.TimeUnit;

/**
 * Binds the record of {@link StrataBackups} to Micrometer. Function meters over its counts, so
 * nothing here holds state; one tag, {@code result=success|failure}. Created by
 * {@link StrataMetricsAutoConfiguration} when a {@link StrataBackups} bean exists.
 *
 * <pre>
 * strata.backup{result}     timer            backup attempts (backup and purge) and their time
 * strata.backup.copied      counter  bytes   bytes successful backups copied
 * strata.backup.running     gauge            1 while a backup runs, else 0
 * </pre>
 */
public class StrataBackupMetrics implements MeterBinder {

    private final StrataBackups backups;

    public StrataBackupMetrics(StrataBackups backups) {
        this.backups = backups;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionTimer.builder("strata.backup", backups, b -> b.status().successes(), b -> b.status().successNanos(),
                        TimeUnit.NANOSECONDS)
                .tag("result", "success").description("Backups taken and purged to keep-count, and their time")
                .register(registry);
        FunctionTimer.builder("strata.backup", backups, b -> b.status().failures(), b -> b.status().failureNanos(),
                        TimeUnit.NANOSECONDS)
                .tag("result", "failure").description("Backup attempts that failed, and their time")
                .register(registry);
        FunctionCounter.builder("strata.backup.copied", backups, b -> b.status().bytesCopied())
                .baseUnit(BaseUnits.BYTES).description("Bytes copied by successful backups (shared tables are copied once)")
                .register(registry);
        Gauge.builder("strata.backup.running", backups, b -> b.status().running() ? 1 : 0)
                .description("1 while a backup runs, else 0").register(registry);
    }
}
