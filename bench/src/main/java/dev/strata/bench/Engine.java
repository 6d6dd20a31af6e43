package dev.strata.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the workloads need from a key-value store, kept small so that each engine is driven the
 * same way. An adapter is opened once per phase; the harness closes and reopens it between phases
 * so that every engine starts reads from its files, not its memtable.
 *
 * <p>Not every engine has every feature: {@link #supportsTransactions()} gates the transaction
 * workload, and the harness reports "n/a" instead of faking a result.
 */
public interface Engine extends AutoCloseable {

    /** Short name used on the command line and in results: strata, rocksdb, mvstore. */
    String name();

    /** Opens (creating if missing) a database in {@code dir}. */
    void open(Path dir, EngineSettings settings) throws IOException;

    void put(byte[] key, byte[] value);

    /** The value, or null if the key is absent. */
    byte[] get(byte[] key);

    void delete(byte[] key);

    /** A batch of writes applied atomically by {@link #write(Batch)}. Close it when done. */
    Batch newBatch();

    void write(Batch batch);

    /**
     * Visits up to {@code limit} entries in key order, starting at the first key {@code >= from}
     * (or the first key when {@code from} is null). Returns the number visited.
     */
    long scan(byte[] from, long limit, EntryVisitor visitor);

    /** True if {@link #putInTransaction} is implemented by a real transaction; false by default. */
    default boolean supportsTransactions() {
        return false;
    }

    /**
     * One optimistic transaction holding a single put, committed, retried on conflict. Only
     * called on an engine opened with {@link EngineSettings#transactional()} set, and only when
     * {@link #supportsTransactions()} is true: calling it otherwise is a harness bug.
     */
    default void putInTransaction(byte[] key, byte[] value) {
        throw new IllegalStateException(name() + " has no transactions; the harness must check supportsTransactions()");
    }

    /** What 'sync' means for this engine, for the report (engines differ; see README). */
    String syncMeaning();

    /**
     * Makes everything durable in table files and releases the database. Every adapter flushes
     * here (RocksDB explicitly, since with a WAL it would otherwise leave the memtable to be
     * replayed), so space on disk is measured on the same footing.
     */
    @Override
    void close() throws IOException;

    /** Bytes of all files under {@code dir}: space on disk as the user sees it. */
    static long diskUsage(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    // A file deleted by a background compaction between listing and stat: it
                    // takes no space any more, which is the right answer.
                    if (!Files.exists(p)) {
                        return 0L;
                    }
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes collected for {@link Engine#write(Batch)}. */
    interface Batch extends AutoCloseable {
        void put(byte[] key, byte[] value);

        void delete(byte[] key);

        @Override
        void close();
    }

    @FunctionalInterface
    interface EntryVisitor {
        void visit(byte[] key, byte[] value);
    }
}
