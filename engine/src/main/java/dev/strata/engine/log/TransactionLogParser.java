package dev.strata.engine.log;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.SegmentHeader;
import dev.strata.engine.wal.SegmentReader;
import dev.strata.engine.wal.WalFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one WAL segment file for tools ({@code parseTransactionLog(path)}, as rocksdb-js's):
 * its header, and every record with its offset, seqno, timestamp, op count and log entries (name
 * and data length), checking every checksum. Damage does not throw: reading stops there and
 * {@link Parsed#damage()} says where and what, so a tool can show everything before it. Works on
 * a closed database or beside a running one (the newest segment is read as the torn-tolerant
 * newest: a record being written is not damage).
 */
public final class TransactionLogParser {
    private TransactionLogParser() {
    }

    /** One log entry of a record. */
    public record ParsedEntry(String log, int dataLength, byte[] data) {
    }

    /**
     * One record of the segment.
     *
     * @param offset    the frame's file offset
     * @param length    the payload's length
     * @param opCount   data operations in it (0 in a log-only segment)
     */
    public record ParsedRecord(long offset, long seqno, long timestamp, int length, int opCount, List<ParsedEntry> entries) {
    }

    /** Where reading stopped early, and why. */
    public record Damage(long offset, String message) {
    }

    /**
     * @param size     the file's size
     * @param version  the segment format version
     * @param flags    header flags (bit 0: log-only)
     * @param records  every record up to the damage, if any
     * @param damage   null if the whole file parsed
     */
    public record Parsed(Path path, long size, int version, int flags, long segmentNumber, long firstSeqno,
                         List<ParsedRecord> records, Damage damage) {
        public boolean logOnly() {
            return (flags & WalFormat.FLAG_LOG_ONLY) != 0;
        }
    }

    public static Parsed parse(Path path) {
        return parse(LocalStorage.INSTANCE, path, true);
    }

    /**
     * Parses {@code path}. {@code mayBeNewest}: the segment may be the one being written, so a
     * torn tail is its end rather than damage.
     */
    public static Parsed parse(Storage storage, Path path, boolean mayBeNewest) {
        long size;
        try {
            size = storage.size(path);
        } catch (IOException e) {
            throw new StrataIOException("cannot read " + path, e);
        }
        List<ParsedRecord> records = new ArrayList<>();
        Damage damage = null;
        SegmentHeader h = null;
        try (SegmentReader r = SegmentReader.open(storage, path, mayBeNewest)) {
            h = r.header();
            if (h == null) {
                return new Parsed(path, size, 0, 0, -1, 0, List.of(), new Damage(0, "no valid header (torn while being created)"));
            }
            while (r.next()) {
                byte[] b = r.buffer();
                int off = r.payloadOffset();
                List<ParsedEntry> entries = new ArrayList<>();
                try {
                    CommitRecord.decode(b, off, r.payloadLength(), null, (buf, nOff, nLen, dOff, dLen) ->
                            entries.add(new ParsedEntry(new String(buf, nOff, nLen, StandardCharsets.UTF_8), dLen,
                                    java.util.Arrays.copyOfRange(buf, dOff, dOff + dLen))));
                } catch (ByteReader.Malformed m) {
                    damage = new Damage(r.recordOffset() + WalFormat.FRAME_HEADER_SIZE + (m.offset - off),
                            "malformed commit record: " + m.getMessage());
                    break;
                }
                records.add(new ParsedRecord(r.recordOffset(), CommitRecord.seqno(b, off), CommitRecord.timestamp(b, off),
                        r.payloadLength(), CommitRecord.opCount(b, off), List.copyOf(entries)));
            }
            if (damage == null && r.hasGarbageTail()) {
                damage = new Damage(r.tornTailOffset(), "torn tail: " + (size - r.tornTailOffset())
                        + " bytes after the last whole record (a crash while writing, if this is the newest segment)");
            }
        } catch (CorruptionException e) {
            damage = new Damage(e.offset(), e.getMessage());
        } catch (IOException e) {
            throw new StrataIOException("cannot read " + path, e);
        }
        if (h == null) {
            return new Parsed(path, size, 0, 0, -1, 0, List.copyOf(records), damage);
        }
        return new Parsed(path, size, h.version(), h.flags(), h.segmentNumber(), h.firstSeqno(), List.copyOf(records), damage);
    }
}
