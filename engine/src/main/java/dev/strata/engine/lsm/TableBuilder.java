package dev.strata.engine.lsm;

import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.memtable.MemKey;
import dev.strata.engine.memtable.Memtable;
import dev.strata.engine.sst.BlockCache;
import dev.strata.engine.sst.TableFormat;
import dev.strata.engine.sst.TableOptions;
import dev.strata.engine.sst.TableProperties;
import dev.strata.engine.sst.TableReader;
import dev.strata.engine.sst.TableWriter;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.vfs.StorageFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes one SSTable (from a memtable at flush, or from a compaction's output stream) and opens it
 * as a {@link TableHandle}, tracking the key range the manifest records: point keys and range
 * tombstones together. The file is forced by the writer and its directory entry here, before the
 * manifest can name it.
 */
final class TableBuilder implements AutoCloseable {
    private final Storage storage;
    private final Path path;
    private final long number;
    private final StorageFile file;
    private final TableWriter writer;
    private byte[] smallest;
    private byte[] largest;
    private long entries;
    private byte[] lastKey;

    TableBuilder(Storage storage, Path path, long number, TableOptions options) throws IOException {
        this.storage = storage;
        this.path = path;
        this.number = number;
        this.file = storage.create(path);
        this.writer = new TableWriter(file, options);
    }

    /** Adds an entry; entries come in internal-key order. {@code expiresAt} 0 = never. */
    void add(byte[] key, long seqno, boolean tombstone, byte[] value, long expiresAt) {
        int kind = tombstone ? TableFormat.KIND_DELETE : expiresAt != 0 ? TableFormat.KIND_PUT_TTL : TableFormat.KIND_PUT;
        writer.add(key, seqno, kind, tombstone ? Bytes.EMPTY : value, tombstone ? 0L : expiresAt);
        widen(key, key);
        lastKey = key;
        entries++;
    }

    void addRangeTombstone(byte[] start, byte[] end, long seqno) {
        writer.addRangeTombstone(start, end, seqno);
        widen(start, end);
    }

    private void widen(byte[] lo, byte[] hi) {
        if (smallest == null || Bytes.compare(lo, smallest) < 0) {
            smallest = lo;
        }
        if (largest == null || Bytes.compare(hi, largest) > 0) {
            largest = hi;
        }
    }

    boolean isEmpty() {
        return smallest == null;
    }

    byte[] lastKey() {
        return lastKey;
    }

    long estimatedSize() {
        return writer.estimatedFileSize();
    }

    /** Finishes, forces, and opens the table for reading. */
    TableHandle finish(BlockCache cache) throws IOException {
        TableProperties props = writer.finish();
        file.close();
        dev.strata.engine.util.CrashPoints.hit("table.synced");
        storage.forceDirectory(path.getParent());
        FileMeta meta = new FileMeta(number, 0, writer.fileSize(), entries, props.smallestSeqno(), props.largestSeqno(),
                smallest, largest);
        return new TableHandle(meta, TableReader.open(storage, path, number, cache), storage, path);
    }

    /** Abandons an unfinished table: closes and deletes its file. */
    @Override
    public void close() throws IOException {
        file.close();
        storage.delete(path);
    }

    /** Writes every entry and range tombstone of a memtable into a new table. */
    static TableHandle writeMemtable(Storage storage, Path path, long number, Memtable memtable,
                                     TableOptions options, BlockCache cache) throws IOException {
        TableBuilder b = new TableBuilder(storage, path, number, options);
        boolean done = false;
        try {
            for (Map.Entry<MemKey, Object> e : memtable.entries().entrySet()) {
                Object v = e.getValue();
                boolean tombstone = v == Memtable.TOMBSTONE;
                b.add(e.getKey().key(), e.getKey().seqno(), tombstone, tombstone ? null : Memtable.valueOf(v),
                        tombstone ? 0L : Memtable.expiresAtOf(v));
            }
            for (Map.Entry<MemKey, byte[]> t : memtable.rangeTombstones().entries().entrySet()) {
                b.addRangeTombstone(t.getKey().key(), t.getValue(), t.getKey().seqno());
            }
            TableHandle h = b.finish(cache);
            done = true;
            return h;
        } finally {
            if (!done) {
                b.close();
            }
        }
    }
}
