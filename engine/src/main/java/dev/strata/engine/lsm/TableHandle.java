package dev.strata.engine.lsm;

import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.sst.TableReader;
import dev.strata.engine.vfs.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open SSTable, shared by every {@link Version} that lists it. Reference-counted: each version
 * holding the table counts once. When the last version lets go, the table is no longer live (a
 * compaction replaced it), so the reader is closed and the file deleted. This is what lets
 * iterators hold the files they read until they are closed, while compactions go on.
 */
public final class TableHandle {
    private static final Logger LOG = LoggerFactory.getLogger(TableHandle.class);

    private final FileMeta meta;
    private final TableReader reader;
    private final Storage storage;
    private final Path path;
    private final AtomicInteger refs = new AtomicInteger();
    private final boolean hasRangeTombstones;

    TableHandle(FileMeta meta, TableReader reader, Storage storage, Path path) {
        this.meta = meta;
        this.reader = reader;
        this.storage = storage;
        this.path = path;
        this.hasRangeTombstones = reader.properties().rangeTombstones() > 0;
    }

    public FileMeta meta() {
        return meta;
    }

    public TableReader reader() {
        return reader;
    }

    public boolean hasRangeTombstones() {
        return hasRangeTombstones;
    }

    /** Takes a reference for a version. A new handle starts with none; its first version takes one. */
    void ref() {
        refs.incrementAndGet();
    }

    /** Drops one reference; the last one closes the reader and deletes the file. */
    void unref() {
        int left = refs.decrementAndGet();
        if (left == 0) {
            reader.close();
            try {
                dev.strata.engine.util.CrashPoints.hit("table.delete");
                storage.delete(path);
            } catch (IOException e) {
                // The file is no longer named by the manifest; the next open deletes it as an orphan.
                LOG.warn("Could not delete obsolete table {}; it will be removed at the next open", path, e);
            }
        } else if (left < 0) {
            throw new IllegalStateException("table " + meta.fileNumber() + " released twice");
        }
    }

    /** Closes the reader and deletes the file of a table that no version ever listed (a discarded output). */
    void discard() {
        reader.close();
        try {
            storage.delete(path);
        } catch (IOException e) {
            LOG.warn("Could not delete discarded table {}; it will be removed at the next open", path, e);
        }
    }

    /** Closes the reader without deleting the file: the database is closing. */
    void closeReader() {
        reader.close();
    }
}
