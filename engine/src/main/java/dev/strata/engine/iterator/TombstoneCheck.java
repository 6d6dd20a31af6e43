package dev.strata.engine.iterator;

/** Answers: the newest delete-range tombstone visible at a snapshot covering a key (0 if none). */
@FunctionalInterface
public interface TombstoneCheck {
    long maxCoveringSeqno(byte[] key, long snapshot);
}
