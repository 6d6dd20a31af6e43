package dev.strata.engine.commit;

import dev.strata.engine.lsm.LsmStore;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.util.ByteReader.Malformed;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.wal.CommitRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Applies the ops of one commit record to the memtables of the column families they name, under
 * one seqno: the same code for a commit, for recovery and (later) for a follower's apply, so they
 * cannot disagree.
 *
 * <p>Within a record a later op wins. For point ops the skip list does that (same key and seqno
 * replaces). A delete-range tombstone only covers older seqnos, so a DELETE_RANGE also removes
 * the puts and deletes its own record made earlier in its range: this is why the keys of the
 * record are remembered until {@link #endRecord()}.
 *
 * <p>Column families. A live commit names only families that exist (the pipeline checks under
 * its lock). Recovery skips an op whose family has already flushed the record's seqno, and an op
 * of a family dropped before the manifest was written; an op naming an id never handed out is
 * corruption. CF_CREATE and CF_DROP change the store's family set in memory; the caller writes
 * the manifest and lets a dropped family's tables go ({@link #takeDropped()}).
 *
 * <p>Not thread-safe: used by the committer under the commit lock, or by recovery.
 */
public final class MemtableApplier implements CommitRecord.OpVisitor {
    private final LsmStore store;
    private final boolean recovering;
    private long seqno;
    private final List<LsmTree> recordTrees = new ArrayList<>();
    private final List<byte[]> recordKeys = new ArrayList<>();
    private final List<LsmTree> touched = new ArrayList<>(4);
    private final List<LsmTree> dropped = new ArrayList<>(1);

    /** @param recovering apply a replayed WAL (skip what families have flushed) rather than live commits */
    public MemtableApplier(LsmStore store, boolean recovering) {
        this.store = store;
        this.recovering = recovering;
    }

    /** Starts applying the ops of the record with this seqno. */
    public void beginRecord(long recordSeqno) {
        this.seqno = recordSeqno;
        recordTrees.clear();
        recordKeys.clear();
        touched.clear();
    }

    /** Ends the record: every commit up to it is now in the memtables. */
    public void endRecord() {
        recordTrees.clear();
        recordKeys.clear();
        store.recordApplied(seqno);
    }

    /** The families whose memtables this record wrote (valid until the next record begins). */
    public List<LsmTree> touched() {
        return touched;
    }

    /** The families replayed records dropped since the last call; recovery persists and releases them. */
    public List<LsmTree> takeDropped() {
        List<LsmTree> out = new ArrayList<>(dropped);
        dropped.clear();
        return out;
    }

    /** A single put from the caller's arrays (copied: the caller may reuse them); 0 = no expiry. */
    public void put(LsmTree tree, byte[] key, byte[] value, long expiresAt) {
        tree.activeMemtable().put(key.clone(), value.clone(), seqno, expiresAt);
        touched.add(tree);
    }

    /** A single delete from the caller's array (copied). */
    public void delete(LsmTree tree, byte[] key) {
        tree.activeMemtable().delete(key.clone(), seqno);
        touched.add(tree);
    }

    /** A single delete-range; nothing earlier in its record to remove. */
    public void deleteRange(LsmTree tree, byte[] start, byte[] end) {
        tree.activeMemtable().deleteRange(start.clone(), end.clone(), seqno);
        touched.add(tree);
    }

    /** The tree an op of family {@code cf} goes to, or null if the op is to be skipped. */
    private LsmTree target(int cf, int offset) throws Malformed {
        LsmTree tree = store.family(cf);
        if (tree == null) {
            if (recovering && store.issuedBeforeOpen(cf)) {
                return null; // a family dropped (and written so to the manifest) after this record
            }
            throw new Malformed("op for column family " + cf + ", which does not exist", offset);
        }
        if (recovering && seqno <= tree.flushedSeqno()) {
            return null; // already in the family's tables
        }
        if (!touched.contains(tree)) {
            touched.add(tree);
        }
        return tree;
    }

    @Override
    public void put(int cf, byte[] buf, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) throws Malformed {
        LsmTree tree = target(cf, keyOff);
        if (tree == null) {
            return;
        }
        byte[] key = Arrays.copyOfRange(buf, keyOff, keyOff + keyLen);
        tree.activeMemtable().put(key, Arrays.copyOfRange(buf, valueOff, valueOff + valueLen), seqno, expiresAt);
        recordTrees.add(tree);
        recordKeys.add(key);
    }

    @Override
    public void delete(int cf, byte[] buf, int keyOff, int keyLen) throws Malformed {
        LsmTree tree = target(cf, keyOff);
        if (tree == null) {
            return;
        }
        byte[] key = Arrays.copyOfRange(buf, keyOff, keyOff + keyLen);
        tree.activeMemtable().delete(key, seqno);
        recordTrees.add(tree);
        recordKeys.add(key);
    }

    @Override
    public void deleteRange(int cf, byte[] buf, int startOff, int startLen, int endOff, int endLen) throws Malformed {
        LsmTree tree = target(cf, startOff);
        if (tree == null) {
            return;
        }
        byte[] start = Arrays.copyOfRange(buf, startOff, startOff + startLen);
        byte[] end = Arrays.copyOfRange(buf, endOff, endOff + endLen);
        for (int i = 0; i < recordKeys.size(); i++) {
            byte[] k = recordKeys.get(i);
            if (recordTrees.get(i) == tree && Bytes.compare(k, start) >= 0 && Bytes.compare(k, end) < 0) {
                tree.activeMemtable().removeExact(k, seqno);
            }
        }
        tree.activeMemtable().deleteRange(start, end, seqno);
    }

    @Override
    public void createColumnFamily(int cf, String name) throws Malformed {
        if (store.family(cf) != null) {
            if (recovering) {
                return; // the manifest already names it
            }
            throw new Malformed("column family " + cf + " exists", 0);
        }
        if (recovering && store.issuedBeforeOpen(cf)) {
            return; // created and dropped before the manifest was written
        }
        if (store.family(name) != null) {
            throw new Malformed("a column family named '" + name + "' exists", 0);
        }
        store.addFamily(cf, name, seqno);
    }

    @Override
    public void dropColumnFamily(int cf) throws Malformed {
        LsmTree tree = store.removeFamily(cf);
        if (tree == null && !(recovering && store.issuedBeforeOpen(cf))) {
            throw new Malformed("drop of column family " + cf + ", which does not exist", 0);
        }
        if (tree != null) {
            touched.remove(tree);
            if (recovering) {
                dropped.add(tree); // a live drop is finished by the caller that asked for it
            }
        }
    }
}
