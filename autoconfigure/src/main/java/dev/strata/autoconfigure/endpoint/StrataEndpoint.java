package dev.strata.autoconfigure.endpoint;

import dev.strata.autoconfigure.StrataDatabaseReport;
import dev.strata.autoconfigure.StrataOptionProperty;
import dev.strata.autoconfigure.backup.StrataBackupReport;
import dev.strata.autoconfigure.backup.StrataBackups;
import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code strata} Actuator endpoint. Read operations: {@code GET /actuator/strata} (every
 * section), {@code /actuator/strata/stats} ({@link StrataDatabaseReport#stats}),
 * {@code /actuator/strata/properties} (the {@code strata.*} values in effect),
 * {@code /actuator/strata/column-families} (per-family statistics) and
 * {@code /actuator/strata/backups} (the record and the list; only with a {@link StrataBackups}
 * bean). Write operations: {@code POST /actuator/strata/flush} and {@code /actuator/strata/compact}
 * (the whole key range), which block until done and answer with the statistics afterwards;
 * {@code /actuator/strata/backup} (take one now, then purge to keep-count) and
 * {@code /actuator/strata/purge} (purge to keep-count). Restore is never an endpoint operation.
 *
 * <p>Access is {@code READ_ONLY} by default, so the write operations do not exist until the
 * application sets {@code management.endpoint.strata.access=unrestricted}; and like every
 * endpoint but health, it is not exposed over HTTP until listed in
 * {@code management.endpoints.web.exposure.include}. Created by {@link StrataEndpointAutoConfiguration}.
 */
@Endpoint(id = "strata", defaultAccess = Access.READ_ONLY)
public class StrataEndpoint {

    static final String STATS = "stats";
    static final String PROPERTIES = "properties";
    static final String FLUSH = "flush";
    static final String COMPACT = "compact";
    static final String COLUMN_FAMILIES = "column-families";
    static final String BACKUPS = "backups";
    static final String BACKUP = "backup";
    static final String PURGE = "purge";
    static final String TRANSACTION_LOGS = "transaction-logs";
    static final String PURGE_LOGS = "purge-logs";

    private final StrataDatabase db;
    private final StrataOptions options;
    private final StrataBackups backups;

    /** An endpoint without backups. */
    public StrataEndpoint(StrataDatabase db, StrataOptions options) {
        this(db, options, null);
    }

    /**
     * @param options the options the database was opened with, or null when unknown (an
     *                application-defined database without an options bean)
     * @param backups the backups, or null when none are configured
     */
    public StrataEndpoint(StrataDatabase db, StrataOptions options, StrataBackups backups) {
        this.db = db;
        this.options = options;
        this.backups = backups;
    }

    @ReadOperation
    public Map<String, Object> strata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(STATS, StrataDatabaseReport.stats(db));
        m.put(PROPERTIES, properties());
        m.put(COLUMN_FAMILIES, StrataDatabaseReport.columnFamilies(db));
        m.put(TRANSACTION_LOGS, StrataDatabaseReport.transactionLogs(db));
        if (backups != null) {
            m.put(BACKUPS, StrataBackupReport.report(backups));
        }
        return m;
    }

    /**
     * One section: {@code stats}, {@code properties}, {@code column-families},
     * {@code transaction-logs}, or {@code backups}
     * when backups are configured; any other name is not found (404).
     */
    @ReadOperation
    public Map<String, Object> section(@Selector String section) {
        return switch (section) {
            case STATS -> StrataDatabaseReport.stats(db);
            case PROPERTIES -> properties();
            case COLUMN_FAMILIES -> StrataDatabaseReport.columnFamilies(db);
            case TRANSACTION_LOGS -> StrataDatabaseReport.transactionLogs(db);
            case BACKUPS -> backups == null ? null : StrataBackupReport.report(backups);
            default -> null;
        };
    }

    /**
     * Runs {@code flush}, {@code compact}, {@code backup}, {@code purge} (backups) or
     * {@code purge-logs} (transaction-log entries past retention) and answers with how
     * long it took and what it did: the statistics after a flush or compaction, the backup taken,
     * the bytes a purge reclaimed.
     */
    @WriteOperation
    public Map<String, Object> run(@Selector String operation) {
        long start = System.nanoTime();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operation", operation);
        try {
            switch (operation) {
                case FLUSH -> db.flush();
                case COMPACT -> db.compact(null, null);
                case BACKUP -> m.put(BACKUP, StrataBackupReport.result(requireBackups(operation).backupNow()));
                case PURGE -> m.put("bytesReclaimed", requireBackups(operation).purge());
                case PURGE_LOGS -> m.put("files", db.purgeLogs().files().stream()
                        .map(f -> Map.of("path", f.path().toString(), "deleted", f.deleted())).toList());
                default -> throw new InvalidEndpointRequestException("Unknown Strata operation '" + operation + "'",
                        "Unknown operation '" + operation + "'; the operations are " + FLUSH + ", " + COMPACT + ", "
                                + BACKUP + ", " + PURGE + " and " + PURGE_LOGS);
            }
        } catch (ReadOnlyException e) {
            throw new InvalidEndpointRequestException(e.getMessage(),
                    "The database is open read-only (strata.read-only=true): it cannot " + operation, e);
        }
        m.put("millis", (System.nanoTime() - start) / 1_000_000);
        if (operation.equals(FLUSH) || operation.equals(COMPACT)) {
            m.put(STATS, StrataDatabaseReport.stats(db));
        }
        return m;
    }

    private StrataBackups requireBackups(String operation) {
        if (backups == null) {
            throw new InvalidEndpointRequestException("No Strata backups configured",
                    "No backups are configured (set strata.backup.directory), so there is nothing to " + operation);
        }
        return backups;
    }

    /** {@code strata.path} and every option property with the value in effect. */
    private Map<String, Object> properties() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strata.path", db.path().toString());
        if (options != null) {
            for (StrataOptionProperty p : StrataOptionProperty.ALL) {
                m.put(p.propertyName(), p.read(options));
            }
        }
        return m;
    }
}
