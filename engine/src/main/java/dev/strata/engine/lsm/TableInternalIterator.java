package dev.strata.engine.lsm;

import dev.strata.engine.iterator.InternalIterator;
import dev.strata.engine.sst.TableFormat;
import dev.strata.engine.sst.TableIterator;

/** {@link InternalIterator} over one SSTable. */
final class TableInternalIterator implements InternalIterator {
    private final TableIterator it;

    TableInternalIterator(TableHandle table) {
        this.it = table.reader().iterator();
    }

    @Override
    public boolean valid() {
        return it.valid();
    }

    @Override
    public void seekToFirst() {
        it.seekToFirst();
    }

    @Override
    public void seekToLast() {
        it.seekToLast();
    }

    @Override
    public void seek(byte[] key) {
        it.seek(key);
    }

    @Override
    public void seekForPrev(byte[] key) {
        it.seekForPrev(key);
    }

    @Override
    public void next() {
        it.next();
    }

    @Override
    public void prev() {
        it.prev();
    }

    @Override
    public byte[] key() {
        return it.userKey();
    }

    @Override
    public long seqno() {
        return it.seqno();
    }

    @Override
    public boolean isTombstone() {
        return it.kind() == TableFormat.KIND_DELETE;
    }

    @Override
    public byte[] value() {
        return it.value();
    }

    @Override
    public long expiresAt() {
        return it.kind() == TableFormat.KIND_PUT_TTL ? it.expiresAt() : 0L;
    }

    @Override
    public void close() {
        // A table iterator holds no resources of its own; the table is held by the version.
    }
}
