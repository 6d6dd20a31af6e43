package dev.strata.engine.sst;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictTrainer;
import com.github.luben.zstd.ZstdException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.StorageFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Streams sorted entries into one table file (layout in {@link TableFormat}). Called by the
 * flush and compaction code, one writer per output file, from one thread.
 *
 * <p>Contract: entries are added in internal order (user key ascending, seqno descending,
 * no (key, seqno) twice), range tombstones in any order. {@link #finish} writes the meta blocks
 * and the footer and forces the file; only then is the table durable, and only its contents:
 * the caller renames it into place and forces the directory (and records it in the manifest).
 * The writer never closes the file. After any exception the file is unusable and should be
 * deleted by the caller.
 *
 * <p>With a zstd dictionary, the first {@link TableOptions#effectiveSampleBytes} of data blocks
 * are held in memory, the dictionary is trained on them, and then they are written; a table too
 * small to train on (or whose training fails) is written without a dictionary, and
 * {@link #dictionaryStatus} says why.
 */
public final class TableWriter {
    private static final Logger LOG = LoggerFactory.getLogger(TableWriter.class);
    private static final int WRITE_BUFFER = 64 << 10;
    /** Bounds of the sample pieces handed to the zstd trainer, and the fewest it accepts. */
    private static final int MIN_SAMPLE_PIECE = 64;
    private static final int MAX_SAMPLE_PIECE = 1024;
    private static final int MIN_SAMPLES = 12;

    private final StorageFile file;
    private final TableOptions options;
    private final BlockBuilder data;
    private final BlockBuilder index = new BlockBuilder(1);
    private final BloomFilter.Builder bloom;
    private final List<RangeTombstone> tombstones = new ArrayList<>();

    private final byte[] out = new byte[WRITE_BUFFER];
    private int outLen;
    private long outFileOffset;   // file position of out[0]
    private byte[] zbuf = new byte[0];

    private byte[] lastKey = new byte[64];
    private int lastKeyLen = -1;  // -1: no entry yet
    private long lastSeqno;

    private long entries;
    private long pointTombstones;
    private long rawKeyBytes;
    private long rawValueBytes;
    private long dataBlocks;
    private long smallestSeqno = Long.MAX_VALUE;
    private long largestSeqno = Long.MIN_VALUE;
    private byte[] firstKey;

    private final List<byte[]> pendingBlocks = new ArrayList<>();
    private final List<byte[]> pendingKeys = new ArrayList<>();
    private final List<Long> pendingSeqnos = new ArrayList<>();
    private long pendingBytes;
    private boolean dictionaryDecided;
    private byte[] dictionary;
    private ZstdDictCompress dictCompress;
    private String dictionaryStatus = "not requested";

    private boolean finished;

    /** Starts a table in an empty file; writes (buffers) the header. */
    public TableWriter(StorageFile file, TableOptions options) {
        this.file = file;
        this.options = options;
        this.data = new BlockBuilder(options.restartInterval());
        this.bloom = options.bloomBitsPerKey() > 0 ? new BloomFilter.Builder(options.bloomBitsPerKey()) : null;
        this.dictionaryDecided = !options.usesDictionary();
        byte[] header = TableFormat.encodeHeader();
        append(header, 0, header.length);
    }

    /** Adds a put. */
    public void put(byte[] userKey, long seqno, byte[] value) {
        add(userKey, seqno, TableFormat.KIND_PUT, value, 0);
    }

    /** Adds a put that expires at {@code expiresAt} (ms since the epoch). */
    public void putWithTtl(byte[] userKey, long seqno, byte[] value, long expiresAt) {
        add(userKey, seqno, TableFormat.KIND_PUT_TTL, value, expiresAt);
    }

    /** Adds a point tombstone. */
    public void delete(byte[] userKey, long seqno) {
        add(userKey, seqno, TableFormat.KIND_DELETE, Bytes.EMPTY, 0);
    }

    /**
     * Adds one entry. {@code kind} is {@link TableFormat#KIND_PUT}, {@code KIND_DELETE} (value
     * ignored) or {@code KIND_PUT_TTL} (with {@code expiresAt}). Throws
     * {@link InvalidArgumentException} if the entry is out of order or too large.
     */
    public void add(byte[] userKey, long seqno, int kind, byte[] value, long expiresAt) {
        checkOpen();
        if (!TableFormat.isDataKind(kind)) {
            throw new InvalidArgumentException("not a data entry kind: " + kind);
        }
        if (seqno < 0) {
            throw new InvalidArgumentException("negative seqno " + seqno);
        }
        byte[] v = kind == TableFormat.KIND_DELETE || value == null ? Bytes.EMPTY : value;
        if ((long) userKey.length + v.length > TableFormat.MAX_BLOCK_SIZE / 4) {
            throw new InvalidArgumentException("entry too large: key " + userKey.length
                    + " bytes, value " + v.length + " bytes");
        }
        boolean newKey = true;
        if (lastKeyLen >= 0) {
            int c = Arrays.compareUnsigned(userKey, 0, userKey.length, lastKey, 0, lastKeyLen);
            if (c < 0 || (c == 0 && seqno >= lastSeqno)) {
                throw new InvalidArgumentException("entries out of order: " + Bytes.toDisplay(userKey)
                        + "@" + seqno + " after " + Bytes.toDisplay(Arrays.copyOf(lastKey, lastKeyLen))
                        + "@" + lastSeqno);
            }
            newKey = c != 0;
        } else {
            firstKey = userKey.clone();
        }
        if (newKey && bloom != null) {
            bloom.add(userKey);
        }
        if (kind == TableFormat.KIND_PUT_TTL) {
            data.addWithExpiry(userKey, seqno, kind, expiresAt, v);
        } else {
            data.add(userKey, seqno, kind, v, 0, v.length);
        }
        if (lastKey.length < userKey.length) {
            lastKey = new byte[Math.max(userKey.length, lastKey.length * 2)];
        }
        System.arraycopy(userKey, 0, lastKey, 0, userKey.length);
        lastKeyLen = userKey.length;
        lastSeqno = seqno;
        entries++;
        if (kind == TableFormat.KIND_DELETE) {
            pointTombstones++;
        }
        rawKeyBytes += userKey.length;
        rawValueBytes += v.length;
        noteSeqno(seqno);
        if (data.estimatedSize() >= options.blockSize()) {
            flushDataBlock();
        }
    }

    /**
     * Adds a range tombstone over [start, end) at {@code seqno}; start must sort before end, and
     * seqno is at least 1 (readers answer 0 for "no tombstone", as the memtable does).
     */
    public void addRangeTombstone(byte[] start, byte[] end, long seqno) {
        checkOpen();
        if (Bytes.compare(start, end) >= 0) {
            throw new InvalidArgumentException("empty range tombstone [" + Bytes.toDisplay(start)
                    + ", " + Bytes.toDisplay(end) + ")");
        }
        if (seqno < 1) {
            throw new InvalidArgumentException("range tombstone seqno must be >= 1: " + seqno);
        }
        tombstones.add(new RangeTombstone(start.clone(), end.clone(), seqno));
        noteSeqno(seqno);
    }

    /** Bytes the file will have if finished now, roughly: for cutting compaction outputs. */
    public long estimatedFileSize() {
        return outFileOffset + outLen + pendingBytes + data.estimatedSize();
    }

    /** Whether a zstd dictionary was used, and if not, why. */
    public String dictionaryStatus() {
        return dictionaryStatus;
    }

    /**
     * Writes the remaining data, the meta blocks and the footer, then forces the file.
     * Returns the table's properties; {@link #fileSize} is then final.
     */
    public TableProperties finish() {
        checkOpen();
        finished = true;
        try {
            if (!data.isEmpty()) {
                flushDataBlock();
            }
            if (!dictionaryDecided) {
                decideDictionary();
            }
            BlockHandle filter = BlockHandle.ABSENT;
            if (bloom != null) {
                byte[] f = bloom.build();
                filter = writeBlock(f, 0, f.length, TableFormat.TYPE_NONE);
            }
            BlockHandle dict = BlockHandle.ABSENT;
            if (dictionary != null) {
                dict = writeBlock(dictionary, 0, dictionary.length, TableFormat.TYPE_NONE);
            }
            byte[] rd = encodeRangeTombstones();
            BlockHandle rangeDel = writeBlock(rd, 0, rd.length, TableFormat.TYPE_NONE);
            TableProperties props = properties();
            byte[] p = props.encode();
            BlockHandle properties = writeBlock(p, 0, p.length, TableFormat.TYPE_NONE);
            byte[] ix = index.finish();
            BlockHandle indexHandle = writeBlock(ix, 0, ix.length, TableFormat.TYPE_NONE);
            byte[] footer = new TableFormat.Footer(indexHandle, filter, rangeDel, properties, dict,
                    TableFormat.VERSION).encode();
            append(footer, 0, footer.length);
            flushBuffer();
            file.force();
            return props;
        } catch (IOException e) {
            throw new StrataIOException("writing table " + file.path(), e);
        } finally {
            if (dictCompress != null) {
                dictCompress.close();
            }
        }
    }

    /** The size of the file after {@link #finish}. */
    public long fileSize() {
        return outFileOffset + outLen;
    }

    private TableProperties properties() {
        byte[] smallest = firstKey;
        byte[] largest = lastKeyLen >= 0 ? Arrays.copyOf(lastKey, lastKeyLen) : null;
        for (RangeTombstone t : tombstones) {
            if (smallest == null || Bytes.compare(t.start(), smallest) < 0) {
                smallest = t.start();
            }
            if (largest == null || Bytes.compare(t.end(), largest) > 0) {
                largest = t.end();
            }
        }
        boolean empty = smallestSeqno == Long.MAX_VALUE;
        int compression = options.compression() == TableOptions.Compression.ZSTD
                ? TableFormat.TYPE_ZSTD : TableFormat.TYPE_NONE;
        return new TableProperties(TableFormat.VERSION, entries, pointTombstones, tombstones.size(),
                empty ? 0 : smallestSeqno, empty ? 0 : largestSeqno,
                smallest == null ? Bytes.EMPTY : smallest, largest == null ? Bytes.EMPTY : largest,
                rawKeyBytes, rawValueBytes, dataBlocks, compression,
                dictionary == null ? 0 : dictionary.length, options.bloomBitsPerKey());
    }

    private byte[] encodeRangeTombstones() {
        tombstones.sort(Comparator.comparing(RangeTombstone::start, Bytes.COMPARATOR)
                .thenComparing(RangeTombstone::seqno, Comparator.reverseOrder()));
        BlockBuilder b = new BlockBuilder(options.restartInterval());
        for (RangeTombstone t : tombstones) {
            b.add(t.start(), t.seqno(), TableFormat.KIND_RANGE_DELETE, t.end(), 0, t.end().length);
        }
        return b.finish();
    }

    private void noteSeqno(long seqno) {
        smallestSeqno = Math.min(smallestSeqno, seqno);
        largestSeqno = Math.max(largestSeqno, seqno);
    }

    private void checkOpen() {
        if (finished) {
            throw new InvalidArgumentException("table " + file.path() + " is already finished");
        }
    }

    private void flushDataBlock() {
        byte[] raw = data.finish();
        data.reset();
        dataBlocks++;
        byte[] key = Arrays.copyOf(lastKey, lastKeyLen);
        if (!dictionaryDecided) {
            pendingBlocks.add(raw);
            pendingKeys.add(key);
            pendingSeqnos.add(lastSeqno);
            pendingBytes += raw.length;
            if (pendingBytes >= options.effectiveSampleBytes()) {
                decideDictionary();
            }
            return;
        }
        writeDataBlock(raw, key, lastSeqno);
    }

    private void writeDataBlock(byte[] raw, byte[] lastKeyOfBlock, long seqno) {
        BlockHandle h;
        if (options.compression() == TableOptions.Compression.ZSTD) {
            h = writeCompressed(raw);
        } else {
            h = writeBlock(raw, 0, raw.length, TableFormat.TYPE_NONE);
        }
        byte[] hv = new byte[20];
        int n = Bytes.putVarLong(hv, 0, h.offset());
        n = Bytes.putVarLong(hv, n, h.size());
        index.add(lastKeyOfBlock, seqno, TableFormat.KIND_META, hv, 0, n);
    }

    /**
     * Compresses a data block; keeps it uncompressed if zstd saves less than 1/8, as LevelDB
     * does, since then the decompression cost buys too little.
     */
    private BlockHandle writeCompressed(byte[] raw) {
        int bound = (int) Math.min(Integer.MAX_VALUE - 32, Zstd.compressBound(raw.length) + 10);
        if (zbuf.length < bound) {
            zbuf = new byte[bound];
        }
        int h = Bytes.putVarLong(zbuf, 0, raw.length);
        long n;
        int type;
        try {
            if (dictCompress != null) {
                n = Zstd.compressFastDict(zbuf, h, raw, 0, raw.length, dictCompress);
                type = TableFormat.TYPE_ZSTD_DICT;
            } else {
                n = Zstd.compressByteArray(zbuf, h, zbuf.length - h, raw, 0, raw.length,
                        options.zstdLevel());
                type = TableFormat.TYPE_ZSTD;
            }
        } catch (ZstdException e) {
            // The table stays correct uncompressed; a compressor failure is worth a warning only.
            LOG.warn("zstd failed on a block of {}, storing it uncompressed", file.path(), e);
            return writeBlock(raw, 0, raw.length, TableFormat.TYPE_NONE);
        }
        if (Zstd.isError(n)) {
            LOG.warn("zstd failed on a block of {} ({}), storing it uncompressed", file.path(),
                    Zstd.getErrorName(n));
            return writeBlock(raw, 0, raw.length, TableFormat.TYPE_NONE);
        }
        int stored = h + (int) n;
        if (stored >= raw.length - raw.length / 8) {
            return writeBlock(raw, 0, raw.length, TableFormat.TYPE_NONE);
        }
        return writeBlock(zbuf, 0, stored, type);
    }

    /** Trains the dictionary on the buffered blocks (if there is enough), then writes them. */
    private void decideDictionary() {
        dictionaryDecided = true;
        // zstd's trainer refuses fewer than about a dozen samples, so blocks are cut into pieces
        // small enough to give it ~32 of them, but no smaller than 64 bytes.
        int piece = (int) Math.max(MIN_SAMPLE_PIECE, Math.min(MAX_SAMPLE_PIECE, pendingBytes / 32));
        int pieces = 0;
        for (byte[] b : pendingBlocks) {
            pieces += (b.length + piece - 1) / piece;
        }
        if (pieces < MIN_SAMPLES || pendingBytes < 2L * options.dictionaryBytes()) {
            dictionaryStatus = "not used: " + pendingBytes + " sample bytes in " + pieces
                    + " pieces are too few to train a " + options.dictionaryBytes() + "-byte dictionary";
        } else {
            ZstdDictTrainer trainer = new ZstdDictTrainer((int) pendingBytes + 1024, options.dictionaryBytes());
            for (byte[] b : pendingBlocks) {
                for (int off = 0; off < b.length; off += piece) {
                    trainer.addSample(Arrays.copyOfRange(b, off, Math.min(b.length, off + piece)));
                }
            }
            try {
                dictionary = trainer.trainSamples();
                dictCompress = new ZstdDictCompress(dictionary, options.zstdLevel());
                dictionaryStatus = "used: " + dictionary.length + " bytes";
            } catch (ZstdException e) {
                // Handled: the table is written without a dictionary, and the reason is kept.
                dictionary = null;
                dictionaryStatus = "not used: training failed: " + e.getMessage();
                LOG.debug("zstd dictionary training failed for {}: {}", file.path(), e.getMessage());
            }
        }
        for (int i = 0; i < pendingBlocks.size(); i++) {
            writeDataBlock(pendingBlocks.get(i), pendingKeys.get(i), pendingSeqnos.get(i));
        }
        pendingBlocks.clear();
        pendingKeys.clear();
        pendingSeqnos.clear();
        pendingBytes = 0;
    }

    /** Appends payload, type and checksum; returns the payload's handle. */
    private BlockHandle writeBlock(byte[] payload, int off, int len, int type) {
        BlockHandle h = new BlockHandle(outFileOffset + outLen, len);
        byte[] trailer = new byte[TableFormat.BLOCK_TRAILER_SIZE];
        trailer[0] = (byte) type;
        Bytes.putInt(trailer, 1, TableFormat.blockCrc(payload, off, len, type));
        append(payload, off, len);
        append(trailer, 0, trailer.length);
        return h;
    }

    private void append(byte[] b, int off, int len) {
        try {
            if (len > out.length - outLen) {
                flushBuffer();
                if (len > out.length / 2) {
                    file.write(outFileOffset, b, off, len);
                    outFileOffset += len;
                    return;
                }
            }
            System.arraycopy(b, off, out, outLen, len);
            outLen += len;
        } catch (IOException e) {
            throw new StrataIOException("writing table " + file.path(), e);
        }
    }

    private void flushBuffer() throws IOException {
        if (outLen > 0) {
            file.write(outFileOffset, out, 0, outLen);
            outFileOffset += outLen;
            outLen = 0;
        }
    }
}
