package dev.strata.autoconfigure.endpoint;

import dev.strata.autoconfigure.StrataDatabaseReport;
import dev.strata.autoconfigure.StrataOptionProperty;
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
 * The {@code strata} Actuator endpoint. Read operations: {@code GET /actuator/strata} (both
 * sections), {@code /actuator/strata/stats} ({@link StrataDatabaseReport#stats}) and
 * {@code /actuator/strata/properties} (the {@code strata.*} values in effect). Write operations:
 * {@code POST /actuator/strata/flush} and {@code /actuator/strata/compact} (the whole key range),
 * which block until done and answer with the statistics afterwards.
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

    private final StrataDatabase db;
    private final StrataOptions options;

    /**
     * @param options the options the database was opened with, or null when unknown (an
     *                application-defined database without an options bean)
     */
    public StrataEndpoint(StrataDatabase db, StrataOptions options) {
        this.db = db;
        this.options = options;
    }

    @ReadOperation
    public Map<String, Object> strata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(STATS, StrataDatabaseReport.stats(db));
        m.put(PROPERTIES, properties());
        return m;
    }

    /** One section, {@code stats} or {@code properties}; any other name is not found (404). */
    @ReadOperation
    public Map<String, Object> section(@Selector String section) {
        return switch (section) {
            case STATS -> StrataDatabaseReport.stats(db);
            case PROPERTIES -> properties();
            default -> null;
        };
    }

    /** Runs {@code flush} or {@code compact} and answers with how long it took and the statistics afterwards. */
    @WriteOperation
    public Map<String, Object> run(@Selector String operation) {
        long start = System.nanoTime();
        try {
            switch (operation) {
                case FLUSH -> db.flush();
                case COMPACT -> db.compact(null, null);
                default -> throw new InvalidEndpointRequestException("Unknown Strata operation '" + operation + "'",
                        "Unknown operation '" + operation + "'; the operations are " + FLUSH + " and " + COMPACT);
            }
        } catch (ReadOnlyException e) {
            throw new InvalidEndpointRequestException(e.getMessage(),
                    "The database is open read-only (strata.read-only=true): it cannot " + operation, e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operation", operation);
        m.put("millis", (System.nanoTime() - start) / 1_000_000);
        m.put(STATS, StrataDatabaseReport.stats(db));
        return m;
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
