package dev.strata.engine.event;

/**
 * Receives an event's arguments ({@link EventBus#notify}). Runs on the bus's delivery thread,
 * never on the notifying thread; an exception it throws is logged and does not stop the
 * listeners after it.
 */
@FunctionalInterface
public interface EventListener {
    void onEvent(Object... args);
}
