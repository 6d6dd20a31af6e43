package dev.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.OptimisticTransactionDB;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.Transaction;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB JNI configured as a user who wanted Strata's shape would configure it: an LRU block
 * cache of the same size, a 10 bits/key bloom filter, a write buffer of Strata's memtable size,
 * no compression on L0-L1 and zstd below (Strata's per-level policy), and WriteOptions.sync per
 * the sync setting. Everything else is RocksDB's default, including its built-in group commit.
 */
public final class RocksDbEngine implements Engine {

    /** Conflicting optimistic commits are retried; a bound keeps a bug from spinning forever. */
    private static final int MAX_TXN_ATTEMPTS = 100;

    static {
        RocksDB.loadLibrary();
    }

    private Options options;
    private LRUCache cache;
    private BloomFilter bloom;
    private WriteOptions writeOptions;
    private ReadOptions readOptions;
    private RocksDB db;
    private OptimisticTransactionDB txnDb;

    @Override
    public String name() {
        return "rocksdb";
    }

    @Override
    public void open(Path dir, EngineSettings settings) throws IOException {
        Files.createDirectories(dir);
        cache = new LRUCache(settings.cacheBytes());
        bloom = new BloomFilter(10, false);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(bloom);
        options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(settings.memtableBytes())
                .setTableFormatConfig(table);
        int levels = options.numLevels();
        List<CompressionType> perLevel = new ArrayList<>(levels);
        for (int level = 0; level < levels; level++) {
            perLevel.add(level <= 1 ? CompressionType.NO_COMPRESSION : CompressionType.ZSTD_COMPRESSION);
        }
        options.setCompressionPerLevel(perLevel);
        writeOptions = new WriteOptions().setSync(settings.sync());
        readOptions = new ReadOptions();
        try {
            if (settings.transactional()) {
                txnDb = OptimisticTransactionDB.open(options, dir.toString());
                db = txnDb;
            } else {
                db = RocksDB.open(options, dir.toString());
            }
        } catch (RocksDBException e) {
            closeNativeOptions();
            throw new IOException("opening RocksDB in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try {
            db.put(writeOptions, key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB put: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB get: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(byte[] key) {
        try {
            db.delete(writeOptions, key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB delete: " + e.getMessage(), e);
        }
    }

    @Override
    public Batch newBatch() {
        WriteBatch wb = new WriteBatch();
        return new RocksBatch(wb);
    }

    @Override
    public void write(Batch batch) {
        try {
            db.write(writeOptions, ((RocksBatch) batch).wb);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB write batch: " + e.getMessage(), e);
        }
    }

    @Override
    public long scan(byte[] from, long limit, EntryVisitor visitor) {
        long n = 0;
        try (RocksIterator it = db.newIterator(readOptions)) {
            if (from == null) {
                it.seekToFirst();
            } else {
                it.seek(from);
            }
            while (n < limit && it.isValid()) {
                visitor.visit(it.key(), it.value());
                n++;
                it.next();
            }
            // isValid() is false both at the end and on an error; status() tells them apart.
            it.status();
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB iterator: " + e.getMessage(), e);
        }
        return n;
    }

    @Override
    public boolean supportsTransactions() {
        return true;
    }

    @Override
    public void putInTransaction(byte[] key, byte[] value) {
        if (txnDb == null) {
            throw new IllegalStateException("putInTransaction needs an engine opened with transactional=true");
        }
        for (int attempt = 1; ; attempt++) {
            try (Transaction txn = txnDb.beginTransaction(writeOptions)) {
                txn.put(key, value);
                txn.commit();
                return;
            } catch (RocksDBException e) {
                Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
                boolean conflict = code == Status.Code.Busy || code == Status.Code.TryAgain;
                if (!conflict || attempt >= MAX_TXN_ATTEMPTS) {
                    throw new IllegalStateException("RocksDB transaction (attempt " + attempt + "): " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public String syncMeaning() {
        return "WriteOptions.sync=true: each write's WAL append is fsynced; concurrent writers share one fsync (RocksDB group commit)";
    }

    @Override
    public void close() throws IOException {
        if (db == null) {
            return;
        }
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
        } catch (RocksDBException e) {
            throw new IOException("RocksDB flush on close: " + e.getMessage(), e);
        } finally {
            db.close();
            db = null;
            txnDb = null;
            closeNativeOptions();
        }
    }

    /** Options objects own native memory and must outlive the DB, so they are closed after it. */
    private void closeNativeOptions() {
        if (readOptions != null) {
            readOptions.close();
        }
        if (writeOptions != null) {
            writeOptions.close();
        }
        if (options != null) {
            options.close();
        }
        if (bloom != null) {
            bloom.close();
        }
        if (cache != null) {
            cache.close();
        }
        readOptions = null;
        writeOptions = null;
        options = null;
        bloom = null;
        cache = null;
    }

    private static final class RocksBatch implements Batch {
        final WriteBatch wb;

        RocksBatch(WriteBatch wb) {
            this.wb = wb;
        }

        @Override
        public void put(byte[] key, byte[] value) {
            try {
                wb.put(key, value);
            } catch (RocksDBException e) {
                throw new IllegalStateException("RocksDB batch put: " + e.getMessage(), e);
            }
        }

        @Override
        public void delete(byte[] key) {
            try {
                wb.delete(key);
            } catch (RocksDBException e) {
                throw new IllegalStateException("RocksDB batch delete: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            wb.close();
        }
    }
}
