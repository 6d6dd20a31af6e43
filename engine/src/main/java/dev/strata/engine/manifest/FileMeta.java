package dev.strata.engine.manifest;

import dev.strata.engine.util.Bytes;

/**
 * What the manifest records about one live SSTable: where it sits in the tree and what it
 * covers. {@code smallestKey}/{@code largestKey} bound every key the file can answer for, point
 * entries and range tombstones alike (a tombstone's exclusive end counts as its largest key), so a
 * read may skip a file whose range does not hold the key.
 */
public record FileMeta(long fileNumber, int level, long fileSize, long entryCount,
                       long smallestSeqno, long largestSeqno, byte[] smallestKey, byte[] largestKey) {

    public FileMeta withLevel(int newLevel) {
        return new FileMeta(fileNumber, newLevel, fileSize, entryCount, smallestSeqno, largestSeqno, smallestKey, largestKey);
    }

    /** Whether [start, end] (either null for open) intersects this file's key range. */
    public boolean overlaps(byte[] start, byte[] end) {
        return (end == null || Bytes.compare(smallestKey, end) <= 0)
                && (start == null || Bytes.compare(largestKey, start) >= 0);
    }

    public boolean mayContain(byte[] key) {
        return Bytes.compare(key, smallestKey) >= 0 && Bytes.compare(key, largestKey) <= 0;
    }

    @Override
    public String toString() {
        return "L" + level + "#" + fileNumber + "[" + Bytes.toDisplay(smallestKey) + ".." + Bytes.toDisplay(largestKey)
                + " seq " + smallestSeqno + ".." + largestSeqno + ", " + fileSize + " B]";
    }
}
