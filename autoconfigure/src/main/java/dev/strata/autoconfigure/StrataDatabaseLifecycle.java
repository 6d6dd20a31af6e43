package dev.strata.autoconfigure;

import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Flushes and closes the database when the application context closes, after the web server has
 * stopped taking requests, so no request in flight meets a closed database.
 *
 * <p>Why {@link #PHASE}: Spring stops lifecycles from the highest phase to the lowest. In Boot
 * 4.0.7 the web server's graceful shutdown runs at {@code Integer.MAX_VALUE - 1024} (it waits
 * for in-flight requests) and the server itself stops at {@code Integer.MAX_VALUE - 2048}; this
 * lifecycle sits one step of 1024 lower, so it stops after both. Lifecycles at the default phase
 * ({@code Integer.MAX_VALUE}, e.g. message listener containers) also stop before it, so they can
 * still write while they drain. At start-up the order is reversed, which does not matter: the
 * database is already open when its bean exists.
 *
 * <p>A plain {@code stop()} of the context (or a pause) only flushes: the database stays open,
 * since the context may start again and beans keep their reference to it. Only the stop that is
 * part of closing the context (seen through {@link ContextClosedEvent}, which Spring publishes
 * before it stops lifecycles) closes the database. Created by {@link StrataAutoConfiguration}.
 */
public class StrataDatabaseLifecycle implements SmartLifecycle, ApplicationListener<ContextClosedEvent>,
        ApplicationContextAware {

    /** One step below the web server's stop phase: see the class comment. */
    public static final int PHASE = Integer.MAX_VALUE - 3072;

    private static final Log LOG = LogFactory.getLog(StrataDatabaseLifecycle.class);

    private final StrataDatabase database;
    private ApplicationContext context;
    private volatile boolean running;
    private volatile boolean contextClosing;

    public StrataDatabaseLifecycle(StrataDatabase database) {
        this.database = database;
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        // A child context's event also reaches the parent's listeners: only our own counts.
        if (event.getApplicationContext() == context) {
            contextClosing = true;
        }
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (database.isClosed()) {
            return;
        }
        flush();
        if (contextClosing) {
            close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Writes the memtables to tables, so the next open replays no WAL. A database that refuses
     * writes cannot flush; what it acknowledged is in the WAL and is recovered at the next open,
     * so shutdown goes on to close it.
     */
    private void flush() {
        try {
            database.flush();
        } catch (ReadOnlyException e) {
            // A read-only open has nothing of its own to flush.
            LOG.debug("Strata database " + database.path() + " is read-only; nothing to flush", e);
        } catch (StrataException e) {
            LOG.error("Flushing Strata database " + database.path() + " at shutdown failed; the next open "
                    + "recovers every acknowledged commit from the WAL", e);
        }
    }

    private void close() {
        try {
            database.close();
            LOG.info("Strata database " + database.path() + " closed");
        } catch (StrataException e) {
            // Shutdown goes on; acknowledged commits are in the WAL and recovered at the next open.
            LOG.error("Closing Strata database " + database.path() + " failed", e);
        }
    }
}
