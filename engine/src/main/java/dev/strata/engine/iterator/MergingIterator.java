package dev.strata.engine.iterator;

import dev.strata.engine.util.Bytes;

import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges several {@link InternalIterator}s (memtables, SSTables, levels) into one stream in
 * internal-key order: user key ascending, seqno descending. Ties on both cannot happen (a seqno
 * belongs to one source for a given key). Forward uses a min-heap, backward a max-heap; like its
 * children, the merged iterator is used in one direction after each seek.
 *
 * <p>Owns its children: {@link #close()} closes them all.
 */
public final class MergingIterator implements InternalIterator {
    private final InternalIterator[] children;
    private final PriorityQueue<InternalIterator> forward;
    private final PriorityQueue<InternalIterator> backward;
    private PriorityQueue<InternalIterator> heap;
    private InternalIterator current;

    public MergingIterator(List<InternalIterator> children) {
        this.children = children.toArray(new InternalIterator[0]);
        int n = Math.max(1, this.children.length);
        this.forward = new PriorityQueue<>(n, MergingIterator::compare);
        this.backward = new PriorityQueue<>(n, (a, b) -> compare(b, a));
    }

    static int compare(InternalIterator a, InternalIterator b) {
        int c = Bytes.compare(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.seqno(), a.seqno());
    }

    private void rebuild(PriorityQueue<InternalIterator> h) {
        h.clear();
        for (InternalIterator c : children) {
            if (c.valid()) {
                h.add(c);
            }
        }
        heap = h;
        current = h.poll();
    }

    @Override
    public boolean valid() {
        return current != null;
    }

    @Override
    public void seekToFirst() {
        for (InternalIterator c : children) {
            c.seekToFirst();
        }
        rebuild(forward);
    }

    @Override
    public void seekToLast() {
        for (InternalIterator c : children) {
            c.seekToLast();
        }
        rebuild(backward);
    }

    @Override
    public void seek(byte[] key) {
        for (InternalIterator c : children) {
            c.seek(key);
        }
        rebuild(forward);
    }

    @Override
    public void seekForPrev(byte[] key) {
        for (InternalIterator c : children) {
            c.seekForPrev(key);
        }
        rebuild(backward);
    }

    @Override
    public void next() {
        step(true);
    }

    @Override
    public void prev() {
        step(false);
    }

    private void step(boolean forwardStep) {
        InternalIterator c = current;
        if (forwardStep) {
            c.next();
        } else {
            c.prev();
        }
        if (c.valid()) {
            heap.add(c);
        }
        current = heap.poll();
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
        for (InternalIterator c : children) {
            c.close();
        }
    }
}
