package dev.strata.engine.wal;

import dev.strata.engine.util.ByteReader;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accumulates a {@link SegmentSummary} record by record: the WAL writer feeds it every frame it
 * writes (two header fields per record; the log section is decoded only for the rare records
 * that carry log entries), and a scan of a segment feeds it every record it reads. Thread-safe:
 * the writer adds while transaction-log queries take {@link #summary} of the segment being
 * written.
 */
public final class SegmentSummaryBuilder {
    private final long number;
    private final int flags;
    private final long firstSeqno;
    private long lastSeqno;
    private long firstTs;
    private long lastTs;
    private long records;
    private long bytes;
    private final Map<String, long[]> logs = new HashMap<>();
    /** Per record: which logs it added an entry to, to count transactions once per log. */
    private final Map<String, Boolean> seenInRecord = new HashMap<>();

    public SegmentSummaryBuilder(long number, int flags, long firstSeqno, long headerBytes) {
        this.number = number;
        this.flags = flags;
        this.firstSeqno = firstSeqno;
        this.lastSeqno = firstSeqno - 1;
        this.bytes = headerBytes;
    }

    public long number() {
        return number;
    }

    /**
     * Adds the record whose payload is {@code buf[off, off + len)}; {@code frameBytes} is its
     * whole frame's size. A malformed log section is left uncounted: the record's checksum was
     * valid (or it was just encoded), so this cannot happen short of a bug, and the reader that
     * serves the entries reports it with file and offset.
     */
    public synchronized void add(byte[] buf, int off, int len, long frameBytes) {
        long seqno = CommitRecord.seqno(buf, off);
        long ts = CommitRecord.timestamp(buf, off);
        if (records == 0) {
            firstTs = ts;
        }
        records++;
        lastSeqno = seqno;
        lastTs = ts;
        bytes += frameBytes;
        if (CommitRecord.logCount(buf, off) == 0) {
            return;
        }
        seenInRecord.clear();
        try {
            CommitRecord.decode(buf, off, len, null, (b, nOff, nLen, dOff, dLen) -> {
                String name = new String(b, nOff, nLen, StandardCharsets.UTF_8);
                long[] c = logs.computeIfAbsent(name, k -> new long[]{0, 0, 0, seqno, 0, ts, 0});
                c[0]++;
                c[2] += dLen;
                c[4] = seqno;
                c[6] = ts;
                if (seenInRecord.put(name, Boolean.TRUE) == null) {
                    c[1]++;
                }
            });
        } catch (ByteReader.Malformed e) {
            // See the method's comment: the serving reader reports it.
        }
    }

    /** Adds every frame of {@code buf[off, off + len)} (whole frames, as the WAL writer writes them). */
    public synchronized void addFrames(byte[] buf, int off, int len) {
        int p = off;
        int end = off + len;
        while (p < end) {
            int payloadLen = dev.strata.engine.util.Bytes.getInt(buf, p + 4);
            add(buf, p + WalFormat.FRAME_HEADER_SIZE, payloadLen, WalFormat.FRAME_HEADER_SIZE + payloadLen);
            p += WalFormat.FRAME_HEADER_SIZE + payloadLen;
        }
    }

    /** The summary so far. */
    public synchronized SegmentSummary summary() {
        Map<String, SegmentSummary.LogCounts> m = new TreeMap<>();
        for (Map.Entry<String, long[]> e : logs.entrySet()) {
            long[] c = e.getValue();
            m.put(e.getKey(), new SegmentSummary.LogCounts(c[0], c[1], c[2], c[3], c[4], c[5], c[6]));
        }
        return new SegmentSummary(number, flags, firstSeqno, lastSeqno, firstTs, lastTs, records, bytes,
                java.util.Collections.unmodifiableMap(m));
    }
}
