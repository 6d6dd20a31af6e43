package dev.strata.engine.lsm;

import dev.strata.engine.iterator.InternalIterator;
import dev.strata.engine.util.Bytes;

import java.util.List;

/**
 * {@link InternalIterator} over one level below L0, whose tables hold disjoint point keys in key
 * order: it walks the tables one after another, opening each table's iterator only when reached,
 * so a seek costs one binary search over the level plus one table seek, not one per table.
 */
final class LevelIterator implements InternalIterator {
    private final List<TableHandle> tables;
    private int index = -1;
    private TableInternalIterator current;

    LevelIterator(List<TableHandle> tables) {
        this.tables = tables;
    }

    private void open(int i) {
        index = i;
        current = i >= 0 && i < tables.size() ? new TableInternalIterator(tables.get(i)) : null;
    }

    /** Moves forward past exhausted tables. */
    private void skipForward() {
        while (current != null && !current.valid()) {
            open(index + 1);
            if (current != null) {
                current.seekToFirst();
            }
        }
    }

    private void skipBackward() {
        while (current != null && !current.valid()) {
            open(index - 1);
            if (current != null) {
                current.seekToLast();
            }
        }
    }

    /** The first table whose largest key is &gt;= key. */
    private int firstTableAtOrAfter(byte[] key) {
        int lo = 0;
        int hi = tables.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Bytes.compare(tables.get(mid).meta().largestKey(), key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The last table whose smallest key is &lt;= key. */
    private int lastTableAtOrBefore(byte[] key) {
        int lo = 0;
        int hi = tables.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Bytes.compare(tables.get(mid).meta().smallestKey(), key) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    @Override
    public boolean valid() {
        return current != null && current.valid();
    }

    @Override
    public void seekToFirst() {
        open(0);
        if (current != null) {
            current.seekToFirst();
        }
        skipForward();
    }

    @Override
    public void seekToLast() {
        open(tables.size() - 1);
        if (current != null) {
            current.seekToLast();
        }
        skipBackward();
    }

    @Override
    public void seek(byte[] key) {
        open(firstTableAtOrAfter(key));
        if (current != null) {
            current.seek(key);
        }
        skipForward();
    }

    @Override
    public void seekForPrev(byte[] key) {
        open(lastTableAtOrBefore(key));
        if (current != null) {
            current.seekForPrev(key);
        }
        skipBackward();
    }

    @Override
    public void next() {
        current.next();
        skipForward();
    }

    @Override
    public void prev() {
        current.prev();
        skipBackward();
    }

    @Override
    public byte[] key() {
        return current.key();
    }

    @Override
    public long seqno() {
        return current.seqno();
    }

    @Override
    public boolean isTombstone() {
        return current.isTombstone();
    }

    @Override
    public byte[] value() {
        return current.value();
    }

    @Override
    public long expiresAt() {
        return current.expiresAt();
    }

    @Override
    public void close() {
        current = null;
    }
}
