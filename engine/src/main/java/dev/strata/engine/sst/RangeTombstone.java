package dev.strata.engine.sst;

import dev.strata.engine.util.Bytes;

/** A delete-range tombstone: every key in [start, end) older than {@code seqno} is deleted. */
public record RangeTombstone(byte[] start, byte[] end, long seqno) {
    @Override
    public String toString() {
        return "[" + Bytes.toDisplay(start) + ", " + Bytes.toDisplay(end) + ")@" + seqno;
    }
}
