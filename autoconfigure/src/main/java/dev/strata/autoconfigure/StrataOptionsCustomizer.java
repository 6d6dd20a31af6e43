package dev.strata.autoconfigure;

import dev.strata.engine.StrataOptions;

/**
 * A hook to change the {@link StrataOptions} that the auto-configuration builds from the
 * {@code strata.*} properties, before the database opens: for what has no property (a custom
 * {@link dev.strata.engine.vfs.Storage}, a clock) or needs code. Every customizer bean is applied,
 * in {@link org.springframework.core.annotation.Order} order, after the properties.
 */
@FunctionalInterface
public interface StrataOptionsCustomizer {

    void customize(StrataOptions options);
}
