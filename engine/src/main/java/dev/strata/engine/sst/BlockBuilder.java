package dev.strata.engine.sst;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.util.Bytes;

import java.util.Arrays;

/**
 * Builds the uncompressed contents of one block (see {@link TableFormat}): prefix-compressed
 * entries with a restart point every {@code restartInterval} entries, then the restart array.
 * Used by {@link TableWriter} for data, index, range-tombstone and properties blocks.
 *
 * <p>The caller adds entries in block order (key ascending, seqno descending); the builder does
 * not check the order, {@link TableWriter} does. Not thread-safe. After {@link #finish} the
 * builder is reusable through {@link #reset}.
 */
final class BlockBuilder {
    private final int restartInterval;
    private byte[] buf = new byte[1024];
    private int size;
    private int[] restarts = new int[16];
    private int restartCount;
    private int counter;
    private byte[] lastKey = new byte[64];
    private int lastKeyLen;
    private int entries;

    BlockBuilder(int restartInterval) {
        if (restartInterval < 1) {
            throw new InvalidArgumentException("restart interval must be >= 1");
        }
        this.restartInterval = restartInterval;
        reset();
    }

    void reset() {
        size = 0;
        restartCount = 0;
        counter = 0;
        lastKeyLen = 0;
        entries = 0;
        addRestart(0);
    }

    boolean isEmpty() {
        return entries == 0;
    }

    int entryCount() {
        return entries;
    }

    /** The size {@link #finish} would return now. */
    int estimatedSize() {
        return size + 4 * restartCount + 4;
    }

    /** Adds an entry whose value is {@code value[off, off+len)}. */
    void add(byte[] key, long seqno, int kind, byte[] value, int off, int len) {
        addEntry(key, seqno, kind, false, 0, value, off, len);
    }

    /** Adds an entry whose value is {@code expiresAt} (u64 LE) followed by {@code value}. */
    void addWithExpiry(byte[] key, long seqno, int kind, long expiresAt, byte[] value) {
        addEntry(key, seqno, kind, true, expiresAt, value, 0, value.length);
    }

    private void addEntry(byte[] key, long seqno, int kind, boolean expiry, long expiresAt,
                          byte[] value, int off, int len) {
        int shared = 0;
        if (counter < restartInterval) {
            int max = Math.min(lastKeyLen, key.length);
            int mismatch = Arrays.mismatch(lastKey, 0, max, key, 0, max);
            shared = mismatch < 0 ? max : mismatch;
        } else {
            addRestart(size);
            counter = 0;
        }
        int unshared = key.length - shared;
        int valueLen = len + (expiry ? 8 : 0);
        ensure(30 + 10 + 1 + unshared + valueLen);
        size = Bytes.putVarLong(buf, size, shared);
        size = Bytes.putVarLong(buf, size, unshared);
        size = Bytes.putVarLong(buf, size, valueLen);
        System.arraycopy(key, shared, buf, size, unshared);
        size += unshared;
        size = Bytes.putVarLong(buf, size, seqno);
        buf[size++] = (byte) kind;
        if (expiry) {
            Bytes.putLong(buf, size, expiresAt);
            size += 8;
        }
        System.arraycopy(value, off, buf, size, len);
        size += len;

        if (lastKey.length < key.length) {
            lastKey = Arrays.copyOf(lastKey, Math.max(key.length, lastKey.length * 2));
        }
        System.arraycopy(key, shared, lastKey, shared, unshared);
        lastKeyLen = key.length;
        counter++;
        entries++;
    }

    /** Appends the restart array and returns a copy of the finished block contents. */
    byte[] finish() {
        ensure(4 * restartCount + 4);
        for (int i = 0; i < restartCount; i++) {
            Bytes.putInt(buf, size, restarts[i]);
            size += 4;
        }
        Bytes.putInt(buf, size, restartCount);
        size += 4;
        return Arrays.copyOf(buf, size);
    }

    private void addRestart(int offset) {
        if (restartCount == restarts.length) {
            restarts = Arrays.copyOf(restarts, restartCount * 2);
        }
        restarts[restartCount++] = offset;
    }

    private void ensure(int extra) {
        long need = (long) size + extra;
        if (need > buf.length) {
            if (need > Integer.MAX_VALUE - 16) {
                throw new InvalidArgumentException("block larger than 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 16, 2L * buf.length)));
        }
    }
}
