package dev.strata.engine.backup;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.commit.CommitPipeline;
import dev.strata.engine.lsm.LsmStore;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.manifest.ManifestState;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.WalFormat;
import dev.strata.engine.wal.WalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Makes a checkpoint: an independent, openable copy of a database at one commit, holding every
 * column family. Tables are immutable, so they are hard-linked where the file system allows (a
 * checkpoint then costs directory entries, not bytes) and copied otherwise; sealed WAL segments
 * likewise; the segment being written is copied up to its last whole record.
 *
 * <p>Consistency. The copy is the pinned state of the trees (every family's tables and flushed
 * seqno, held so no compaction deletes them meanwhile) plus the WAL from the smallest flushed
 * seqno to the end captured afterwards, with WAL deletion paused for the duration. A manifest
 * never names a flushed seqno the WAL has not made durable, so the captured WAL end is at or
 * after every family's flushed seqno: recovery in the copy replays each family from its own
 * flushed seqno to the same last commit, and a batch that spans families is whole in the copy.
 *
 * <p>The copy is built in a sibling directory and renamed to the target once forced, so a crash
 * never leaves a target that looks complete. Who calls it: {@code StrataDatabase.createCheckpoint}.
 */
public final class Checkpointer {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    /** What a checkpoint holds. */
    public record Result(Path directory, long seqno, int tables, int walSegments, long bytesLinked, long bytesCopied) {
    }

    private final Storage storage;
    private final Path dbDir;
    private final LsmStore store;
    private final CommitPipeline pipeline;

    public Checkpointer(Storage storage, Path dbDir, LsmStore store, CommitPipeline pipeline) {
        this.storage = storage;
        this.dbDir = dbDir;
        this.store = store;
        this.pipeline = pipeline;
    }

    /** Writes the checkpoint to {@code target}, which must not exist (its parents are created). */
    public Result create(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        if (storage.exists(abs)) {
            throw new InvalidArgumentException("checkpoint target " + abs + " exists");
        }
        if (abs.startsWith(dbDir.toAbsolutePath().normalize())) {
            throw new InvalidArgumentException("checkpoint target " + abs + " is inside the database directory");
        }
        Path parent = abs.getParent();
        Path temp = parent.resolve("." + abs.getFileName() + ".checkpoint-tmp");
        pipeline.pinWal();
        try {
            return createPinned(abs, parent, temp);
        } finally {
            pipeline.unpinWal();
        }
    }

    private Result createPinned(Path abs, Path parent, Path temp) {
        // Records the tables already hold then sit in a sealed segment the copy skips.
        pipeline.withWal(w -> {
            w.rollIfNotEmpty();
            return null;
        });
        LsmStore.PinnedState pinned = store.pin();
        try {
            storage.createDirectories(parent);
            if (storage.exists(temp)) {
                BackupFiles.deleteTree(storage, temp); // left by a checkpoint that crashed
            }
            Path sst = temp.resolve(LsmStore.SST_DIR);
            Path wal = temp.resolve(WalFormat.DIRECTORY);
            storage.createDirectories(sst);
            storage.createDirectories(wal);
            long linked = 0;
            long copied = 0;
            for (Path table : pinned.tables()) {
                long size = storage.size(table);
                if (storage.linkOrCopy(table, sst.resolve(table.getFileName()), size, true)) {
                    linked += size;
                } else {
                    copied += size;
                }
            }
            dev.strata.engine.util.CrashPoints.hit("checkpoint.tables.linked");
            ManifestState state = pinned.state();
            WalWriter.End end = pipeline.withWal(WalWriter::end);
            int segments = 0;
            long seqno = state.maxFlushedSeqno();
            if (end != null) {
                seqno = Math.max(seqno, end.lastSeqno());
                long minFlushed = state.minFlushedSeqno();
                for (Map.Entry<Long, Long> e : end.segments().entrySet()) {
                    long number = e.getKey();
                    // A segment whose successor starts at or before minFlushed + 1 holds nothing to replay.
                    Long next = end.segments().higherKey(number);
                    if (next != null && end.segments().get(next) <= minFlushed + 1) {
                        continue;
                    }
                    if (number > end.segmentNumber()) {
                        break;
                    }
                    Path from = dbDir.resolve(WalFormat.DIRECTORY).resolve(WalFormat.fileName(number));
                    boolean current = number == end.segmentNumber();
                    long length = current ? end.length() : storage.size(from);
                    if (storage.linkOrCopy(from, wal.resolve(from.getFileName()), length, !current)) {
                        linked += length;
                    } else {
                        copied += length;
                    }
                    segments++;
                }
            }
            dev.strata.engine.util.CrashPoints.hit("checkpoint.wal.copied");
            Manifest.write(storage, temp, state);
            storage.forceDirectory(sst);
            storage.forceDirectory(wal);
            storage.forceDirectory(temp);
            storage.rename(temp, abs);
            storage.forceDirectory(parent);
            LOG.info("Checkpoint of {} at seqno {} in {}: {} tables, {} WAL segments, {} bytes linked, {} copied",
                    dbDir, seqno, abs, pinned.tables().size(), segments, linked, copied);
            return new Result(abs, seqno, pinned.tables().size(), segments, linked, copied);
        } catch (IOException e) {
            throw new StrataIOException("checkpoint of " + dbDir + " into " + abs + " failed", e);
        } finally {
            pinned.release();
        }
    }
}
