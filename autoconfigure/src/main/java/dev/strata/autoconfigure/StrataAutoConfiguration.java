package dev.strata.autoconfigure;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Opens a {@link StrataDatabase} from the {@code strata.*} properties at start-up and flushes and
 * closes it at shutdown, after the web server has stopped taking requests
 * ({@link StrataDatabaseLifecycle}). Every bean backs off when the application defines its own:
 * a {@link StrataOptions} bean replaces the properties (customizers are then not applied), a
 * {@link StrataDatabase} bean replaces the opening (and the options bean is not created, since
 * nothing would use it). {@code strata.enabled=false} turns all of it off.
 *
 * <p>Health, metrics and the {@code strata} endpoint are separate auto-configurations, each there
 * only when its part of Actuator is on the class path.
 */
@AutoConfiguration
@ConditionalOnClass(StrataDatabase.class)
@ConditionalOnBooleanProperty(name = "strata.enabled", matchIfMissing = true)
@EnableConfigurationProperties(StrataProperties.class)
public class StrataAutoConfiguration {

    /** The options from the properties, then every {@link StrataOptionsCustomizer} in order. */
    @Bean
    @ConditionalOnMissingBean({StrataOptions.class, StrataDatabase.class})
    public StrataOptions strataOptions(StrataProperties properties, ObjectProvider<StrataOptionsCustomizer> customizers) {
        StrataOptions options = StrataOptions.defaults();
        for (StrataOptionProperty property : StrataOptionProperty.ALL) {
            property.apply(properties, options);
        }
        customizers.orderedStream().forEach(c -> c.customize(options));
        return options;
    }

    /**
     * The database, open once this bean exists. Closing is the lifecycle's job; {@code close} is
     * also the (inferred) destroy method, so a context that fails before its lifecycle starts
     * still releases the directory lock. {@code close} is idempotent.
     */
    @Bean
    @ConditionalOnMissingBean
    public StrataDatabase strataDatabase(StrataProperties properties, StrataOptions options) {
        return StrataDatabase.open(databasePath(properties.getPath()), options);
    }

    /** Creates the families of {@code strata.column-families} (none by default) and reaches any family by name. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(StrataDatabase.class)
    public StrataColumnFamilies strataColumnFamilies(StrataDatabase database, StrataProperties properties) {
        return new StrataColumnFamilies(database, properties.getColumnFamilies());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(StrataDatabase.class)
    public StrataDatabaseLifecycle strataDatabaseLifecycle(StrataDatabase database) {
        return new StrataDatabaseLifecycle(database);
    }

    static Path databasePath(String path) {
        if (path == null || path.isBlank()) {
            throw new InvalidConfigurationPropertyValueException("strata.path", path,
                    "The database needs a directory; the default is ./data.");
        }
        try {
            return Path.of(path);
        } catch (InvalidPathException e) {
            throw new InvalidConfigurationPropertyValueException("strata.path", path,
                    "Not a valid path on this file system: " + e.getReason() + ".");
        }
    }
}
