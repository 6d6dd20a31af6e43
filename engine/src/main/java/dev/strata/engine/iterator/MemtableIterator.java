package dev.strata.engine.iterator;

import dev.strata.engine.memtable.MemKey;
import dev.strata.engine.memtable.Memtable;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;

/**
 * {@link InternalIterator} over a memtable's skip list. Forward and backward each use the skip
 * list's own iterator (O(1) per step); the skip list is weakly consistent, so entries inserted
 * meanwhile may or may not be seen, and the reader's seqno filter hides them either way.
 */
public final class MemtableIterator implements InternalIterator {
    private final NavigableMap<MemKey, Object> entries;
    private Iterator<Map.Entry<MemKey, Object>> it;
    private Map.Entry<MemKey, Object> current;

    public MemtableIterator(Memtable memtable) {
        this.entries = memtable.entries();
    }

    private void advance() {
        current = it.hasNext() ? it.next() : null;
    }

    @Override
    public boolean valid() {
        return current != null;
    }

    @Override
    public void seekToFirst() {
        it = entries.entrySet().iterator();
        advance();
    }

    @Override
    public void seekToLast() {
        it = entries.descendingMap().entrySet().iterator();
        advance();
    }

    @Override
    public void seek(byte[] key) {
        it = entries.tailMap(new MemKey(key, Long.MAX_VALUE), true).entrySet().iterator();
        advance();
    }

    @Override
    public void seekForPrev(byte[] key) {
        // (key, 0) sorts after every real version of key (seqnos start at 1).
        it = entries.headMap(new MemKey(key, 0), true).descendingMap().entrySet().iterator();
        advance();
    }

    @Override
    public void next() {
        advance();
    }

    @Override
    public void prev() {
        advance();
    }

    @Override
    public byte[] key() {
        return current.getKey().key();
    }

    @Override
    public long seqno() {
        return current.getKey().seqno();
    }

    @Override
    public boolean isTombstone() {
        return current.getValue() == Memtable.TOMBSTONE;
    }

    @Override
    public byte[] value() {
        return Memtable.valueOf(current.getValue());
    }

    @Override
    public long expiresAt() {
        return Memtable.expiresAtOf(current.getValue());
    }

    @Override
    public void close() {
        it = null;
        current = null;
    }
}
