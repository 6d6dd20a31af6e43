package dev.strata.engine;

import dev.strata.engine.commit.CommitPipeline;
import dev.strata.engine.commit.MemtableApplier;
import dev.strata.engine.commit.MonotonicClock;
import dev.strata.engine.handle.HandleRegistry;
import dev.strata.engine.lsm.LsmStore;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.log.TransactionLogs;
import dev.strata.engine.sst.BlockCache;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.vfs.DirectoryLock;
import dev.strata.engine.vfs.LockHeldException;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.WalRecovery;
import dev.strata.engine.wal.WalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opening and destroying a database directory: the writable open (lock, manifest and tables,
 * WAL replay with flushes as it goes, a fresh WAL segment) and the read-only open beside a writer,
 * which {@link StrataDatabase#open} dispatches to. Kept apart from the database's operations so
 * each file stays readable.
 */
final class DatabaseOpener {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseOpener.class);
    static final String LOCK_FILE = StrataDatabase.LOCK_FILE;
    static final String WAL_DIR = StrataDatabase.WAL_DIR;

    private DatabaseOpener() {
    }

    private static final int READ_ONLY_OPEN_ATTEMPTS = 20;

    /**
     * Opens beside a writer: the manifest, its tables and the WAL after it, without the lock and
     * without changing a file. The writer may delete a segment or table between our listing and
     * our open (a flush or compaction finished), so an open that finds something missing is
     * tried again from a fresh manifest; only a failure that repeats is reported.
     */
    static StrataDatabase openReadOnly(Path dir, StrataOptions options) {
        Storage storage = options.storage();
        if (!storage.exists(dir.resolve(WAL_DIR))) {
            throw new InvalidArgumentException("no Strata database in " + dir + " to open read-only");
        }
        StrataException last = null;
        for (int attempt = 0; attempt < READ_ONLY_OPEN_ATTEMPTS; attempt++) {
            LsmStore tree = null;
            try {
                HandleRegistry handles = new HandleRegistry(options.trackHandleOrigins());
                BlockCache cache = options.effectiveBlockCacheSize() > 0 ? new BlockCache(options.effectiveBlockCacheSize()) : null;
                tree = LsmStore.open(storage, dir, options.lsmOptions(), cache, () -> new long[]{Long.MAX_VALUE},
                        flushed -> { }, true, options.clock());
                LsmStore t = tree;
                MemtableApplier applier = new MemtableApplier(tree, true);
                WalRecovery.Result rec = WalRecovery.replay(storage, dir.resolve(WAL_DIR), tree.minFlushedSeqno(), false,
                        (buf, off, len, seqno, ts) -> {
                            applier.beginRecord(seqno);
                            CommitRecord.decode(buf, off, len, applier, null);
                            applier.endRecord();
                            for (LsmTree dropped : applier.takeDropped()) {
                                t.release(dropped);
                            }
                        });
                long lastSeqno = Math.max(rec.lastSeqno(), tree.maxFlushedSeqno());
                CommitPipeline pipeline = new CommitPipeline(Durability.NONE, null, tree,
                        new MonotonicClock(options.clock(), rec.lastTimestamp()), lastSeqno);
                StrataDatabase[] dbRef = new StrataDatabase[1];
                TransactionLogs logs = TransactionLogs.open(logConfig(options, dir.resolve(WAL_DIR), null, pipeline, tree, dbRef));
                dbRef[0] = new StrataDatabase(dir, options, null, tree, pipeline, handles, logs);
                return dbRef[0];
            } catch (CorruptionException | StrataIOException e) {
                // A file named a moment ago is gone (the writer finished a flush or compaction),
                // or the manifest and WAL we read no longer meet: try again from a fresh manifest.
                last = e;
            } catch (IOException e) {
                last = new StrataIOException("cannot open " + dir + " read-only", e);
            } catch (RuntimeException e) {
                if (tree != null) {
                    tree.close(false, () -> 0L);
                }
                throw e;
            }
            if (tree != null) {
                tree.close(false, () -> 0L);
            }
            LOG.debug("Read-only open of {} found something missing (attempt {}); trying again", dir, attempt + 1, last);
        }
        throw last;
    }

    static StrataDatabase openWritable(Path dir, StrataOptions options) {
        Storage storage = options.storage();
        Path walDir = dir.resolve(WAL_DIR);
        DirectoryLock lock = null;
        LsmStore opened = null;
        try {
            dev.strata.engine.backup.Backups.finishInterruptedRestore(dir, storage);
            storage.createDirectories(dir);
            try {
                lock = storage.lock(dir.resolve(LOCK_FILE));
            } catch (LockHeldException e) {
                throw new DatabaseLockedException("cannot open " + dir + " for writing: " + e.getMessage(), e);
            }
            storage.createDirectories(walDir);
            // The tree and the pipeline need each other's answers (flushed segments to delete,
            // snapshots to keep); these holders are filled once both exist.
            HandleRegistry handles = new HandleRegistry(options.trackHandleOrigins());
            TransactionLogs[] logsRef = new TransactionLogs[1];
            BlockCache cache = options.effectiveBlockCacheSize() > 0 ? new BlockCache(options.effectiveBlockCacheSize()) : null;
            LsmStore tree = LsmStore.open(storage, dir, options.lsmOptions(), cache,
                    () -> snapshotBoundaries(handles, logsRef[0] == null ? null : pipelineOf(logsRef[0])),
                    flushed -> {
                        if (logsRef[0] != null) {
                            logsRef[0].afterFlush(); // during recovery the segments being replayed stay
                        }
                    }, false, options.clock());
            opened = tree;
            MemtableApplier applier = new MemtableApplier(tree, true);
            WalRecovery.Result rec = WalRecovery.replay(storage, walDir, tree.minFlushedSeqno(), true, (buf, off, len, seqno, ts) -> {
                    int families = tree.families().size();
                    applier.beginRecord(seqno);
                    CommitRecord.decode(buf, off, len, applier, null);
                    applier.endRecord();
                    List<LsmTree> dropped = applier.takeDropped();
                    if (!dropped.isEmpty() || families != tree.families().size()) {
                        // A create or drop the manifest missed (the crash came between its commit
                        // and its manifest write): write it now, then let the dropped tables go.
                        tree.persist();
                        dropped.forEach(tree::release);
                    }
                    for (LsmTree t : applier.touched()) {
                        if (t.activeMemtable().approximateBytes() >= options.memtableSize()) {
                            t.flushDuringRecovery(seqno); // a WAL larger than memory is replayed in pieces
                        }
                    }
                });
            long lastSeqno = Math.max(rec.lastSeqno(), tree.maxFlushedSeqno());
            // Segments with no records (the next segment starts at the same seqno, or the segment
            // was torn while being created) go before a new segment is created: a torn one is
            // accepted only as the newest, so a crash after the new segment exists but before the
            // delete would otherwise leave it in the middle of the WAL, as corruption.
            for (Path p : rec.removableSegments()) {
                storage.delete(p);
            }
            if (!rec.removableSegments().isEmpty()) {
                storage.forceDirectory(walDir);
            }
            WalWriter wal = null;
            if (options.durability() != Durability.NONE) {
                wal = WalWriter.create(storage, walDir, rec.nextSegmentNumber(), lastSeqno + 1,
                        options.walSegmentSize(), rec.segments(), options.durability() == Durability.SYNC);
            }
            if (rec.recordCount() > 0) {
                LOG.info("Recovered {} commit records from {} (last seqno {})", rec.recordCount(), walDir, lastSeqno);
            }
            MonotonicClock clock = new MonotonicClock(options.clock(), rec.lastTimestamp());
            CommitPipeline pipeline = new CommitPipeline(options.durability(), wal, tree, clock, lastSeqno);
            pipeline.follower(options.follower());
            StrataDatabase[] dbRef = new StrataDatabase[1];
            TransactionLogs logs = TransactionLogs.open(logConfig(options, walDir, wal, pipeline, tree, dbRef));
            logsRef[0] = logs;
            long walCap = options.maxWalSize();
            tree.connect(new LsmStore.WalSync() {
                @Override
                public long durableSeqno() {
                    return options.durability() == Durability.NONE ? Long.MAX_VALUE : pipeline.durableSeqno();
                }

                @Override
                public void syncTo(long seqno) {
                    pipeline.syncTo(seqno);
                }
            }, () -> logs.unflushedWalBytes() > walCap, pipeline::switchMemtable);
            dev.strata.engine.backup.WalArchiver archiver = null;
            if (wal != null && options.walArchive() != null) {
                archiver = dev.strata.engine.backup.WalArchiver.start(storage, walDir, options.walArchive(), wal);
            }
            logs.afterFlush();
            StrataDatabase db = new StrataDatabase(dir, options, lock, tree, pipeline, handles, logs);
            dbRef[0] = db;
            db.archiver = archiver;
            return db;
        } catch (IOException e) {
            closeQuietly(opened, lock, e);
            throw new StrataIOException("cannot open " + dir, e);
        } catch (RuntimeException e) {
            closeQuietly(opened, lock, e);
            throw e;
        }
    }

    /**
     * The seqnos a compaction must keep versions for. Synchronized on the registry, as snapshot
     * creation is, so a snapshot cannot be taken between reading the visible seqno and
     * registering it while a compaction reads the list.
     */
    private static long[] snapshotBoundaries(HandleRegistry handles, CommitPipeline pipeline) {
        List<Long> seqnos = new ArrayList<>();
        long visible;
        synchronized (handles) {
            for (HandleRegistry.Handle h : handles.openHandles()) {
                if (h instanceof Snapshot s) {
                    seqnos.add(s.seqno());
                }
            }
            visible = pipeline == null ? Long.MAX_VALUE : pipeline.visibleSeqno();
        }
        seqnos.add(visible);
        return seqnos.stream().mapToLong(Long::longValue).filter(x -> x <= visible).sorted().distinct().toArray();
    }

    private static CommitPipeline pipelineOf(TransactionLogs logs) {
        return logs.pipeline();
    }

    /** The transaction log's settings and links to its database. */
    private static TransactionLogs.Config logConfig(StrataOptions options, Path walDir, WalWriter wal, CommitPipeline pipeline,
                                                    LsmStore tree, StrataDatabase[] dbRef) {
        java.time.Duration retention = options.transactionLogRetention();
        long retentionMillis = retention.getSeconds() > Long.MAX_VALUE / 2000 ? Long.MAX_VALUE : retention.toMillis();
        return new TransactionLogs.Config(options.storage(), walDir, wal, pipeline, tree::minFlushedSeqno, options.clock(),
                retentionMillis, options.transactionLogMaxAgeThreshold(), options.walKeepSize(),
                options.maxFollowerRetainedBytes(), options.transactionLogRetentionCheckInterval().toMillis(),
                id -> dbRef[0] == null ? java.util.Optional.empty() : dbRef[0].findTransaction(id));
    }

    /**
     * After a failed open: stops the tree (if it was opened: a compaction it scheduled must not
     * go on once the lock is released), then releases the lock.
     */
    private static void closeQuietly(LsmStore tree, DirectoryLock lock, Exception primary) {
        if (tree != null) {
            try {
                tree.close(false, () -> 0L);
            } catch (RuntimeException e) {
                primary.addSuppressed(e);
            }
        }
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                primary.addSuppressed(e);
            }
        }
    }

    static void destroy(Path dir, Storage storage) {
        if (!storage.exists(dir)) {
            return;
        }
        try (DirectoryLock held = lockForDestroy(storage, dir)) {
            for (String sub : new String[]{WAL_DIR, LsmStore.SST_DIR}) {
                Path d = dir.resolve(sub);
                if (storage.exists(d)) {
                    for (String name : storage.list(d)) {
                        storage.delete(d.resolve(name));
                    }
                    storage.delete(d);
                }
            }
            storage.delete(dir.resolve(Manifest.TEMP));
            storage.delete(dir.resolve(Manifest.FILE));
        } catch (IOException e) {
            throw new StrataIOException("cannot destroy " + dir, e);
        }
        try {
            storage.delete(dir.resolve(LOCK_FILE));
            if (storage.list(dir).isEmpty()) {
                storage.delete(dir);
            } else {
                LOG.warn("Destroyed the database in {} but left the directory: it holds other files", dir);
            }
        } catch (IOException e) {
            throw new StrataIOException("cannot remove " + dir, e);
        }
    }

    private static DirectoryLock lockForDestroy(Storage storage, Path dir) throws IOException {
        try {
            return storage.lock(dir.resolve(LOCK_FILE));
        } catch (LockHeldException e) {
            throw new DatabaseLockedException("cannot destroy " + dir + ": it is open: " + e.getMessage(), e);
        }
    }
}
