package dev.strata.engine.sst;

import dev.strata.engine.util.Bytes;

import java.util.Arrays;

/**
 * An internal iterator over one table: every version of every key, in internal order (user key
 * ascending, seqno descending). It applies no snapshot, tombstone or TTL; the merging iterator
 * above it does. Created by {@link TableReader#iterator}; single-threaded.
 *
 * <p>Two-level: a cursor over the index block picks the data block, a cursor over that block
 * walks its entries, crossing to the next or previous block at the edges. Unpositioned (invalid)
 * until one of the seeks. Accessors are valid only while {@link #valid}; {@link #userKey} and
 * {@link #value} return copies.
 */
public final class TableIterator {
    private final TableReader table;
    private final Block.Iter index;
    private Block.Iter data;

    TableIterator(TableReader table, Block.Iter index) {
        this.table = table;
        this.index = index;
    }

    public boolean valid() {
        return data != null && data.valid();
    }

    public void seekToFirst() {
        index.seekToFirst();
        load();
        if (data != null) {
            data.seekToFirst();
        }
        skipForward();
    }

    public void seekToLast() {
        index.seekToLast();
        load();
        if (data != null) {
            data.seekToLast();
        }
        skipBackward();
    }

    /** Positions at the first entry whose user key is &gt;= {@code userKey} (its newest version). */
    public void seek(byte[] userKey) {
        seek(userKey, Long.MAX_VALUE);
    }

    /**
     * Positions at the first entry at or after ({@code userKey}, {@code seqno}) in internal
     * order: the newest version of {@code userKey} with seqno &lt;= {@code seqno}, or the first
     * entry after it.
     */
    public void seek(byte[] userKey, long seqno) {
        index.seek(userKey, 0, userKey.length, seqno);
        load();
        if (data != null) {
            data.seek(userKey, 0, userKey.length, seqno);
        }
        skipForward();
    }

    /**
     * Positions at the last entry whose user key is &lt;= {@code userKey}; in internal order
     * that is the oldest version of the largest such key.
     */
    public void seekForPrev(byte[] userKey) {
        // Every real seqno is >= 0, so (userKey, MIN_VALUE) sorts after all versions of userKey.
        seek(userKey, Long.MIN_VALUE);
        if (valid()) {
            prev();
        } else {
            seekToLast();
        }
    }

    public void next() {
        requireValid();
        data.next();
        skipForward();
    }

    public void prev() {
        requireValid();
        data.prev();
        skipBackward();
    }

    /** A copy of the current user key. */
    public byte[] userKey() {
        requireValid();
        return Arrays.copyOf(data.key(), data.keyLength());
    }

    public long seqno() {
        requireValid();
        return data.seqno();
    }

    /** {@link TableFormat#KIND_PUT}, {@code KIND_DELETE} or {@code KIND_PUT_TTL}. */
    public int kind() {
        requireValid();
        return data.kind();
    }

    /** A copy of the current value (empty for a tombstone; without the expiry for PUT_TTL). */
    public byte[] value() {
        requireValid();
        int off = data.valueOffset();
        int len = data.valueLength();
        if (data.kind() == TableFormat.KIND_PUT_TTL) {
            off += 8;
            len -= 8;
        }
        return Arrays.copyOfRange(data.data(), off, off + len);
    }

    /** Expiry of a PUT_TTL entry (ms since the epoch), else 0. */
    public long expiresAt() {
        requireValid();
        if (data.kind() != TableFormat.KIND_PUT_TTL) {
            return 0;
        }
        return Bytes.getLong(data.data(), data.valueOffset());
    }

    private void requireValid() {
        if (!valid()) {
            throw new IllegalStateException("iterator is not positioned on an entry");
        }
    }

    private void load() {
        data = index.valid() ? table.dataBlock(index).iterator() : null;
    }

    private void skipForward() {
        while (data == null || !data.valid()) {
            if (!index.valid()) {
                data = null;
                return;
            }
            index.next();
            load();
            if (data == null) {
                return;
            }
            data.seekToFirst();
        }
        table.checkEntry(data);
    }

    private void skipBackward() {
        while (data == null || !data.valid()) {
            if (!index.valid()) {
                data = null;
                return;
            }
            index.prev();
            load();
            if (data == null) {
                return;
            }
            data.seekToLast();
        }
        table.checkEntry(data);
    }
}
