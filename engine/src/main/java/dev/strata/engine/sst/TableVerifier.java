package dev.strata.engine.sst;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a whole table file and reports every damage it finds, where {@link TableReader} stops at
 * the first: the header, footer and meta blocks (through {@link TableReader#open}, which checks
 * each one's CRC32C), then every data block the index names, one by one, so that a damaged block
 * does not hide damage in a later one. For each data block: its checksum, its decompression,
 * every entry's kind, the internal order of entries (within and across blocks), and that the
 * block ends at the key its index entry promises. Finally the counts the properties block claims
 * are compared with what the blocks hold. Used by {@code check.DatabaseChecker} ({@code strata
 * verify}); never changes the file.
 */
public final class TableVerifier {

    /**
     * What a verification found.
     *
     * @param properties the table's properties, or null if the table could not be opened
     * @param dataBlocks data blocks read without damage
     * @param entries    point entries read from them
     * @param damage     every problem found, each naming the file and the offset of the damaged
     *                   block (0 for the header, the footer's offset for the footer); empty when the
     *                   table is sound
     */
    public record Result(TableProperties properties, long dataBlocks, long entries,
                         List<CorruptionException> damage) {
        public boolean ok() {
            return damage.isEmpty();
        }
    }

    private final TableReader table;
    private final List<CorruptionException> damage = new ArrayList<>();
    private byte[] prevKey;
    private long prevSeqno;
    private long blocksOk;
    private long entries;
    private long pointTombstones;
    private long minSeqno = Long.MAX_VALUE;
    private long maxSeqno = Long.MIN_VALUE;

    private TableVerifier(TableReader table) {
        this.table = table;
    }

    /** Verifies the table at {@code path}. I/O failures other than damage are thrown as {@link StrataIOException}. */
    public static Result verify(Storage storage, Path path, long fileNumber) {
        TableReader reader;
        try {
            reader = TableReader.open(storage, path, fileNumber, null);
        } catch (CorruptionException e) {
            return new Result(null, 0, 0, List.of(e));
        }
        try {
            TableVerifier v = new TableVerifier(reader);
            try {
                v.run(storage);
            } catch (CorruptionException e) {
                v.damage.add(e); // the index itself: no data block can be found past this
            }
            return new Result(reader.properties(), v.blocksOk, v.entries, List.copyOf(v.damage));
        } finally {
            reader.close();
        }
    }

    private void run(Storage storage) {
        List<BlockHandle> handles = table.blockHandles();
        // Meta blocks follow the data blocks in the handle list; index last, properties before it.
        BlockHandle indexHandle = handles.get(handles.size() - 1);
        BlockHandle propertiesHandle = handles.get(handles.size() - 2);
        Block index = readIndex(storage, indexHandle);
        Block.Iter ix = index.iterator();
        long indexEntries = 0;
        for (ix.seekToFirst(); ix.valid(); ix.next()) {
            indexEntries++;
            try {
                verifyDataBlock(ix);
                blocksOk++;
            } catch (CorruptionException e) {
                damage.add(e);
            }
        }
        for (RangeTombstone t : table.rangeTombstones()) {
            widenSeqnos(t.seqno());
        }
        if (damage.isEmpty()) {
            compareWithProperties(table.properties(), indexEntries, propertiesHandle.offset());
        }
    }

    private void verifyDataBlock(Block.Iter ix) {
        Block block = table.dataBlock(ix);
        Block.Iter it = block.iterator();
        it.seekToFirst();
        if (!it.valid()) {
            throw new CorruptionException(table.path(), block.fileOffset(), "empty data block");
        }
        byte[] lastKey = null;
        long lastSeqno = 0;
        long blockEntries = 0;
        long blockTombstones = 0;
        for (; it.valid(); it.next()) {
            table.checkEntry(it);
            lastKey = Arrays.copyOf(it.key(), it.keyLength());
            lastSeqno = it.seqno();
            if (prevKey != null && Block.compare(prevKey, 0, prevKey.length, prevSeqno,
                    lastKey, 0, lastKey.length, lastSeqno) >= 0) {
                throw new CorruptionException(table.path(), block.fileOffset(), "entries out of order: "
                        + Bytes.toDisplay(lastKey) + "@" + lastSeqno + " after " + Bytes.toDisplay(prevKey) + "@" + prevSeqno);
            }
            prevKey = lastKey;
            prevSeqno = lastSeqno;
            blockEntries++;
            if (it.kind() == TableFormat.KIND_DELETE) {
                blockTombstones++;
            }
            widenSeqnos(lastSeqno);
        }
        if (Bytes.compare(ix.key(), 0, ix.keyLength(), lastKey, 0, lastKey.length) != 0 || ix.seqno() != lastSeqno) {
            throw new CorruptionException(table.path(), block.fileOffset(),
                    "data block does not end at the key its index entry names ("
                            + Bytes.toDisplay(Arrays.copyOf(ix.key(), ix.keyLength())) + "@" + ix.seqno() + ")");
        }
        entries += blockEntries;
        pointTombstones += blockTombstones;
    }

    private void widenSeqnos(long seqno) {
        minSeqno = Math.min(minSeqno, seqno);
        maxSeqno = Math.max(maxSeqno, seqno);
    }

    private void compareWithProperties(TableProperties p, long indexEntries, long propertiesOffset) {
        List<String> wrong = new ArrayList<>();
        if (p.entries() != entries) {
            wrong.add("entries " + p.entries() + " but the blocks hold " + entries);
        }
        if (p.pointTombstones() != pointTombstones) {
            wrong.add("point tombstones " + p.pointTombstones() + " but the blocks hold " + pointTombstones);
        }
        if (p.dataBlocks() != indexEntries) {
            wrong.add("data blocks " + p.dataBlocks() + " but the index names " + indexEntries);
        }
        if (p.rangeTombstones() != table.rangeTombstones().size()) {
            wrong.add("range tombstones " + p.rangeTombstones() + " but the block holds " + table.rangeTombstones().size());
        }
        if (minSeqno <= maxSeqno && (minSeqno < p.smallestSeqno() || maxSeqno > p.largestSeqno())) {
            wrong.add("seqnos " + p.smallestSeqno() + ".." + p.largestSeqno() + " but entries span "
                    + minSeqno + ".." + maxSeqno);
        }
        if (!wrong.isEmpty()) {
            damage.add(new CorruptionException(table.path(), propertiesOffset,
                    "table properties disagree with the table: " + String.join("; ", wrong)));
        }
    }

    /**
     * Reads the index block again: the reader keeps its copy private, and walking the index
     * ourselves is what lets one damaged data block be reported without giving up on the rest.
     * The reader's open already checked this block, so damage here means the file changed.
     */
    private Block readIndex(Storage storage, BlockHandle h) {
        Path path = table.path();
        byte[] buf = new byte[h.size() + TableFormat.BLOCK_TRAILER_SIZE];
        try (StorageFile f = storage.openReadOnly(path)) {
            f.readFully(h.offset(), ByteBuffer.wrap(buf));
        } catch (EOFException e) {
            throw new CorruptionException(path, h.offset(), "index block runs past the end of the file");
        } catch (IOException e) {
            throw new StrataIOException("reading table " + path, e);
        }
        int type = buf[h.size()] & 0xFF;
        if (type != TableFormat.TYPE_NONE || TableFormat.blockCrc(buf, 0, h.size(), type) != Bytes.getInt(buf, h.size() + 1)) {
            throw new CorruptionException(path, h.offset(), "index block checksum mismatch");
        }
        return new Block(path, h.offset(), buf, h.size());
    }
}
