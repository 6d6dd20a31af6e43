package dev.strata.engine.lsm;

/**
 * The state of one point lookup as it goes from the newest source to the oldest: the newest
 * covering range tombstone seen so far and, once a source holds a version of the key, that
 * version. A version older than a covering tombstone, or a point tombstone, reads as absent.
 */
final class LookupResult {
    long tombstoneSeqno;
    boolean decided;
    byte[] value;

    void coverTombstone(long seqno) {
        if (seqno > tombstoneSeqno) {
            tombstoneSeqno = seqno;
        }
    }

    /** The wall time expiry is judged by. */
    long now;

    /** The newest version (a null value is a point tombstone; an expired put reads as absent). */
    void found(long seqno, byte[] v, long expiresAt) {
        decided = true;
        value = seqno < tombstoneSeqno || (expiresAt != 0 && expiresAt <= now) ? null : v;
    }
}
