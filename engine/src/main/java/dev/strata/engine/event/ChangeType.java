package dev.strata.engine.event;

/** What a committed change did. */
public enum ChangeType {
    /** Set a key to a value (with or without a time-to-live). */
    PUT,
    /** Removed a key. */
    REMOVE,
    /** Removed every key in [key, end). */
    DELETE_RANGE
}
