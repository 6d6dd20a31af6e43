package dev.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.tx.Transaction;
import org.h2.mvstore.tx.TransactionMap;
import org.h2.mvstore.tx.TransactionStore;
import org.h2.mvstore.type.ByteArrayDataType;

/**
 * H2's MVStore (a copy-on-write B-tree in one file) with an {@code MVMap<byte[], byte[]>} ordered
 * by unsigned bytes, as the other engines order keys.
 *
 * <p>MVStore has no write-ahead log and so no "fsync each write" option. Its normal mode keeps
 * changes in memory and an auto-commit thread writes them about once a second (a process crash
 * can lose that second, unlike the other engines' non-sync mode, which loses nothing on a process
 * crash). Here 'sync' means: after every write (or batch), {@code store.commit()} and then
 * {@code store.sync()}, which forces the file. That is durable per write but has no group commit:
 * concurrent writers each pay their own commit. Batches are always committed as one unit
 * ({@code commit()} per batch, as the issue asks), so a batch is durable as a whole once written.
 *
 * <p>Compression: MVStore offers LZF or Deflate for the whole file, not zstd per level; LZF is on.
 * The cache size is set; the memtable size has no equivalent (the auto-commit buffer is left at
 * its default).
 */
public final class MvStoreEngine implements Engine {

    private static final String MAP = "data";
    private static final int MAX_TXN_ATTEMPTS = 100;

    private MVStore store;
    private MVMap<byte[], byte[]> map;
    private TransactionStore txStore;
    private boolean sync;

    @Override
    public String name() {
        return "mvstore";
    }

    @Override
    public void open(Path dir, EngineSettings settings) throws IOException {
        Files.createDirectories(dir);
        sync = settings.sync();
        int cacheMb = (int) Math.max(1, settings.cacheBytes() >> 20);
        store = new MVStore.Builder()
                .fileName(dir.resolve("data.mv.db").toString())
                .cacheSize(cacheMb)
                .compress()
                .open();
        if (settings.transactional()) {
            txStore = new TransactionStore(store);
            txStore.init();
        } else {
            map = store.openMap(MAP, new MVMap.Builder<byte[], byte[]>()
                    .keyType(ByteArrayDataType.INSTANCE)
                    .valueType(ByteArrayDataType.INSTANCE));
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key, value);
        afterWrite();
    }

    @Override
    public byte[] get(byte[] key) {
        if (txStore != null) {
            Transaction tx = txStore.begin();
            try {
                return openTxMap(tx).get(key);
            } finally {
                tx.commit();
            }
        }
        return map.get(key);
    }

    @Override
    public void delete(byte[] key) {
        map.remove(key);
        afterWrite();
    }

    private void afterWrite() {
        if (sync) {
            store.commit();
            store.sync();
        }
    }

    @Override
    public Batch newBatch() {
        return new MvBatch();
    }

    @Override
    public void write(Batch batch) {
        MvBatch b = (MvBatch) batch;
        for (int i = 0; i < b.keys.size(); i++) {
            byte[] v = b.values.get(i);
            if (v == null) {
                map.remove(b.keys.get(i));
            } else {
                map.put(b.keys.get(i), v);
            }
        }
        store.commit();
        if (sync) {
            store.sync();
        }
    }

    @Override
    public long scan(byte[] from, long limit, EntryVisitor visitor) {
        long n = 0;
        Cursor<byte[], byte[]> c = map.cursor(from);
        while (n < limit && c.hasNext()) {
            byte[] k = c.next();
            visitor.visit(k, c.getValue());
            n++;
        }
        return n;
    }

    @Override
    public boolean supportsTransactions() {
        return true;
    }

    /** A TransactionStore transaction (MVCC; a write-write conflict fails fast and is retried). */
    @Override
    public void putInTransaction(byte[] key, byte[] value) {
        if (txStore == null) {
            throw new IllegalStateException("putInTransaction needs an engine opened with transactional=true");
        }
        for (int attempt = 1; ; attempt++) {
            Transaction tx = txStore.begin();
            try {
                openTxMap(tx).put(key, value);
                tx.commit();
                afterWrite();
                return;
            } catch (MVStoreException e) {
                tx.rollback();
                if (e.getErrorCode() != DataUtils.ERROR_TRANSACTION_LOCKED || attempt >= MAX_TXN_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static TransactionMap<byte[], byte[]> openTxMap(Transaction tx) {
        return tx.openMap(MAP, ByteArrayDataType.INSTANCE, ByteArrayDataType.INSTANCE);
    }

    @Override
    public String syncMeaning() {
        return "no WAL: commit() + sync() (file force) after every write or batch; no group commit";
    }

    @Override
    public void close() {
        if (store == null) {
            return;
        }
        try {
            if (txStore != null) {
                txStore.close();
            }
        } finally {
            // close() commits and writes what is pending: MVStore's flush.
            store.close();
            store = null;
            map = null;
            txStore = null;
        }
    }

    /** MVStore has no batch type; the puts are applied one by one and committed together. */
    private static final class MvBatch implements Batch {
        final List<byte[]> keys = new ArrayList<>();
        final List<byte[]> values = new ArrayList<>();

        @Override
        public void put(byte[] key, byte[] value) {
            keys.add(key);
            values.add(value);
        }

        @Override
        public void delete(byte[] key) {
            keys.add(key);
            values.add(null);
        }

        @Override
        public void close() {
            keys.clear();
            values.clear();
        }
    }
}
