package dev.strata.engine.check;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.manifest.ManifestState;
import dev.strata.engine.sst.TableProperties;
import dev.strata.engine.sst.TableReader;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.SegmentHeader;
import dev.strata.engine.wal.SegmentReader;
import dev.strata.engine.wal.WalFormat;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a database as their own headers describe them, read without opening the database
 * (no lock, no file changed): the manifest's state, every live table with the properties it
 * stores, and every WAL segment with its header. What {@code strata properties} prints. Only
 * headers, footers and meta blocks are read (and checksummed); {@link DatabaseChecker} reads
 * everything.
 *
 * <p>A writer running beside may delete a table or a segment between the listing and the read
 * (a flush or compaction finished); the listing is then taken again from the new manifest.
 */
public record DatabaseInventory(ManifestState manifest, List<Table> tables, List<Segment> segments) {

    /** A live table: the column family the manifest puts it in, the manifest's record of it and the properties it stores. */
    public record Table(String columnFamily, FileMeta meta, TableProperties properties) {
    }

    /**
     * A WAL segment.
     *
     * @param header null when the segment was torn while being created (it holds no records)
     */
    public record Segment(long number, long bytes, SegmentHeader header) {
        public boolean logOnly() {
            return header != null && (header.flags() & WalFormat.FLAG_LOG_ONLY) != 0;
        }
    }

    private static final int ATTEMPTS = 20;

    /**
     * Reads the inventory of the database in {@code dir}.
     *
     * @throws InvalidArgumentException if {@code dir} does not exist or holds no database
     * @throws CorruptionException      if the manifest or a header or meta block is damaged
     *                                  ({@link DatabaseChecker} reports every damage instead)
     */
    public static DatabaseInventory read(Path dir, Storage storage) {
        if (!storage.exists(dir)) {
            throw new InvalidArgumentException("no such directory: " + dir);
        }
        if (!DatabaseLayout.isDatabase(dir, storage)) {
            throw new InvalidArgumentException("no Strata database in " + dir + " (it has no wal/ directory and no MANIFEST)");
        }
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return readOnce(dir, storage);
            } catch (NoSuchFileException e) {
                last = e; // the writer deleted what the manifest named a moment ago: list again
            } catch (IOException e) {
                throw new StrataIOException("reading the files of " + dir, e);
            }
        }
        throw new StrataIOException("the files of " + dir + " kept changing during " + ATTEMPTS + " attempts to list them", last);
    }

    private static DatabaseInventory readOnce(Path dir, Storage storage) throws IOException {
        ManifestState state = Manifest.read(storage, dir);
        List<Table> tables = new ArrayList<>();
        for (ManifestState.FamilyState fam : state.families()) {
            for (FileMeta m : fam.files()) {
                tables.add(new Table(fam.name(), m, properties(dir, storage, m)));
            }
        }
        List<Segment> segments = new ArrayList<>();
        Path walDir = DatabaseLayout.walDir(dir);
        List<Long> numbers = DatabaseLayout.listSegments(storage, dir, null);
        for (int i = 0; i < numbers.size(); i++) {
            Path p = walDir.resolve(WalFormat.fileName(numbers.get(i)));
            try (SegmentReader r = SegmentReader.open(storage, p, i == numbers.size() - 1)) {
                segments.add(new Segment(numbers.get(i), storage.size(p), r.header()));
            }
        }
        return new DatabaseInventory(state, List.copyOf(tables), List.copyOf(segments));
    }

    private static TableProperties properties(Path dir, Storage storage, FileMeta m) throws IOException {
        Path p = DatabaseLayout.tablePath(dir, m.fileNumber());
        if (!storage.exists(p)) {
            throw new NoSuchFileException(p.toString());
        }
        TableReader r;
        try {
            r = TableReader.open(storage, p, m.fileNumber(), null);
        } catch (StrataIOException e) {
            if (e.getCause() instanceof NoSuchFileException gone) {
                throw gone;
            }
            throw e;
        }
        try {
            return r.properties();
        } finally {
            r.close();
        }
    }
}
