package dev.strata.engine;

import dev.strata.engine.wal.CommitRecord;

import java.util.Arrays;

/**
 * Writes applied atomically: all or none, under one seqno. Ops apply in the order added; a later
 * op on the same key wins. The batch is encoded as it is built, in the commit record's op format
 * ({@link CommitRecord}), so committing it copies bytes instead of encoding again. Not
 * thread-safe; reusable after {@link #clear()}.
 */
public final class WriteBatch {
    private byte[] ops = new byte[256];
    private int size;
    private int count;
    private int maxKeyLength;
    private long maxValueLength;
    private boolean hasRangeDelete;

    public WriteBatch put(byte[] key, byte[] value) {
        checkNotNull(key, "key");
        checkNotNull(value, "value");
        append(CommitRecord.PUT, key, value);
        maxValueLength = Math.max(maxValueLength, value.length);
        return this;
    }

    /**
     * A put that expires at {@code expiresAtMillis} (ms since the epoch, judged by the database's
     * clock): after that the key reads as absent and compaction removes it.
     */
    public WriteBatch put(byte[] key, byte[] value, long expiresAtMillis) {
        checkNotNull(key, "key");
        checkNotNull(value, "value");
        if (expiresAtMillis <= 0) {
            throw new InvalidArgumentException("expiresAtMillis must be positive, was " + expiresAtMillis);
        }
        int need = CommitRecord.opSize(0, key.length, value.length, true);
        ensure(need);
        size = CommitRecord.encodeOp(ops, size, CommitRecord.PUT_TTL, 0, key, value, expiresAtMillis);
        count++;
        maxKeyLength = Math.max(maxKeyLength, key.length);
        maxValueLength = Math.max(maxValueLength, value.length);
        return this;
    }

    public WriteBatch remove(byte[] key) {
        checkNotNull(key, "key");
        append(CommitRecord.DELETE, key, null);
        return this;
    }

    /** Deletes every key in [start, end). */
    public WriteBatch deleteRange(byte[] start, byte[] end) {
        checkNotNull(start, "start");
        checkNotNull(end, "end");
        append(CommitRecord.DELETE_RANGE, start, end);
        maxKeyLength = Math.max(maxKeyLength, end.length);
        hasRangeDelete = true;
        return this;
    }

    private void append(int type, byte[] a, byte[] b) {
        ensure(CommitRecord.opSize(0, a.length, b == null ? -1 : b.length, false));
        size = CommitRecord.encodeOp(ops, size, type, 0, a, b, 0L);
        count++;
        maxKeyLength = Math.max(maxKeyLength, a.length);
    }

    private void ensure(int need) {
        if (size + need > ops.length) {
            long grown = Math.max((long) size + need, (long) ops.length * 2);
            if (grown > Integer.MAX_VALUE - 64) {
                throw new InvalidArgumentException("write batch larger than 2 GiB");
            }
            ops = Arrays.copyOf(ops, (int) grown);
        }
    }

    private static void checkNotNull(byte[] b, String what) {
        if (b == null) {
            throw new InvalidArgumentException(what + " must not be null");
        }
    }

    /** Number of ops. */
    public int count() {
        return count;
    }

    /** Encoded size in bytes. */
    public int byteSize() {
        return size;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public WriteBatch clear() {
        size = 0;
        count = 0;
        maxKeyLength = 0;
        maxValueLength = 0;
        hasRangeDelete = false;
        if (ops.length > 1 << 20) {
            ops = new byte[256];
        }
        return this;
    }

    byte[] opsArray() {
        return ops;
    }

    int maxKeyLength() {
        return maxKeyLength;
    }

    long maxValueLength() {
        return maxValueLength;
    }

    boolean hasRangeDelete() {
        return hasRangeDelete;
    }
}
