package dev.strata.engine;

import dev.strata.engine.wal.CommitRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes applied atomically: all or none, under one seqno. Ops apply in the order added; a later
 * op on the same key wins. Ops without a {@link ColumnFamily} go to the default family; one batch
 * may write several families of the same database. The batch is encoded as it is built, in the commit record's op format
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
    /** The families other than the default one that the ops name (few; checked at commit). */
    private final List<ColumnFamily> families = new ArrayList<>(2);

    public WriteBatch put(byte[] key, byte[] value) {
        return put(0, key, value);
    }

    public WriteBatch put(ColumnFamily family, byte[] key, byte[] value) {
        return put(familyId(family), key, value);
    }

    private WriteBatch put(int cf, byte[] key, byte[] value) {
        checkNotNull(key, "key");
        checkNotNull(value, "value");
        append(CommitRecord.PUT, cf, key, value);
        maxValueLength = Math.max(maxValueLength, value.length);
        return this;
    }

    private int familyId(ColumnFamily family) {
        if (family == null) {
            throw new InvalidArgumentException("column family must not be null");
        }
        if (family.id() != 0 && !families.contains(family)) {
            families.add(family);
        }
        return family.id();
    }

    /**
     * A put that expires at {@code expiresAtMillis} (ms since the epoch, judged by the database's
     * clock): after that the key reads as absent and compaction removes it.
     */
    public WriteBatch put(byte[] key, byte[] value, long expiresAtMillis) {
        return put(0, key, value, expiresAtMillis);
    }

    /** {@link #put(byte[], byte[], long)} in {@code family}. */
    public WriteBatch put(ColumnFamily family, byte[] key, byte[] value, long expiresAtMillis) {
        return put(familyId(family), key, value, expiresAtMillis);
    }

    private WriteBatch put(int cf, byte[] key, byte[] value, long expiresAtMillis) {
        checkNotNull(key, "key");
        checkNotNull(value, "value");
        if (expiresAtMillis <= 0) {
            throw new InvalidArgumentException("expiresAtMillis must be positive, was " + expiresAtMillis);
        }
        int need = CommitRecord.opSize(cf, key.length, value.length, true);
        ensure(need);
        size = CommitRecord.encodeOp(ops, size, CommitRecord.PUT_TTL, cf, key, value, expiresAtMillis);
        count++;
        maxKeyLength = Math.max(maxKeyLength, key.length);
        maxValueLength = Math.max(maxValueLength, value.length);
        return this;
    }

    public WriteBatch remove(byte[] key) {
        return remove(0, key);
    }

    public WriteBatch remove(ColumnFamily family, byte[] key) {
        return remove(familyId(family), key);
    }

    private WriteBatch remove(int cf, byte[] key) {
        checkNotNull(key, "key");
        append(CommitRecord.DELETE, cf, key, null);
        return this;
    }

    /** Deletes every key in [start, end). */
    public WriteBatch deleteRange(byte[] start, byte[] end) {
        return deleteRange(0, start, end);
    }

    /** Deletes every key in [start, end) of {@code family}. */
    public WriteBatch deleteRange(ColumnFamily family, byte[] start, byte[] end) {
        return deleteRange(familyId(family), start, end);
    }

    private WriteBatch deleteRange(int cf, byte[] start, byte[] end) {
        checkNotNull(start, "start");
        checkNotNull(end, "end");
        append(CommitRecord.DELETE_RANGE, cf, start, end);
        maxKeyLength = Math.max(maxKeyLength, end.length);
        hasRangeDelete = true;
        return this;
    }

    private void append(int type, int cf, byte[] a, byte[] b) {
        ensure(CommitRecord.opSize(cf, a.length, b == null ? -1 : b.length, false));
        size = CommitRecord.encodeOp(ops, size, type, cf, a, b, 0L);
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
        families.clear();
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

    /** The families other than the default one that the ops name. */
    List<ColumnFamily> families() {
        return families;
    }

    boolean hasRangeDelete() {
        return hasRangeDelete;
    }
}
