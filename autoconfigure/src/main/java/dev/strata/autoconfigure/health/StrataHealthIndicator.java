package dev.strata.autoconfigure.health;

import dev.strata.autoconfigure.StrataDatabaseReport;
import dev.strata.engine.StrataDatabase;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Strata database, under the name {@code strata}: UP while it is open and takes
 * writes; DOWN with the background error (a failed force, flush or compaction) while it refuses
 * writes, and DOWN once closed. Details (shown per {@code management.endpoint.health.show-details})
 * are the bounded summary of {@link StrataDatabaseReport#summary}: path, state, seqnos, memtable
 * and level-0 size, WAL segments, write stalls. Created by {@link StrataHealthContributorAutoConfiguration}.
 */
public class StrataHealthIndicator extends AbstractHealthIndicator {

    private final StrataDatabase database;

    public StrataHealthIndicator(StrataDatabase database) {
        super("Strata health check failed");
        this.database = database;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Throwable refusal = database.backgroundError();
        if (database.isClosed()) {
            builder.down();
        } else if (refusal != null) {
            builder.down().withDetail("error", describe(refusal));
        } else {
            builder.up();
        }
        builder.withDetails(StrataDatabaseReport.summary(database));
    }

    /**
     * The error as Boot shows one ({@code class: message}), but as a plain detail: the engine
     * logged the failure with its stack trace when it happened, and every probe while the
     * database refuses writes would log it again through {@code Health.Builder.down(Throwable)}.
     */
    private static String describe(Throwable error) {
        return error.getClass().getName() + ": " + error.getMessage();
    }
}
