package dev.strata.engine.log;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.util.CrashPoints;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.SegmentHeader;
import dev.strata.engine.wal.SegmentReader;
import dev.strata.engine.wal.SegmentSummary;
import dev.strata.engine.wal.SegmentSummaryBuilder;
import dev.strata.engine.wal.WalFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Rewrites a sealed WAL segment whose data is in tables as a log-only segment (DESIGN.md: the
 * transaction log costs what the application put in it): the same segment format with the header
 * flag {@link WalFormat#FLAG_LOG_ONLY}, holding only the records with entries still wanted, each
 * with its seqno and timestamp, no data ops ({@code op count} 0) and its log section byte for
 * byte. Seqnos then increase with gaps, which the segment reader accepts in such a segment only.
 *
 * <p>Crash safety: the copy is written to {@code NNNN.wal.tmp}, forced, renamed over the
 * segment, and the directory forced; a crash before the rename leaves the original (the
 * temporary file is deleted at the next open), after it the copy. The caller writes its summary
 * file (an index: if lost, rebuilt).
 */
final class LogOnlyRewriter {
    private LogOnlyRewriter() {
    }

    /** Which entries a rewrite keeps: by the log name's bytes and the record's timestamp. */
    @FunctionalInterface
    interface EntryFilter {
        boolean keep(byte[] buf, int nameOff, int nameLen, long timestamp);
    }

    /**
     * Rewrites segment {@code number} keeping the entries {@code filter} accepts. Returns the new
     * summary, or null if nothing was kept (the caller deletes the segment).
     */
    static SegmentSummary rewrite(Storage storage, Path walDir, long number, EntryFilter filter) throws IOException {
        Path path = walDir.resolve(WalFormat.fileName(number));
        Path tmp = walDir.resolve(WalFormat.fileName(number) + ".tmp");
        storage.delete(tmp);
        int salt = ThreadLocalRandom.current().nextInt();
        CRC32C crc = new CRC32C();
        byte[] out = new byte[64 << 10];
        SegmentSummaryBuilder summary;
        long written;
        try (SegmentReader r = SegmentReader.open(storage, path, false); StorageFile f = storage.create(tmp)) {
            SegmentHeader h = r.header();
            SegmentHeader nh = new SegmentHeader(WalFormat.VERSION, salt, number, h.firstSeqno(), h.flags() | WalFormat.FLAG_LOG_ONLY);
            byte[] header = nh.encode();
            f.write(0, header, 0, header.length);
            written = header.length;
            summary = new SegmentSummaryBuilder(number, nh.flags(), h.firstSeqno(), header.length);
            while (r.next()) {
                byte[] b = r.buffer();
                int off = r.payloadOffset();
                int len = r.payloadLength();
                if (CommitRecord.logCount(b, off) == 0) {
                    continue;
                }
                long seqno = CommitRecord.seqno(b, off);
                long ts = CommitRecord.timestamp(b, off);
                int logStart;
                int[] kept = {0, 0};
                byte[] entries;
                try {
                    logStart = CommitRecord.logSectionOffset(b, off, len);
                    entries = keptEntries(b, off, len, ts, filter, kept);
                } catch (ByteReader.Malformed m) {
                    throw new CorruptionException(path, r.recordOffset() + WalFormat.FRAME_HEADER_SIZE + (m.offset - off),
                            "malformed commit record: " + m.getMessage());
                }
                if (kept[0] == 0) {
                    continue;
                }
                int payloadLen = CommitRecord.PAYLOAD_HEADER_SIZE + kept[1];
                int frameLen = WalFormat.FRAME_HEADER_SIZE + payloadLen;
                if (out.length < frameLen) {
                    out = new byte[frameLen];
                }
                Bytes.putInt(out, 4, payloadLen);
                Bytes.putLong(out, 8, seqno); // every record here is durable
                CommitRecord.encodeHeader(out, WalFormat.FRAME_HEADER_SIZE, seqno, ts, 0, kept[0]);
                if (entries == null) {
                    System.arraycopy(b, logStart, out, WalFormat.FRAME_HEADER_SIZE + CommitRecord.PAYLOAD_HEADER_SIZE, kept[1]);
                } else {
                    System.arraycopy(entries, 0, out, WalFormat.FRAME_HEADER_SIZE + CommitRecord.PAYLOAD_HEADER_SIZE, kept[1]);
                }
                Bytes.putInt(out, 0, WalFormat.frameCrc(crc, salt, out, 0, payloadLen));
                f.write(written, out, 0, frameLen);
                summary.add(out, WalFormat.FRAME_HEADER_SIZE, payloadLen, frameLen);
                written += frameLen;
            }
            if (summary.summary().records() == 0) {
                f.close();
                storage.delete(tmp);
                return null;
            }
            f.force();
        }
        CrashPoints.hit("txnlog.rewrite.written");
        storage.rename(tmp, path);
        storage.forceDirectory(walDir);
        CrashPoints.hit("txnlog.rewrite.renamed");
        return summary.summary();
    }

    /**
     * The entries of the record the filter keeps: {@code kept[0]} their count, {@code kept[1]}
     * their encoded bytes. Returns null when it keeps them all (copy the section as it is), else
     * the kept entries encoded.
     */
    private static byte[] keptEntries(byte[] b, int off, int len, long ts, EntryFilter filter, int[] kept)
            throws ByteReader.Malformed {
        int total = CommitRecord.logCount(b, off);
        java.io.ByteArrayOutputStream sel = new java.io.ByteArrayOutputStream();
        CommitRecord.decode(b, off, len, null, (buf, nOff, nLen, dOff, dLen) -> {
            if (filter.keep(buf, nOff, nLen, ts)) {
                byte[] e = new byte[CommitRecord.logEntrySize(nLen, dLen)];
                CommitRecord.encodeLogEntry(e, 0, Arrays.copyOfRange(buf, nOff, nOff + nLen), Arrays.copyOfRange(buf, dOff, dOff + dLen));
                sel.writeBytes(e);
                kept[0]++;
            }
        });
        kept[1] = sel.size();
        return kept[0] == total ? null : sel.toByteArray();
    }

    /** A filter that keeps entries newer than {@code cutoff} whose log is not {@code purged}. */
    static EntryFilter newerThan(long cutoff, Predicate<String> purged) {
        return (buf, nOff, nLen, ts) -> ts >= cutoff
                && !purged.test(new String(buf, nOff, nLen, java.nio.charset.StandardCharsets.UTF_8));
    }
}
