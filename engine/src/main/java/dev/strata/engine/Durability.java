package dev.strata.engine;

/**
 * When a write is acknowledged, and so what a crash can lose. Concurrent writers share one WAL
 * append and one force (group commit) in every mode.
 *
 * <table>
 * <caption>What each mode can lose</caption>
 * <tr><th>mode</th><th>process crash (kill -9)</th><th>power loss / OS crash</th></tr>
 * <tr><td>SYNC</td><td>nothing acknowledged</td><td>nothing acknowledged</td></tr>
 * <tr><td>ASYNC</td><td>nothing acknowledged</td><td>writes acknowledged in the last
 *     {@code syncInterval}</td></tr>
 * <tr><td>NONE</td><td>everything since the last clean close or flush</td><td>the same</td></tr>
 * </table>
 */
public enum Durability {
    /** Acknowledged after the WAL record is forced to disk. */
    SYNC,
    /** Acknowledged after the WAL record is written to the OS; forced every {@code syncInterval}. */
    ASYNC,
    /** No WAL: data survives only a clean close (or, with SSTables, a flush). */
    NONE
}
