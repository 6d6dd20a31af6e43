package dev.strata.autoconfigure.endpoint;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.backup.StrataBackupAutoConfiguration;
import dev.strata.autoconfigure.backup.StrataBackups;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * The {@code strata} endpoint, when Actuator's auto-configuration is on the class path, one
 * database bean exists, and the endpoint is available: exposed (e.g.
 * {@code management.endpoints.web.exposure.include=strata}) and not switched off with
 * {@code management.endpoint.strata.access=none}. An application {@link StrataEndpoint} bean
 * replaces this one. With a {@link StrataBackups} bean it also lists backups and can take one.
 */
@AutoConfiguration(after = {StrataAutoConfiguration.class, StrataBackupAutoConfiguration.class})
@ConditionalOnClass({StrataDatabase.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnSingleCandidate(StrataDatabase.class)
public class StrataEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(StrataEndpoint.class)
    public StrataEndpoint strataEndpoint(StrataDatabase database, ObjectProvider<StrataOptions> options,
                                         ObjectProvider<StrataBackups> backups) {
        return new StrataEndpoint(database, options.getIfUnique(), backups.getIfUnique());
    }
}
