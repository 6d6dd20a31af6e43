package dev.strata.autoconfigure.view;

import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.StrataColumnFamilies;
import dev.strata.autoconfigure.StrataProperties;
import dev.strata.autoconfigure.transaction.StrataExceptionMapper;
import dev.strata.autoconfigure.transaction.StrataTemplate;
import dev.strata.autoconfigure.transaction.StrataTransactionAutoConfiguration;
import dev.strata.engine.StrataDatabase;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/**
 * Typed views: the {@code strataObjectCodecs} bean (JSON through the application's
 * {@code JsonMapper} bean when Jackson 3 is present and there is exactly one, strings and bytes
 * otherwise) and the {@code strataViews} factory. Views use the {@link StrataTemplate} bean, or a
 * template of their own when {@code strata.transaction.enabled=false} (they still join a bound
 * transaction). Each bean backs off for the application's; {@code strata.views.enabled=false}
 * turns them off.
 */
@AutoConfiguration(after = {StrataAutoConfiguration.class, StrataTransactionAutoConfiguration.class},
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(StrataDatabase.class)
@ConditionalOnBooleanProperty(name = {"strata.enabled", "strata.views.enabled"}, matchIfMissing = true)
@Import({StrataViewAutoConfiguration.JacksonCodecsConfiguration.class,
        StrataViewAutoConfiguration.BasicCodecsConfiguration.class})
public class StrataViewAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(StrataDatabase.class)
    public StrataViews strataViews(StrataDatabase database, StrataColumnFamilies families, StrataObjectCodecs codecs,
                                   StrataProperties properties, ObjectProvider<StrataTemplate> templates,
                                   ObjectProvider<StrataExceptionMapper> mappers) {
        StrataProperties.Transaction transaction = properties.getTransaction();
        StrataTemplate template = templates.getIfUnique(() -> new StrataTemplate(database,
                Math.max(0, transaction.getMaxRetries()), transaction.isCoordinatedRetry(),
                mappers.getIfUnique(() -> StrataExceptionMapper.ENGINE)));
        return new StrataViews(template, families, codecs);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JsonMapper.class)
    static class JacksonCodecsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        StrataObjectCodecs strataObjectCodecs(ObjectProvider<JsonMapper> mappers) {
            JsonMapper mapper = mappers.getIfUnique();
            return mapper != null ? new JacksonObjectCodecs(mapper) : StrataObjectCodecs.basic();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("tools.jackson.databind.json.JsonMapper")
    static class BasicCodecsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        StrataObjectCodecs strataObjectCodecs() {
            return StrataObjectCodecs.basic();
        }
    }
}
