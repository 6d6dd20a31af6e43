package dev.strata.engine.memtable;

import dev.strata.engine.util.Bytes;

/**
 * An internal key: a user key and the seqno of the batch that wrote it. Ordered by user key
 * (unsigned lexicographic), then by seqno descending, so the newest version of a key comes
 * first, as LevelDB orders its internal keys.
 */
public final class MemKey implements Comparable<MemKey> {
    final byte[] key;
    final long seqno;

    public MemKey(byte[] key, long seqno) {
        this.key = key;
        this.seqno = seqno;
    }

    public byte[] key() {
        return key;
    }

    public long seqno() {
        return seqno;
    }

    @Override
    public int compareTo(MemKey o) {
        int c = Bytes.compare(key, o.key);
        return c != 0 ? c : Long.compare(o.seqno, seqno);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemKey m && compareTo(m) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(key) * 31 + Long.hashCode(seqno);
    }

    @Override
    public String toString() {
        return Bytes.toDisplay(key) + "@" + seqno;
    }
}
