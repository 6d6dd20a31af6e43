package dev.strata.autoconfigure;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Finds the cause of a start-up failure that tests assert on, however deep Spring wrapped it. */
public final class Causes {

    private Causes() {
    }

    public static <T extends Throwable> T ofType(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " among the causes of " + failure, failure);
    }

    /** Asserts that the context failed to start over an invalid property, and returns that failure. */
    public static InvalidConfigurationPropertyValueException invalidProperty(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        return ofType(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
    }
}
