package dev.strata.engine.txn;

import dev.strata.engine.ClosedException;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.util.Bytes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * A range iterator inside a transaction: the database's iterator at the transaction's snapshot,
 * merged with the transaction's own writes in the range (they win on equal keys; its removes and
 * removed ranges hide keys). The transaction's writes in the range are copied when the iterator
 * is created, so writing while iterating is allowed and not seen by it. Bounds, direction,
 * keys-only and the limit are the range options' (the limit counts merged entries).
 *
 * <p>Closed with its transaction (later calls throw {@link ClosedException}). Not thread-safe.
 */
final class TransactionIterator implements StrataIterator<KeyValue> {
    private final Transaction txn;
    private final StrataIterator<KeyValue> base;
    private final Iterator<Map.Entry<byte[], Object>> own;
    private final WriteOverlay.Family ownRanges;
    private final boolean reverse;
    private final boolean keysOnly;
    private final long now;
    private long remaining;

    private KeyValue baseNext;
    private Map.Entry<byte[], Object> ownNext;
    private KeyValue next;
    private boolean closed;

    TransactionIterator(Transaction txn, StrataIterator<KeyValue> base, WriteOverlay.Family family, RangeOptions range,
                        long now) {
        this.txn = txn;
        this.base = base;
        this.reverse = range.reverse();
        this.keysOnly = range.keysOnly();
        this.remaining = range.limit();
        this.now = now;
        if (family == null) {
            this.own = Collections.emptyIterator();
            this.ownRanges = null;
        } else {
            NavigableMap<byte[], Object> inRange = bounded(family.entries(), range);
            this.own = new ArrayList<>((reverse ? inRange.descendingMap() : inRange).entrySet()).iterator();
            WriteOverlay.Family copy = new WriteOverlay.Family(family.cf);
            copy.removedRanges = List.copyOf(family.removedRanges);
            this.ownRanges = copy;
        }
    }

    private static NavigableMap<byte[], Object> bounded(TreeMap<byte[], Object> entries, RangeOptions r) {
        NavigableMap<byte[], Object> m = entries;
        if (r.start() != null) {
            m = m.tailMap(r.start(), r.startInclusive());
        }
        if (r.end() != null) {
            m = m.headMap(r.end(), r.endInclusive());
        }
        return m;
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            throw new ClosedException("iterator is closed");
        }
        txn.checkActive();
        if (next == null && remaining > 0) {
            next = advance();
            if (next != null) {
                remaining--;
            }
        }
        return next != null;
    }

    @Override
    public KeyValue next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        KeyValue kv = next;
        next = null;
        return kv;
    }

    /** The next merged entry, or null at the end. */
    private KeyValue advance() {
        while (true) {
            if (baseNext == null && base.hasNext()) {
                baseNext = base.next();
            }
            if (ownNext == null && own.hasNext()) {
                ownNext = own.next();
            }
            if (baseNext == null && ownNext == null) {
                return null;
            }
            boolean takeOwn;
            if (baseNext == null || ownNext == null) {
                takeOwn = baseNext == null;
            } else {
                int c = Bytes.compare(ownNext.getKey(), baseNext.key());
                takeOwn = reverse ? c >= 0 : c <= 0;
                if (c == 0) {
                    baseNext = null; // the transaction's write supersedes the committed version
                }
            }
            if (takeOwn) {
                Map.Entry<byte[], Object> e = ownNext;
                ownNext = null;
                Object v = WriteOverlay.live(e.getValue(), now);
                if (v != WriteOverlay.REMOVED) {
                    return new KeyValue(e.getKey().clone(), keysOnly ? null : ((byte[]) v).clone());
                }
            } else {
                KeyValue kv = baseNext;
                baseNext = null;
                if (ownRanges == null || !ownRanges.rangeRemoved(kv.key())) {
                    return kv;
                }
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            base.close();
        }
    }

    /** Closes every iterator in {@code open} (the transaction ended). */
    static void closeAll(List<TransactionIterator> open) {
        for (TransactionIterator it : open) {
            it.close();
        }
        open.clear();
    }
}
