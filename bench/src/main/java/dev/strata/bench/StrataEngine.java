package dev.strata.bench;

import dev.strata.engine.Durability;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.WriteBatch;
import dev.strata.engine.txn.TransactionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Strata through its public API, configured as RocksDB is: sync maps to {@link Durability#SYNC}
 * (acknowledged after the group-committed fsync), non-sync to {@link Durability#ASYNC}
 * (acknowledged after the OS write, forced every syncInterval); the same memtable and block cache
 * sizes, bloom filters of 10 bits per key, no compression on L0-L1 and zstd below.
 *
 * <p>Transactions: a transactional open uses optimistic mode (the default, as RocksDB's
 * {@code OptimisticTransactionDB}); each {@link #putInTransaction} is {@code db.transaction} with one
 * put, committed through the same group commit as plain puts, retried on conflict up to the same
 * bound as the RocksDB adapter.
 */
public final class StrataEngine implements Engine {

    /** Conflicting commits are retried; a bound keeps a bug from spinning forever (as RocksDbEngine). */
    private static final TransactionOptions TXN_OPTIONS = new TransactionOptions().maxRetries(99);

    private StrataDatabase db;

    @Override
    public String name() {
        return "strata";
    }

    @Override
    public void open(Path dir, EngineSettings settings) throws IOException {
        Files.createDirectories(dir);
        StrataOptions options = StrataOptions.defaults()
                .durability(settings.sync() ? Durability.SYNC : Durability.ASYNC)
                .memtableSize(settings.memtableBytes())
                .blockCacheSize(settings.cacheBytes())
                .bloomBitsPerKey(10)
                .compression(true);
        db = StrataDatabase.open(dir, options);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        db.put(key, value);
    }

    @Override
    public byte[] get(byte[] key) {
        return db.get(key);
    }

    @Override
    public void delete(byte[] key) {
        db.remove(key);
    }

    @Override
    public Batch newBatch() {
        return new StrataBatch();
    }

    @Override
    public void write(Batch batch) {
        db.write(((StrataBatch) batch).wb);
    }

    @Override
    public long scan(byte[] from, long limit, EntryVisitor visitor) {
        long n = 0;
        RangeOptions range = new RangeOptions().start(from).limit(limit);
        try (StrataIterator<KeyValue> it = db.iterator(range)) {
            while (it.hasNext()) {
                KeyValue kv = it.next();
                visitor.visit(kv.key(), kv.value());
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean supportsTransactions() {
        return true;
    }

    @Override
    public void putInTransaction(byte[] key, byte[] value) {
        db.transaction((txn, attempt) -> {
            txn.put(key, value);
            return null;
        }, TXN_OPTIONS);
    }

    @Override
    public String syncMeaning() {
        return "Durability.SYNC: acknowledged after the WAL fsync; concurrent writers share one fsync (group commit)";
    }

    @Override
    public void close() {
        if (db == null) {
            return;
        }
        try {
            // Flush first, as the RocksDB adapter does, so every engine closes with its data in tables.
            db.flush();
            db.close();
        } finally {
            db = null;
        }
    }

    private static final class StrataBatch implements Batch {
        final WriteBatch wb = new WriteBatch();

        @Override
        public void put(byte[] key, byte[] value) {
            wb.put(key, value);
        }

        @Override
        public void delete(byte[] key) {
            wb.remove(key);
        }

        @Override
        public void close() {
            wb.clear();
        }
    }
}
