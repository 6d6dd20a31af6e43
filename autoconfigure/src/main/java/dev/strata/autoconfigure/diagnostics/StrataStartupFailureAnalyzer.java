package dev.strata.autoconfigure.diagnostics;

import dev.strata.autoconfigure.StrataOptionProperty;
import dev.strata.engine.ErrorCode;
import dev.strata.engine.StrataException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

import java.util.Optional;

/**
 * Turns a failure to open the auto-configured database into Boot's "APPLICATION FAILED TO START"
 * description and action instead of a stack trace from inside the engine. Two cases:
 * <ul>
 *   <li>{@code ERR_INVALID_ARGUMENT}: the engine's message starts with the option's name
 *       ("memtableSize must be at least 4 KiB, was 1024"); {@link StrataOptionProperty} maps it
 *       back to the property ({@code strata.memtable-size}), whose value and origin (file and
 *       line) are read from the environment.</li>
 *   <li>{@code ERR_LOCKED}: another process, or another open in this JVM, writes the directory.</li>
 * </ul>
 * Only failures of the {@code strataDatabase} bean are analysed: the same exception thrown by
 * application code is the application's own bug and keeps its stack trace. Registered in
 * {@code META-INF/spring.factories}; Boot passes the {@link Environment} to the constructor.
 */
public class StrataStartupFailureAnalyzer extends AbstractFailureAnalyzer<StrataException> {

    /** The auto-configured database's bean name (its {@code @Bean} method). */
    static final String DATABASE_BEAN = "strataDatabase";

    private final Environment environment;

    public StrataStartupFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StrataException cause) {
        if (!failedCreating(rootFailure)) {
            return null;
        }
        if (cause.code() == ErrorCode.LOCKED) {
            return locked(cause);
        }
        if (cause.code() == ErrorCode.INVALID_ARGUMENT) {
            String reason = engineMessage(cause);
            return StrataOptionProperty.forOption(firstWord(reason)).map(p -> invalid(p, reason, cause)).orElse(null);
        }
        return null;
    }

    private static boolean failedCreating(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BeanCreationException b && DATABASE_BEAN.equals(b.getBeanName())) {
                return true;
            }
        }
        return false;
    }

    private FailureAnalysis invalid(StrataOptionProperty property, String reason, StrataException cause) {
        String name = property.propertyName();
        Optional<ConfigurationProperty> bound = find(name);
        String setting = bound.map(b -> "Invalid value '" + b.getValue() + "' for configuration property '" + name + "'"
                        + (b.getOrigin() != null ? " (originating from '" + b.getOrigin() + "')" : ""))
                .orElse("Configuration property '" + name + "' is not set, so it has the engine's default"
                        + " (unless a StrataOptionsCustomizer changed it), and that value is invalid here");
        return new FailureAnalysis(setting + ": " + reason + ".",
                "Update " + name + " in your application's configuration; Strata's docs/spring.md lists "
                        + "every strata.* property with its range and default.", cause);
    }

    private FailureAnalysis locked(StrataException cause) {
        String path = find("strata.path").map(b -> String.valueOf(b.getValue())).orElse("./data");
        return new FailureAnalysis("The Strata database in '" + path + "' (strata.path) could not be opened for writing: "
                + engineMessage(cause) + ". One process, and one open within it, may write a database directory.",
                "Stop the other application (or the other StrataDatabase in this one) that has the directory open, "
                        + "set strata.path to another directory, or set strata.read-only=true to open it read-only "
                        + "beside the writer.", cause);
    }

    private Optional<ConfigurationProperty> find(String name) {
        ConfigurationPropertyName key = ConfigurationPropertyName.of(name);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty p = source.getConfigurationProperty(key);
            if (p != null) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The message without the {@code ERR_*} prefix that {@link StrataException#getMessage} adds. */
    private static String engineMessage(StrataException e) {
        String message = String.valueOf(e.getMessage());
        String prefix = e.code().id() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static String firstWord(String s) {
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }
}
