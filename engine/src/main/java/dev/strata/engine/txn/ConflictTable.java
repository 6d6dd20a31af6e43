package dev.strata.engine.txn;

import dev.strata.engine.util.CfKey;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The cheap half of conflict checking: a fixed table of slots, hash(family, key) to the highest
 * seqno that wrote a key of that slot, updated for every op of every commit (plain writes too)
 * under the commit lock, plus the seqno of the last delete-range (which no slot can name). A
 * transaction asks "may anything have written this key after my snapshot?": a slot at or below
 * the snapshot, and no delete-range since, answers no for certain; otherwise
 * {@link ConflictChecker} looks at the data itself. Collisions only cost that exact look.
 *
 * <p>Invariants: slots and {@link #rangeDeleteSeqno} only grow; they are written under the commit
 * lock before the commit they record is visible, so a validator (also under the commit lock)
 * sees every commit ordered before it.
 */
final class ConflictTable {
    /** 32,768 slots (256 KiB): few false hits while thousands of commits overlap a transaction. */
    static final int SLOTS = 1 << 15;

    private final AtomicLongArray slots;
    private final int mask;
    private volatile long rangeDeleteSeqno;

    ConflictTable() {
        this(SLOTS);
    }

    ConflictTable(int slotsPowerOfTwo) {
        this.slots = new AtomicLongArray(slotsPowerOfTwo);
        this.mask = slotsPowerOfTwo - 1;
    }

    private int index(int cf, byte[] buf, int off, int len) {
        return (int) CfKey.hash64(cf, buf, off, len) & mask;
    }

    /** A commit with {@code seqno} wrote the key in {@code buf[off, off + len)}. Commit lock held. */
    void recordWrite(int cf, byte[] buf, int off, int len, long seqno) {
        slots.lazySet(index(cf, buf, off, len), seqno);
    }

    /** A commit with {@code seqno} removed a range. Commit lock held. */
    void recordRangeDelete(long seqno) {
        rangeDeleteSeqno = seqno;
    }

    long rangeDeleteSeqno() {
        return rangeDeleteSeqno;
    }

    /**
     * False only if no commit after {@code seqno} can have written the key whose hash is
     * {@code hash}: the low half of {@link CfKey#hash64}, which is also a {@link CfKey}'s
     * {@code hashCode()}, so a tracked key's is not computed again.
     */
    boolean mayHaveChangedAfter(int hash, long seqno) {
        return slots.get(hash & mask) > seqno || rangeDeleteSeqno > seqno;
    }
}
