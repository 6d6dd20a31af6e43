package dev.strata.engine.commit;

import dev.strata.engine.memtable.Memtable;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.wal.CommitRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Applies the ops of one commit record to a memtable, under one seqno: the same code for a
 * commit, for recovery and (later) for a follower's apply, so they cannot disagree.
 *
 * <p>Within a record a later op wins. For point ops the skip list does that (same key and seqno
 * replaces). A delete-range tombstone only covers older seqnos, so a DELETE_RANGE also removes
 * the puts and deletes its own record made earlier in its range: this is why the keys of the
 * record are remembered until {@link #endRecord()}.
 *
 * <p>Not thread-safe: used by the committer under the commit lock, or by recovery.
 */
public final class MemtableApplier implements CommitRecord.OpVisitor {
    private Memtable memtable;
    private long seqno;
    private final List<byte[]> recordKeys = new ArrayList<>();

    public MemtableApplier(Memtable memtable) {
        this.memtable = memtable;
    }

    /** Starts applying the ops of the record with this seqno. */
    public void beginRecord(Memtable target, long recordSeqno) {
        this.memtable = target;
        this.seqno = recordSeqno;
        recordKeys.clear();
    }

    public void endRecord() {
        recordKeys.clear();
    }

    /** A single put from the caller's arrays (copied: the caller may reuse them); 0 = no expiry. */
    public void put(byte[] key, byte[] value, long expiresAt) {
        memtable.put(key.clone(), value.clone(), seqno, expiresAt);
    }

    /** A single delete from the caller's array (copied). */
    public void delete(byte[] key) {
        memtable.delete(key.clone(), seqno);
    }

    /** A single delete-range; nothing earlier in its record to remove. */
    public void deleteRange(byte[] start, byte[] end) {
        memtable.deleteRange(start.clone(), end.clone(), seqno);
    }

    @Override
    public void put(int cf, byte[] buf, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) {
        byte[] key = Arrays.copyOfRange(buf, keyOff, keyOff + keyLen);
        memtable.put(key, Arrays.copyOfRange(buf, valueOff, valueOff + valueLen), seqno, expiresAt);
        recordKeys.add(key);
    }

    @Override
    public void delete(int cf, byte[] buf, int keyOff, int keyLen) {
        byte[] key = Arrays.copyOfRange(buf, keyOff, keyOff + keyLen);
        memtable.delete(key, seqno);
        recordKeys.add(key);
    }

    @Override
    public void deleteRange(int cf, byte[] buf, int startOff, int startLen, int endOff, int endLen) {
        byte[] start = Arrays.copyOfRange(buf, startOff, startOff + startLen);
        byte[] end = Arrays.copyOfRange(buf, endOff, endOff + endLen);
        for (byte[] k : recordKeys) {
            if (Bytes.compare(k, start) >= 0 && Bytes.compare(k, end) < 0) {
                memtable.removeExact(k, seqno);
            }
        }
        memtable.deleteRange(start, end, seqno);
    }
}
