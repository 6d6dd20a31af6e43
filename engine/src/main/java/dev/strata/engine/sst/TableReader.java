package dev.strata.engine.sst;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdException;
import dev.strata.engine.CorruptionException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An open, immutable table file (layout in {@link TableFormat}): point lookups at a snapshot,
 * range tombstone queries and iterators. Opened by the LSM layer for every live table, shared by
 * all reading threads; every method is thread-safe, and each {@link TableIterator} is used by
 * one thread.
 *
 * <p>Opening reads and verifies header, footer and every meta block (index, filter, dictionary,
 * range tombstones, properties), which stay in memory; data blocks are read on demand with
 * positional reads, verified, decompressed and put in the optional shared {@link BlockCache}.
 * Any damage found is a {@link CorruptionException} naming the file and the offset of the
 * damaged block (the header's offset 0, the footer's offset, or a block handle's offset).
 *
 * <p>{@link #close} releases the file and the dictionary; using the reader, or an iterator of
 * it, after close is an error (the caller's reference counting prevents it).
 */
public final class TableReader implements Closeable {
    private final Path path;
    private final StorageFile file;
    private final long fileNumber;
    private final BlockCache cache;
    private final long fileSize;
    private final TableFormat.Footer footer;
    private final long dataEnd;
    private final Block index;
    private final byte[] filter;
    private final ZstdDictDecompress dictionary;
    private final TableProperties properties;
    private final List<RangeTombstone> rangeTombstones;
    private final RangeTombstoneIndex tombstoneIndex;

    /**
     * Opens and verifies the table at {@code path}. {@code fileNumber} names the table in the
     * {@code cache} (null for no cache) and must be unique among tables sharing it.
     */
    public static TableReader open(Storage storage, Path path, long fileNumber, BlockCache cache) {
        StorageFile f;
        try {
            f = storage.openReadOnly(path);
        } catch (IOException e) {
            throw new StrataIOException("opening table " + path, e);
        }
        try {
            return new TableReader(path, f, fileNumber, cache);
        } catch (RuntimeException e) {
            try {
                f.close();
            } catch (IOException ce) {
                e.addSuppressed(ce);
            }
            throw e;
        }
    }

    private TableReader(Path path, StorageFile file, long fileNumber, BlockCache cache) {
        this.path = path;
        this.file = file;
        this.fileNumber = fileNumber;
        this.cache = cache;
        try {
            this.fileSize = file.size();
        } catch (IOException e) {
            throw new StrataIOException("reading table " + path, e);
        }
        if (fileSize < TableFormat.HEADER_SIZE + TableFormat.FOOTER_SIZE) {
            throw new CorruptionException(path, fileSize, "table file too short (" + fileSize
                    + " bytes): truncated");
        }
        TableFormat.checkHeader(path, readAt(0, TableFormat.HEADER_SIZE));
        long footerOffset = fileSize - TableFormat.FOOTER_SIZE;
        footer = TableFormat.Footer.decode(path, footerOffset,
                readAt(footerOffset, TableFormat.FOOTER_SIZE));
        long metaStart = footer.index().offset();
        for (BlockHandle h : List.of(footer.filter(), footer.rangeDel(), footer.properties(),
                footer.dictionary())) {
            if (h.isPresent()) {
                metaStart = Math.min(metaStart, h.offset());
            }
        }
        dataEnd = metaStart;
        index = readBlock(footer.index(), false);
        filter = footer.filter().isPresent() ? readRaw(footer.filter()) : null;
        properties = TableProperties.decode(readBlock(footer.properties(), false));
        rangeTombstones = decodeRangeTombstones(readBlock(footer.rangeDel(), false));
        tombstoneIndex = rangeTombstones.isEmpty() ? RangeTombstoneIndex.EMPTY
                : new RangeTombstoneIndex(rangeTombstones);
        dictionary = footer.dictionary().isPresent() ? openDictionary(footer.dictionary()) : null;
    }

    /** zstd refuses a dictionary whose tables do not parse (IllegalStateException): damage, like any other. */
    private ZstdDictDecompress openDictionary(BlockHandle h) {
        byte[] dict = readRaw(h);
        try {
            return new ZstdDictDecompress(dict);
        } catch (IllegalStateException | ZstdException e) {
            CorruptionException ce = new CorruptionException(path, h.offset(), "undecodable zstd dictionary: " + e.getMessage());
            ce.initCause(e);
            throw ce;
        }
    }

    public Path path() {
        return path;
    }

    public long fileNumber() {
        return fileNumber;
    }

    public long fileSize() {
        return fileSize;
    }

    public TableProperties properties() {
        return properties;
    }

    /** The table's range tombstones, sorted by start then seqno descending. */
    public List<RangeTombstone> rangeTombstones() {
        return rangeTombstones;
    }

    /** The largest seqno &lt;= {@code snapshot} of a range tombstone of this table covering {@code key}, or 0. */
    public long maxCoveringRangeTombstone(byte[] key, long snapshot) {
        return tombstoneIndex.maxCovering(key, snapshot);
    }

    /**
     * The newest entry for {@code userKey} with seqno &lt;= {@code snapshot}: a put or a point
     * tombstone; null if the table has none. Range tombstones are not applied (see
     * {@link #maxCoveringRangeTombstone}). Consults the bloom filter first, so a key not in the
     * table usually costs no block read.
     */
    public TableEntry get(byte[] userKey, long snapshot) {
        if (filter != null && !BloomFilter.mayContain(filter, userKey, 0, userKey.length)) {
            return null;
        }
        Block.Iter ix = index.iterator();
        ix.seek(userKey, 0, userKey.length, snapshot);
        if (!ix.valid()) {
            return null;
        }
        Block.Iter it = dataBlock(ix).iterator();
        it.seek(userKey, 0, userKey.length, snapshot);
        if (!it.valid()) {
            throw new CorruptionException(path, it.block().fileOffset(),
                    "data block ends before the key its index entry promises");
        }
        checkEntry(it);
        if (Bytes.compare(it.key(), 0, it.keyLength(), userKey, 0, userKey.length) != 0) {
            return null;
        }
        return entryOf(it);
    }

    /** A new iterator over every entry, unpositioned. */
    public TableIterator iterator() {
        return new TableIterator(this, index.iterator());
    }

    @Override
    public void close() {
        if (dictionary != null) {
            dictionary.close();
        }
        try {
            file.close();
        } catch (IOException e) {
            throw new StrataIOException("closing table " + path, e);
        }
    }

    /** Every block of the file (data blocks first, then the meta blocks): for tests and tools. */
    List<BlockHandle> blockHandles() {
        List<BlockHandle> hs = new ArrayList<>();
        Block.Iter ix = index.iterator();
        for (ix.seekToFirst(); ix.valid(); ix.next()) {
            hs.add(handleOf(ix));
        }
        for (BlockHandle h : List.of(footer.filter(), footer.dictionary(), footer.rangeDel(),
                footer.properties(), footer.index())) {
            if (h.isPresent()) {
                hs.add(h);
            }
        }
        return hs;
    }

    static TableEntry entryOf(Block.Iter it) {
        byte[] d = it.data();
        int off = it.valueOffset();
        int len = it.valueLength();
        if (it.kind() == TableFormat.KIND_PUT_TTL) {
            byte[] v = new byte[len - 8];
            System.arraycopy(d, off + 8, v, 0, v.length);
            return new TableEntry(it.seqno(), it.kind(), v, Bytes.getLong(d, off));
        }
        byte[] v = new byte[len];
        System.arraycopy(d, off, v, 0, len);
        return new TableEntry(it.seqno(), it.kind(), v, 0);
    }

    /** Refuses an entry a data block may not hold, so damage never becomes a wrong value. */
    void checkEntry(Block.Iter it) {
        int kind = it.kind();
        boolean ok = switch (kind) {
            case TableFormat.KIND_PUT -> true;
            case TableFormat.KIND_DELETE -> it.valueLength() == 0;
            case TableFormat.KIND_PUT_TTL -> it.valueLength() >= 8;
            default -> false;
        };
        if (!ok || it.seqno() < 0) {
            throw new CorruptionException(path, it.block().fileOffset(), "damaged block: bad entry (kind "
                    + kind + ", value length " + it.valueLength() + ", seqno " + it.seqno() + ")");
        }
    }

    /** The data block the index iterator points at, from the cache or the file. */
    Block dataBlock(Block.Iter ix) {
        BlockHandle h = handleOf(ix);
        if (cache != null) {
            Block b = cache.get(fileNumber, h.offset());
            if (b != null) {
                return b;
            }
        }
        Block b = readBlock(h, true);
        if (cache != null) {
            cache.put(fileNumber, h.offset(), b);
        }
        return b;
    }

    private BlockHandle handleOf(Block.Iter ix) {
        ByteReader r = new ByteReader(ix.data(), ix.valueOffset(), ix.valueLength());
        try {
            long off = r.varLong();
            int size = r.varInt(Integer.MAX_VALUE - TableFormat.BLOCK_TRAILER_SIZE);
            BlockHandle h = new BlockHandle(off, size);
            if (r.remaining() != 0 || !h.fitsIn(dataEnd)) {
                throw new CorruptionException(path, index.fileOffset(),
                        "index entry points outside the data area: " + h);
            }
            return h;
        } catch (ByteReader.Malformed e) {
            throw new CorruptionException(path, index.fileOffset(), "malformed index entry: " + e.getMessage());
        }
    }

    private List<RangeTombstone> decodeRangeTombstones(Block b) {
        List<RangeTombstone> out = new ArrayList<>();
        Block.Iter it = b.iterator();
        for (it.seekToFirst(); it.valid(); it.next()) {
            byte[] start = Arrays.copyOf(it.key(), it.keyLength());
            byte[] end = new byte[it.valueLength()];
            System.arraycopy(it.data(), it.valueOffset(), end, 0, end.length);
            if (it.kind() != TableFormat.KIND_RANGE_DELETE || Bytes.compare(start, end) >= 0 || it.seqno() < 0) {
                throw new CorruptionException(path, b.fileOffset(), "damaged range tombstone block");
            }
            out.add(new RangeTombstone(start, end, it.seqno()));
        }
        return Collections.unmodifiableList(out);
    }

    /** Reads, verifies and (if allowed) decompresses the block at {@code h}. */
    private Block readBlock(BlockHandle h, boolean mayBeCompressed) {
        byte[] buf = readVerified(h);
        int size = h.size();
        int type = buf[size] & 0xFF;
        if (type == TableFormat.TYPE_NONE) {
            return new Block(path, h.offset(), buf, size);
        }
        if (!mayBeCompressed || (type != TableFormat.TYPE_ZSTD && type != TableFormat.TYPE_ZSTD_DICT)) {
            throw new CorruptionException(path, h.offset(), "unexpected block type " + type);
        }
        ByteReader r = new ByteReader(buf, 0, size);
        int rawLen;
        try {
            rawLen = r.varInt(TableFormat.MAX_BLOCK_SIZE);
        } catch (ByteReader.Malformed e) {
            throw new CorruptionException(path, h.offset(), "malformed compressed block: " + e.getMessage());
        }
        int src = r.position();
        // Checked before allocating: a raw length the zstd frame does not declare is damage, not
        // a reason to allocate up to MAX_BLOCK_SIZE (the writer always declares the content size).
        long declared = Zstd.getFrameContentSize(buf, src, size - src);
        if (declared != rawLen) {
            throw new CorruptionException(path, h.offset(), "compressed block declares " + declared
                    + " bytes, its frame " + rawLen);
        }
        byte[] raw = new byte[rawLen];
        long n;
        try {
            if (type == TableFormat.TYPE_ZSTD_DICT) {
                if (dictionary == null) {
                    throw new CorruptionException(path, h.offset(),
                            "block compressed with a dictionary the table does not have");
                }
                n = Zstd.decompressFastDict(raw, 0, buf, src, size - src, dictionary);
            } else {
                n = Zstd.decompressByteArray(raw, 0, rawLen, buf, src, size - src);
            }
        } catch (ZstdException e) {
            CorruptionException ce = new CorruptionException(path, h.offset(),
                    "undecodable zstd block: " + e.getMessage());
            ce.initCause(e);
            throw ce;
        }
        if (Zstd.isError(n) || n != rawLen) {
            throw new CorruptionException(path, h.offset(), "zstd block decoded to "
                    + (Zstd.isError(n) ? Zstd.getErrorName(n) : n + " bytes") + ", expected " + rawLen);
        }
        return new Block(path, h.offset(), raw, rawLen);
    }

    /** The payload of an uncompressed meta block (filter, dictionary). */
    private byte[] readRaw(BlockHandle h) {
        byte[] buf = readVerified(h);
        if ((buf[h.size()] & 0xFF) != TableFormat.TYPE_NONE) {
            throw new CorruptionException(path, h.offset(), "unexpected block type " + (buf[h.size()] & 0xFF));
        }
        return Arrays.copyOf(buf, h.size());
    }

    /** Payload plus trailer, checksum verified. */
    private byte[] readVerified(BlockHandle h) {
        int size = h.size();
        byte[] buf = readAt(h.offset(), size + TableFormat.BLOCK_TRAILER_SIZE);
        int type = buf[size] & 0xFF;
        if (TableFormat.blockCrc(buf, 0, size, type) != Bytes.getInt(buf, size + 1)) {
            throw new CorruptionException(path, h.offset(), "block checksum mismatch");
        }
        return buf;
    }

    private byte[] readAt(long offset, int len) {
        byte[] buf = new byte[len];
        try {
            file.readFully(offset, ByteBuffer.wrap(buf));
        } catch (EOFException e) {
            CorruptionException ce = new CorruptionException(path, offset,
                    "block runs past the end of the file (truncated)");
            ce.initCause(e);
            throw ce;
        } catch (IOException e) {
            throw new StrataIOException("reading table " + path + " at " + offset, e);
        }
        return buf;
    }
}
