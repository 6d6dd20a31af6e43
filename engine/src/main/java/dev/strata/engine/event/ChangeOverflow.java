package dev.strata.engine.event;

/**
 * Changes a subscription could not be given because its queue was full (its listener fell
 * behind): every change under the prefix committed with a seqno in
 * [{@code firstSeqno}, {@code lastSeqno}] may be missing, at least {@code droppedChanges} of them
 * are. A listener that keeps a copy of the data re-reads the prefix.
 */
public record ChangeOverflow(long firstSeqno, long lastSeqno, long droppedChanges) {
}
