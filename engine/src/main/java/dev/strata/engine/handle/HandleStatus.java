package dev.strata.engine.handle;

/**
 * Counts from the handle registry: open iterators, open snapshots, other open handles, and how
 * many handles were found still open (and invalidated) when the database closed.
 */
public record HandleStatus(long openIterators, long openSnapshots, long openOther, long leakedAtClose) {
    public static final String ITERATOR = "iterator";
    public static final String SNAPSHOT = "snapshot";
}
