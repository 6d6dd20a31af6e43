package dev.strata.engine;

import dev.strata.engine.util.Bytes;

import java.util.Arrays;

/**
 * A key and its value, as an iterator returns them. The arrays belong to the caller; the value is
 * null when the iterator was opened keys-only.
 */
public final class KeyValue {
    private final byte[] key;
    private final byte[] value;

    public KeyValue(byte[] key, byte[] value) {
        this.key = key;
        this.value = value;
    }

    public byte[] key() {
        return key;
    }

    /** The value, or null for a keys-only iterator. */
    public byte[] value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && Arrays.equals(key, kv.key) && Arrays.equals(value, kv.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return Bytes.toDisplay(key) + "=" + (value == null ? "(keys only)" : Bytes.toDisplay(value));
    }
}
