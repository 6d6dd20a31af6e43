package dev.strata.engine.wal;

import dev.strata.engine.util.ByteReader;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The summary file kept beside each sealed WAL segment, {@code wal/NNNNNNNNNNNNNNNNNNNN.sum}: a
 * {@link SegmentSummary}, so that opening a database and querying its transaction log need not
 * read the segments themselves. It is an index, not a source of truth: it is written without a
 * force, and one that is missing, damaged, of another version or describing another length or
 * flags of its segment is ignored and rebuilt by scanning the segment.
 *
 * <pre>
 * (integers little-endian)
 *   magic           8 bytes  "STRATASM"
 *   version         u32      1
 *   segment number  u64
 *   segment bytes   u64      the segment file's length when summarized
 *   flags           u32      the segment header's flags
 *   first seqno     u64      (header)
 *   last seqno      u64
 *   first timestamp u64
 *   last timestamp  u64
 *   records         u64
 *   log count       u32
 *   log count times:
 *     name          varint length, UTF-8 bytes
 *     entries, transactions, data bytes, first seqno, last seqno, first timestamp,
 *     last timestamp: 7 x u64
 *   crc32c          u32      over every byte before it
 * </pre>
 */
public final class SegmentSummaryFile {
    public static final String SUFFIX = ".sum";
    static final byte[] MAGIC = {'S', 'T', 'R', 'A', 'T', 'A', 'S', 'M'};
    public static final int VERSION = 1;

    private SegmentSummaryFile() {
    }

    public static String fileName(long segmentNumber) {
        return String.format("%020d%s", segmentNumber, SUFFIX);
    }

    public static byte[] encode(SegmentSummary s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        byte[] b = new byte[8 + 4 + 8 + 8 + 4 + 8 * 5 + 4];
        System.arraycopy(MAGIC, 0, b, 0, 8);
        int p = 8;
        Bytes.putInt(b, p, VERSION);
        Bytes.putLong(b, p += 4, s.number());
        Bytes.putLong(b, p += 8, s.bytes());
        Bytes.putInt(b, p += 8, s.flags());
        Bytes.putLong(b, p += 4, s.firstSeqno());
        Bytes.putLong(b, p += 8, s.lastSeqno());
        Bytes.putLong(b, p += 8, s.firstTimestamp());
        Bytes.putLong(b, p += 8, s.lastTimestamp());
        Bytes.putLong(b, p += 8, s.records());
        Bytes.putInt(b, p + 8, s.logs().size());
        out.writeBytes(b);
        for (Map.Entry<String, SegmentSummary.LogCounts> e : s.logs().entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] n = new byte[Bytes.varLongSize(name.length)];
            Bytes.putVarLong(n, 0, name.length);
            out.writeBytes(n);
            out.writeBytes(name);
            SegmentSummary.LogCounts c = e.getValue();
            byte[] v = new byte[56];
            long[] f = {c.entries(), c.transactions(), c.dataBytes(), c.firstSeqno(), c.lastSeqno(),
                    c.firstTimestamp(), c.lastTimestamp()};
            for (int i = 0; i < f.length; i++) {
                Bytes.putLong(v, i * 8, f[i]);
            }
            out.writeBytes(v);
        }
        byte[] body = out.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] all = java.util.Arrays.copyOf(body, body.length + 4);
        Bytes.putInt(all, body.length, (int) crc.getValue());
        return all;
    }

    /** Decodes a summary file, or returns null if it is not a valid one (the caller rebuilds it). */
    public static SegmentSummary decode(byte[] b) {
        if (b.length < 8 + 4 + 8 + 8 + 4 + 40 + 4 + 4 || !java.util.Arrays.equals(b, 0, 8, MAGIC, 0, 8)) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        if ((int) crc.getValue() != Bytes.getInt(b, b.length - 4)) {
            return null;
        }
        try {
            ByteReader r = new ByteReader(b, 0, b.length - 4);
            r.skip(8);
            if (r.i32() != VERSION) {
                return null;
            }
            long number = r.i64();
            long bytes = r.i64();
            int flags = r.i32();
            long first = r.i64();
            long last = r.i64();
            long firstTs = r.i64();
            long lastTs = r.i64();
            long records = r.i64();
            int logCount = r.i32();
            if (logCount < 0 || logCount > r.remaining()) {
                return null;
            }
            Map<String, SegmentSummary.LogCounts> logs = new TreeMap<>();
            for (int i = 0; i < logCount; i++) {
                int nLen = r.varInt(r.remaining());
                int nOff = r.skip(nLen);
                String name = new String(b, nOff, nLen, StandardCharsets.UTF_8);
                logs.put(name, new SegmentSummary.LogCounts(r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64()));
            }
            if (r.remaining() != 0) {
                return null;
            }
            return new SegmentSummary(number, flags, first, last, firstTs, lastTs, records, bytes,
                    java.util.Collections.unmodifiableMap(logs));
        } catch (ByteReader.Malformed e) {
            return null;
        }
    }

    /**
     * Writes the summary of a sealed segment (replacing any older one through a temporary file).
     * Not forced: a summary lost to a crash is rebuilt.
     */
    public static void write(Storage storage, Path walDir, SegmentSummary s) throws IOException {
        Path tmp = walDir.resolve(fileName(s.number()) + ".tmp");
        storage.delete(tmp);
        byte[] b = encode(s);
        try (StorageFile f = storage.create(tmp)) {
            f.write(0, b, 0, b.length);
        }
        storage.rename(tmp, walDir.resolve(fileName(s.number())));
    }

    /**
     * Reads the summary of segment {@code number} if it exists and still describes the segment
     * ({@code segmentBytes} long, header flags {@code flags}); else null.
     */
    public static SegmentSummary read(Storage storage, Path walDir, long number, long segmentBytes, int flags)
            throws IOException {
        Path p = walDir.resolve(fileName(number));
        if (!storage.exists(p)) {
            return null;
        }
        long size = storage.size(p);
        if (size > 64L << 20) {
            return null;
        }
        byte[] b = new byte[(int) size];
        try (StorageFile f = storage.openReadOnly(p)) {
            f.readFully(0, ByteBuffer.wrap(b));
        }
        SegmentSummary s = decode(b);
        if (s == null || s.number() != number || s.bytes() != segmentBytes || s.flags() != flags) {
            return null;
        }
        return s;
    }

    /**
     * Builds the summary of a sealed segment by reading it (the summary file is missing or stale).
     * Damage is reported as the segment reader reports it.
     */
    public static SegmentSummary scan(Storage storage, Path segment) throws IOException {
        try (SegmentReader r = SegmentReader.open(storage, segment, false)) {
            SegmentHeader h = r.header();
            SegmentSummaryBuilder b = new SegmentSummaryBuilder(h.segmentNumber(), h.flags(), h.firstSeqno(), WalFormat.HEADER_SIZE);
            while (r.next()) {
                b.add(r.buffer(), r.payloadOffset(), r.payloadLength(), WalFormat.FRAME_HEADER_SIZE + r.payloadLength());
            }
            return b.summary();
        }
    }
}
