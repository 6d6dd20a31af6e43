package dev.strata.engine.wal;

import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;
import dev.strata.engine.util.Bytes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * Appends framed commit records to the newest WAL segment and rolls to a new segment when it is
 * full. Not thread-safe: the commit pipeline calls it from one I/O leader at a time.
 *
 * <p>Segments are preallocated with real zero bytes in chunks ({@link #PREALLOCATE_CHUNK}):
 * overwriting allocated blocks and forcing costs about half of appending and forcing, because
 * the force then has no file-size metadata to journal (measured in issue 3's note). The zero tail
 * reads as "end of data" ({@link WalFormat}). A segment is sealed by forcing it and truncating it
 * to its last record, before the next segment is created, so only the newest segment can end in
 * zeros or a torn record.
 */
public final class WalWriter implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WalWriter.class);
    /** Bytes of zeros written ahead of the write position at a time. */
    public static final int PREALLOCATE_CHUNK = 1 << 20;
    private static final byte[] ZEROS = new byte[64 << 10];

    private final Storage storage;
    private final Path dir;
    private final long maxSegmentBytes;
    private final CRC32C crc = new CRC32C();

    private StorageFile file;
    private volatile long segmentNumber;
    /** Every segment on disk: number to first seqno. Read by the flush thread to delete old ones. */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, Long> segments = new java.util.concurrent.ConcurrentSkipListMap<>();
    private int salt;
    private long writePos;
    private long allocatedEnd;
    private long bytesWritten;
    private long syncCount;
    /** The seqno the next frame written will carry. */
    private long nextSeqno;

    /** Whether segments are preallocated with zeros: it pays only when every commit forces. */
    private final boolean preallocating;
    /** What the segment being written holds so far (the transaction log's index of it). */
    private volatile SegmentSummaryBuilder current;
    /** Roll a non-empty segment whose first record is older than this (ms; 0: never for age). */
    private volatile long rotateAfterMillis;
    private volatile java.util.function.Consumer<SegmentSummary> summaryListener;

    private WalWriter(Storage storage, Path dir, long maxSegmentBytes, boolean preallocating) {
        this.storage = storage;
        this.dir = dir;
        this.maxSegmentBytes = maxSegmentBytes;
        this.preallocating = preallocating;
    }

    /** Creates segment {@code segmentNumber}, whose first record will be {@code firstSeqno}. */
    public static WalWriter create(Storage storage, Path dir, long segmentNumber, long firstSeqno,
                                   long maxSegmentBytes) throws IOException {
        return create(storage, dir, segmentNumber, firstSeqno, maxSegmentBytes, java.util.Map.of(), true);
    }

    /**
     * As {@link #create}, knowing the older segments already on disk (number to first seqno).
     * {@code preallocate}: write zeros ahead of the records (worth it in SYNC mode, where each
     * force then has no file-size change to journal; elsewhere it only doubles the bytes written).
     */
    public static WalWriter create(Storage storage, Path dir, long segmentNumber, long firstSeqno,
                                   long maxSegmentBytes, java.util.Map<Long, Long> existing, boolean preallocate)
            throws IOException {
        WalWriter w = new WalWriter(storage, dir, maxSegmentBytes, preallocate);
        w.segments.putAll(existing);
        w.startSegment(segmentNumber, firstSeqno, true);
        return w;
    }

    private void startSegment(long number, long firstSeqno, boolean preallocate) throws IOException {
        Path path = dir.resolve(WalFormat.fileName(number));
        StorageFile f = storage.create(path);
        try {
            int s = ThreadLocalRandom.current().nextInt();
            byte[] header = new SegmentHeader(WalFormat.VERSION, s, number, firstSeqno, 0).encode();
            f.write(0, header, 0, header.length);
            this.file = f;
            this.segmentNumber = number;
            segments.put(number, firstSeqno);
            this.salt = s;
            this.current = new SegmentSummaryBuilder(number, 0, firstSeqno, header.length);
            this.writePos = header.length;
            this.allocatedEnd = header.length;
            this.nextSeqno = firstSeqno;
            if (preallocate) {
                preallocate(writePos + 1);
            }
            dev.strata.engine.util.CrashPoints.hit("wal.segment.created");
            f.force();
            storage.forceDirectory(dir);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** The number of the segment being written. */
    public long segmentNumber() {
        return segmentNumber;
    }

    /** Bytes of records (and header) in the current segment. */
    public long segmentSize() {
        return writePos;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    public long syncCount() {
        return syncCount;
    }

    /**
     * Writes {@code len} bytes of complete frames from {@code buf}, filling in each frame's
     * checksum with this segment's salt and its durable field with {@code durableSeqno}. Rolls to
     * a new segment first if these frames would overflow a non-empty one; {@code firstSeqno} is
     * the seqno of the first frame.
     */
    public void writeFrames(byte[] buf, int off, int len, long firstSeqno, long durableSeqno)
            throws IOException {
        if (writePos > WalFormat.HEADER_SIZE && (writePos + len > maxSegmentBytes || tooOld(buf, off))) {
            roll(firstSeqno);
        }
        int p = off;
        int end = off + len;
        int frames = 0;
        while (p < end) {
            int payloadLen = Bytes.getInt(buf, p + 4);
            Bytes.putLong(buf, p + 8, durableSeqno);
            Bytes.putInt(buf, p, WalFormat.frameCrc(crc, salt, buf, p, payloadLen));
            p += WalFormat.FRAME_HEADER_SIZE + payloadLen;
            frames++;
        }
        preallocate(writePos + len);
        file.write(writePos, buf, off, len);
        current.addFrames(buf, off, len);
        writePos += len;
        bytesWritten += len;
        nextSeqno = firstSeqno + frames;
    }

    /** Whether the first frame in {@code buf} at {@code off} is past the segment's age for rotation. */
    private boolean tooOld(byte[] buf, int off) {
        long age = rotateAfterMillis;
        if (age <= 0) {
            return false;
        }
        long ts = CommitRecord.timestamp(buf, off + WalFormat.FRAME_HEADER_SIZE);
        SegmentSummary s = current.summary();
        return s.records() > 0 && ts - s.firstTimestamp() >= age;
    }

    /**
     * Rolls segments whose first record is {@code millis} older than the record to be written
     * (0: by size only), so that retention can drop old log entries at that granularity.
     */
    public void rotateAfter(long millis) {
        this.rotateAfterMillis = millis;
    }

    /** Tells {@code listener} the summary of each segment as it is sealed (the transaction-log index). */
    public void onSealed(java.util.function.Consumer<SegmentSummary> listener) {
        this.summaryListener = listener;
    }

    /** What the segment being written holds so far. */
    public SegmentSummary currentSummary() {
        return current.summary();
    }

    /** Makes everything written so far durable. */
    public void force() throws IOException {
        dev.strata.engine.util.CrashPoints.hit("wal.force.before");
        file.force();
        dev.strata.engine.util.CrashPoints.hit("wal.force.after");
        syncCount++;
    }

    /**
     * Forgets segment {@code number}, which the transaction log's retention deleted. Safe to call
     * from another thread than the writer's.
     */
    public void forgetSegment(long number) {
        segments.remove(number);
    }

    /** Whether a checkpoint or backup is copying segments (nothing may be deleted or rewritten). */
    public boolean pinned() {
        return pins.get() > 0;
    }

    /** Segments numbered above this are not archived yet and must be kept whole. */
    public long archivedThrough() {
        return archivedThrough;
    }

    private final java.util.concurrent.atomic.AtomicInteger pins = new java.util.concurrent.atomic.AtomicInteger();

    /** Keeps every segment on disk until {@link #unpin()} (a checkpoint copying them). */
    public void pin() {
        pins.incrementAndGet();
    }

    public void unpin() {
        pins.decrementAndGet();
    }

    /**
     * Where the WAL ends: the segment being written, its length in bytes (whole frames only:
     * the caller holds the I/O turn, so no write is in progress), the last seqno written and
     * every segment on disk (number to first seqno).
     */
    public record End(long segmentNumber, long length, long lastSeqno, java.util.NavigableMap<Long, Long> segments) {
    }

    /** The WAL's end now; the caller must hold the I/O turn. */
    public End end() {
        return new End(segmentNumber, writePos, nextSeqno - 1, new java.util.TreeMap<>(segments));
    }

    public Path directory() {
        return dir;
    }

    /** Number of segments on disk. */
    public int segmentCount() {
        return segments.size();
    }

    /**
     * Seals the current segment and starts the next one, if the current one holds any record:
     * after a flush, so the records the tables now hold sit in a sealed segment that can be
     * deleted (and is not copied by a checkpoint). The caller holds the I/O turn.
     */
    public void rollIfNotEmpty() throws IOException {
        if (writePos > WalFormat.HEADER_SIZE) {
            roll(nextSeqno, preallocating);
        }
    }

    /** Seals the current segment and starts segment number + 1 at {@code firstSeqno}. */
    public void roll(long firstSeqno) throws IOException {
        roll(firstSeqno, true);
    }

    private void roll(long firstSeqno, boolean preallocate) throws IOException {
        seal();
        dev.strata.engine.util.CrashPoints.hit("wal.roll.sealed");
        file.close();
        file = null;
        long sealed = segmentNumber;
        SegmentSummary summary = current.summary();
        startSegment(segmentNumber + 1, firstSeqno, preallocate);
        java.util.function.Consumer<SegmentSummary> sl = summaryListener;
        if (sl != null) {
            sl.accept(summary);
        }
        java.util.function.LongConsumer listener = sealListener;
        if (listener != null) {
            listener.accept(sealed);
        }
    }

    private volatile java.util.function.LongConsumer sealListener;
    /** Segments above this number are not archived yet and must not be deleted. */
    private volatile long archivedThrough = Long.MAX_VALUE;

    /**
     * Tells {@code listener} the number of each segment as it is sealed (the WAL archiver), and
     * keeps segments numbered above {@code archivedThrough} until {@link #setArchivedThrough}
     * says they are archived.
     */
    public void archiveWith(java.util.function.LongConsumer listener, long archivedThrough) {
        this.archivedThrough = archivedThrough;
        this.sealListener = listener;
    }

    public void setArchivedThrough(long segmentNumber) {
        this.archivedThrough = segmentNumber;
    }

    /** Forces the segment and cuts off its preallocated tail. */
    private void seal() throws IOException {
        file.force();
        file.truncate(writePos);
        file.force();
        syncCount++;
    }

    private void preallocate(long needed) throws IOException {
        if (needed <= allocatedEnd) {
            return;
        }
        if (!preallocating) {
            allocatedEnd = needed;
            return;
        }
        long target = Math.max(needed, allocatedEnd + PREALLOCATE_CHUNK);
        target = Math.min(Math.max(target, needed), Math.max(needed, maxSegmentBytes));
        long pos = allocatedEnd;
        while (pos < target) {
            int n = (int) Math.min(ZEROS.length, target - pos);
            file.write(pos, ZEROS, 0, n);
            pos += n;
        }
        allocatedEnd = target;
    }

    /**
     * A clean shutdown: seals the segment (force, truncate) and starts an empty successor. The
     * successor makes the segment holding the last records a sealed one, which recovery checks
     * strictly: damage to its last record is then reported as corruption instead of being taken
     * for the torn tail of a crash.
     */
    @Override
    public void close() throws IOException {
        if (file != null) {
            roll(nextSeqno, false);
            file.close();
            file = null;
        }
    }

    /** Closes the file without sealing it: after a failure, leave the disk as it is. */
    public void abandon() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // The database has already failed with the original error, which is what callers
                // get; this one is only worth a line in the log.
                LOG.warn("Closing WAL segment {} after a failure also failed", segmentNumber, e);
            }
            file = null;
        }
    }
}
