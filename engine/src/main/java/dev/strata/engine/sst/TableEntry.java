package dev.strata.engine.sst;

/**
 * The version of a key a {@link TableReader#get} found: a put (with its value, and for
 * {@link TableFormat#KIND_PUT_TTL} its expiry) or a point tombstone ({@link TableFormat#KIND_DELETE},
 * empty value). The table does not apply TTLs or range tombstones; the caller does.
 *
 * @param expiresAt ms since the epoch for PUT_TTL, else 0
 */
public record TableEntry(long seqno, int kind, byte[] value, long expiresAt) {
    public boolean isTombstone() {
        return kind == TableFormat.KIND_DELETE;
    }

    /** Equal when seqno, kind, expiry and value bytes are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TableEntry e && e.seqno == seqno && e.kind == kind
                && e.expiresAt == expiresAt && java.util.Arrays.equals(e.value, value);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(seqno, kind, expiresAt) * 31 + java.util.Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "TableEntry[seqno=" + seqno + ", kind=" + kind + ", value="
                + dev.strata.engine.util.Bytes.toDisplay(value) + ", expiresAt=" + expiresAt + "]";
    }
}
