package dev.strata.engine.wal;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads the records of one WAL segment in order, checking every frame's checksum and the
 * continuity of seqnos. Used by recovery, and later by transaction-log queries and replication.
 *
 * <p>The rules (see {@link WalFormat}): a sealed segment (not the newest) must parse exactly to
 * its end; any damage is a {@link CorruptionException} naming the file and offset. In the newest
 * segment, damage is a torn tail, and reading stops there ({@link #tornTailOffset()}), unless a
 * valid frame after it proves by its durable field that the damaged record had been forced, in
 * which case it is corruption too. A frame with a valid checksum but an unexpected seqno is
 * always corruption: a tear cannot produce it.
 */
public final class SegmentReader implements AutoCloseable {
    private static final int WINDOW = 256 << 10;

    private final Path path;
    private final StorageFile file;
    private final long fileSize;
    private final boolean newest;
    private final CRC32C crc = new CRC32C();
    private SegmentHeader header;

    private byte[] win = new byte[WINDOW];
    private long winStart;
    private int winLen;

    private long pos;
    private long expectedSeqno;
    private long recordFrameOffset = -1;
    private int recordOff;
    private int recordLen;
    private long tornTailOffset = -1;

    private SegmentReader(Path path, StorageFile file, long fileSize, boolean newest) {
        this.path = path;
        this.file = file;
        this.fileSize = fileSize;
        this.newest = newest;
    }

    /**
     * Opens a segment and checks its header. For the newest segment, a header that is short or
     * all zeros (a crash or failed write while the segment was being created) gives a reader
     * with no records ({@link #header()} null, {@link #tornTailOffset()} 0).
     */
    public static SegmentReader open(Storage storage, Path path, boolean newest) throws IOException {
        StorageFile f = storage.openReadOnly(path);
        SegmentReader r = new SegmentReader(path, f, f.size(), newest);
        try {
            r.readHeader();
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
        return r;
    }

    /**
     * Opens a segment to read from {@code offset} (a frame boundary returned by
     * {@link #validEnd()} earlier, or the header's end), where the next record has at least seqno
     * {@code expectedSeqno}, reading no further than {@code limit} bytes of the file: for the
     * segment being written, the end of what has been written, so the zeros preallocated after it
     * are never read. The header is checked as by {@link #open}.
     */
    public static SegmentReader openAt(Storage storage, Path path, boolean newest, long offset, long expectedSeqno,
                                       long limit) throws IOException {
        StorageFile f = storage.openReadOnly(path);
        SegmentReader r = new SegmentReader(path, f, Math.min(f.size(), limit), newest);
        try {
            r.readHeader();
            if (r.header != null && offset > WalFormat.HEADER_SIZE) {
                if (offset > r.fileSize) {
                    throw new IllegalArgumentException("offset " + offset + " is past the end of " + path);
                }
                r.pos = offset;
                r.expectedSeqno = expectedSeqno;
            }
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
        return r;
    }

    private void readHeader() throws IOException {
        if (fileSize < WalFormat.HEADER_SIZE) {
            // The header is one write before any record, so a newest segment shorter than it was
            // cut short while being created (a crash, or a write that failed half done): no record.
            if (newest) {
                tornTailOffset = 0;
                pos = fileSize;
                return;
            }
            throw new CorruptionException(path, fileSize, "segment shorter than its " + WalFormat.HEADER_SIZE + "-byte header");
        }
        int at = ensure(0, WalFormat.HEADER_SIZE);
        byte[] h = java.util.Arrays.copyOfRange(win, at, at + WalFormat.HEADER_SIZE);
        try {
            header = SegmentHeader.decode(h);
        } catch (SegmentHeader.Invalid e) {
            if (newest && e.allZero && isZero(WalFormat.HEADER_SIZE, fileSize)) {
                tornTailOffset = 0;
                pos = fileSize;
                return;
            }
            throw new CorruptionException(path, 0, e.getMessage());
        }
        pos = WalFormat.HEADER_SIZE;
        expectedSeqno = header.firstSeqno();
    }

    /**
     * Reads only the header of a segment (40 bytes), or returns null if the file is shorter than
     * a header or the header is invalid: for listing segments without reading their records.
     */
    public static SegmentHeader readHeader(Storage storage, Path path) throws IOException {
        try (StorageFile f = storage.openReadOnly(path)) {
            if (f.size() < WalFormat.HEADER_SIZE) {
                return null;
            }
            byte[] h = new byte[WalFormat.HEADER_SIZE];
            f.readFully(0, ByteBuffer.wrap(h));
            try {
                return SegmentHeader.decode(h);
            } catch (SegmentHeader.Invalid e) {
                return null;
            }
        }
    }

    /** The header, or null for a newest segment whose creation was torn. */
    public SegmentHeader header() {
        return header;
    }

    public Path path() {
        return path;
    }

    /**
     * Advances to the next record. Returns false at the end of the records (clean end, or torn
     * tail of the newest segment); throws {@link CorruptionException} on damage.
     */
    public boolean next() throws IOException {
        if (header == null || tornTailOffset >= 0) {
            return false;
        }
        if (pos == fileSize) {
            return false;
        }
        if (fileSize - pos < WalFormat.FRAME_HEADER_SIZE) {
            return damage(pos, "truncated frame header");
        }
        int at = ensure(pos, WalFormat.FRAME_HEADER_SIZE);
        int storedCrc = Bytes.getInt(win, at);
        int len = Bytes.getInt(win, at + 4);
        if (storedCrc == 0 && len == 0) {
            if (newest && isZero(pos, fileSize)) {
                tornTailOffset = pos;
                return false;
            }
            return damage(pos, "zero frame header before the end of the segment");
        }
        if (len < CommitRecord.PAYLOAD_HEADER_SIZE || len > WalFormat.MAX_PAYLOAD
                || len > fileSize - pos - WalFormat.FRAME_HEADER_SIZE) {
            return damage(pos, "frame length " + Integer.toUnsignedString(len) + " out of range");
        }
        at = ensure(pos, WalFormat.FRAME_HEADER_SIZE + len);
        if (WalFormat.frameCrc(crc, header.salt(), win, at, len) != storedCrc) {
            return damage(pos, "record checksum mismatch");
        }
        int payload = at + WalFormat.FRAME_HEADER_SIZE;
        long seqno = CommitRecord.seqno(win, payload);
        // A log-only segment keeps only the records with log entries: its seqnos increase with gaps.
        boolean logOnly = (header.flags() & WalFormat.FLAG_LOG_ONLY) != 0;
        if (logOnly ? seqno < expectedSeqno : seqno != expectedSeqno) {
            throw new CorruptionException(path, pos, "record has seqno " + seqno + ", expected "
                    + (logOnly ? "at least " : "") + expectedSeqno);
        }
        recordFrameOffset = pos;
        recordOff = payload;
        recordLen = len;
        pos += WalFormat.FRAME_HEADER_SIZE + len;
        expectedSeqno = seqno + 1;
        return true;
    }

    /** The current record's payload lives in {@link #buffer()} at this offset. */
    public int payloadOffset() {
        return recordOff;
    }

    public int payloadLength() {
        return recordLen;
    }

    /** The buffer holding the current payload; valid until the next call to {@link #next()}. */
    public byte[] buffer() {
        return win;
    }

    /** File offset of the current record's frame. */
    public long recordOffset() {
        return recordFrameOffset;
    }

    /** The seqno the next record must have (last read + 1). */
    public long expectedSeqno() {
        return expectedSeqno;
    }

    /** Where the valid records end: after the last record read. */
    public long validEnd() {
        return tornTailOffset >= 0 ? tornTailOffset : pos;
    }

    /** Offset of the torn tail (or zero tail) where reading stopped, or -1 if none. */
    public long tornTailOffset() {
        return tornTailOffset;
    }

    /** Whether the records stopped at damage (not at a clean zero tail or end of file). */
    public boolean hasGarbageTail() throws IOException {
        return tornTailOffset >= 0 && !isZero(tornTailOffset, fileSize);
    }

    private boolean damage(long at, String what) throws IOException {
        if (!newest) {
            throw new CorruptionException(path, at, what + " in a sealed segment");
        }
        long proof = findDurableProof(at + 1, expectedSeqno);
        if (proof >= 0) {
            throw new CorruptionException(path, at, what + "; the valid record at offset " + proof
                    + " shows that seqno " + expectedSeqno + " had been forced to disk");
        }
        tornTailOffset = at;
        return false;
    }

    /**
     * Looks after {@code from} for a valid frame whose durable field is at least {@code seqno};
     * returns its offset or -1. Candidates are filtered by the plausibility of their durable and
     * seqno fields before a checksum is computed, so garbage costs little.
     */
    private long findDurableProof(long from, long seqno) throws IOException {
        long limit = 1L << 32;
        for (long q = from; q + WalFormat.FRAME_HEADER_SIZE + CommitRecord.PAYLOAD_HEADER_SIZE <= fileSize; q++) {
            int at = ensure(q, WalFormat.FRAME_HEADER_SIZE + 8);
            int len = Bytes.getInt(win, at + 4);
            long durable = Bytes.getLong(win, at + 8);
            long recSeqno = Bytes.getLong(win, at + WalFormat.FRAME_HEADER_SIZE);
            if (len < CommitRecord.PAYLOAD_HEADER_SIZE || len > fileSize - q - WalFormat.FRAME_HEADER_SIZE
                    || durable < seqno || durable - seqno > limit
                    || recSeqno <= durable || recSeqno - seqno > limit) {
                continue;
            }
            at = ensure(q, WalFormat.FRAME_HEADER_SIZE + len);
            if (WalFormat.frameCrc(crc, header.salt(), win, at, len) == Bytes.getInt(win, at)) {
                return q;
            }
        }
        return -1;
    }

    private boolean isZero(long from, long to) throws IOException {
        for (long p = from; p < to; ) {
            int n = (int) Math.min(WINDOW, to - p);
            int at = ensure(p, n);
            for (int i = 0; i < n; i++) {
                if (win[at + i] != 0) {
                    return false;
                }
            }
            p += n;
        }
        return true;
    }

    /** Makes bytes [p, p+n) of the file available in {@link #win}; returns their offset there. */
    private int ensure(long p, int n) throws IOException {
        if (p >= winStart && p + n <= winStart + winLen) {
            return (int) (p - winStart);
        }
        if (n > win.length) {
            win = new byte[Math.max(n, win.length * 2)];
        }
        int want = (int) Math.min(win.length, fileSize - p);
        ByteBuffer bb = ByteBuffer.wrap(win, 0, want);
        file.readFully(p, bb);
        winStart = p;
        winLen = want;
        return 0;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
