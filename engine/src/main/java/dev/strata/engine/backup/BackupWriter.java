package dev.strata.engine.backup;

import dev.strata.engine.DatabaseLockedException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.commit.CommitPipeline;
import dev.strata.engine.lsm.LsmStore;
import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.vfs.DirectoryLock;
import dev.strata.engine.vfs.LockHeldException;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.WalFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one backup of an open database into a backup directory ({@link BackupLayout}).
 *
 * <p>How: a checkpoint into the backup directory's {@code tmp/} (hard links, so it pins a
 * consistent state of every column family at one commit in milliseconds), then each table is
 * copied into {@code shared/} unless a backup already holds it (same number, size and CRC32C:
 * incremental), the manifest and WAL segments into {@code private/<id>/}, and last the metadata
 * ({@link BackupMeta}), written atomically: a backup lists as complete only when every file it
 * names is in place and forced. Copies, not links: a backup must not share a failure with the
 * database's own files. Who calls it: {@code StrataDatabase.backup}.
 */
public final class BackupWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWriter.class);

    private final Storage storage;
    private final Path dbDir;
    private final LsmStore store;
    private final CommitPipeline pipeline;

    public BackupWriter(Storage storage, Path dbDir, LsmStore store, CommitPipeline pipeline) {
        this.storage = storage;
        this.dbDir = dbDir;
        this.store = store;
        this.pipeline = pipeline;
    }

    private long treeBytes(Path dir) throws IOException {
        long n = 0;
        for (String name : storage.list(dir)) {
            Path p = dir.resolve(name);
            n += storage.isDirectory(p) ? treeBytes(p) : storage.size(p);
        }
        return n;
    }

    public BackupResult write(Path backupDir, BackupOptions options) {
        Path root = backupDir.toAbsolutePath().normalize();
        Path db = dbDir.toAbsolutePath().normalize();
        if (root.startsWith(db) || db.startsWith(root)) {
            throw new InvalidArgumentException("backup directory " + root + " and database " + db + " must not contain each other");
        }
        try {
            for (String sub : new String[]{BackupLayout.META, BackupLayout.SHARED, BackupLayout.PRIVATE, BackupLayout.TMP}) {
                storage.createDirectories(root.resolve(sub));
            }
            try (DirectoryLock held = lock(storage, root)) {
                return writeLocked(root, options);
            }
        } catch (IOException e) {
            throw new StrataIOException("backup of " + dbDir + " into " + root + " failed", e);
        }
    }

    /** What happened to one table: its metadata entry, and whether a backup already held it. */
    private record TableCopy(BackupMeta.FileEntry entry, boolean shared) {
    }

    /**
     * Copies (or finds already shared) every table, on {@code maxBackgroundOperations} threads;
     * the results keep the tables' order.
     */
    private List<TableCopy> copyTables(List<String> tables, Path cp, Path root, long id, java.util.Set<String> sharedNames,
                                       BackupOptions options, BackupFiles.Progress progress) throws IOException {
        int threads = Math.min(options.maxBackgroundOperations, Math.max(1, tables.size()));
        if (threads <= 1) {
            List<TableCopy> out = new ArrayList<>();
            for (String name : tables) {
                out.add(copyTable(name, cp, root, id, sharedNames, options, progress));
            }
            return out;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "strata-backup-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<TableCopy>> futures = new ArrayList<>();
            for (String name : tables) {
                futures.add(pool.submit(() -> copyTable(name, cp, root, id, sharedNames, options, progress)));
            }
            List<TableCopy> out = new ArrayList<>();
            for (java.util.concurrent.Future<TableCopy> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.strata.engine.StrataInterruptedException("interrupted while copying tables into the backup", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private TableCopy copyTable(String name, Path cp, Path root, long id, java.util.Set<String> sharedNames,
                                BackupOptions options, BackupFiles.Progress progress) throws IOException {
        Path table = cp.resolve(LsmStore.SST_DIR).resolve(name);
        long size = storage.size(table);
        if (!options.shareTableFiles) {
            String rel = BackupLayout.PRIVATE + "/" + id + "/" + name;
            int crc = BackupFiles.copy(storage, table, root.resolve(rel), options.sync, progress);
            return new TableCopy(new BackupMeta.FileEntry(rel, size, crc), false);
        }
        // Read the table for its CRC32C only if a shared table of that number and size exists:
        // a new table is read once, by the copy that also computes its CRC32C.
        String number = name.substring(0, name.indexOf('.'));
        boolean candidate = sharedNames.stream().anyMatch(n -> n.startsWith(number + "_") && n.endsWith("_" + size + ".sst"));
        if (candidate) {
            int crc = BackupFiles.crcOf(storage, table, progress);
            String sharedName = BackupLayout.sharedName(name, crc, size);
            if (sharedNames.contains(sharedName)) {
                return new TableCopy(new BackupMeta.FileEntry(BackupLayout.SHARED + "/" + sharedName, size, crc), true);
            }
        }
        Path incoming = root.resolve(BackupLayout.SHARED).resolve(name + ".incoming");
        int crc = BackupFiles.copy(storage, table, incoming, options.sync, progress);
        String rel = BackupLayout.SHARED + "/" + BackupLayout.sharedName(name, crc, size);
        storage.rename(incoming, root.resolve(rel));
        return new TableCopy(new BackupMeta.FileEntry(rel, size, crc), false);
    }

    /** Takes the backup directory's lock: one backup, restore, delete or purge at a time. */
    static DirectoryLock lock(Storage storage, Path root) throws IOException {
        try {
            return storage.lock(root.resolve("LOCK"));
        } catch (LockHeldException e) {
            throw new DatabaseLockedException("backup directory " + root + " is in use by another backup, restore or purge", e);
        }
    }

    private BackupResult writeLocked(Path root, BackupOptions options) throws IOException {
        Path tmp = root.resolve(BackupLayout.TMP);
        for (String leftover : storage.list(tmp)) {
            BackupFiles.deleteTree(storage, tmp.resolve(leftover)); // a crashed backup's work
        }
        long id = Backups.nextId(storage, root);
        BackupFiles.writeAtomically(storage, root.resolve(BackupLayout.META).resolve(BackupLayout.NEXT_ID),
                Long.toString(id + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (options.flushBeforeBackup) {
            store.flushAndWait(pipeline::switchMemtable);
        }
        Path cp = tmp.resolve(id + "-checkpoint");
        Checkpointer.Result checkpoint = new Checkpointer(storage, dbDir, store, pipeline).create(cp);
        AtomicLong done = new AtomicLong();
        long total = treeBytes(cp);
        BackupFiles.Progress progress = n -> options.progress.progress(done.addAndGet(n), total);
        List<BackupMeta.FileEntry> files = new ArrayList<>();
        int copied = 0;
        int shared = 0;
        long bytesCopied = 0;
        Path privateDir = root.resolve(BackupLayout.PRIVATE).resolve(Long.toString(id));
        storage.createDirectories(privateDir.resolve(WalFormat.DIRECTORY));
        java.util.Set<String> sharedNames = new java.util.HashSet<>(storage.list(root.resolve(BackupLayout.SHARED)));
        List<String> tables = storage.list(cp.resolve(LsmStore.SST_DIR));
        List<TableCopy> outcomes = copyTables(tables, cp, root, id, sharedNames, options, progress);
        for (TableCopy t : outcomes) {
            files.add(t.entry());
            if (t.shared()) {
                shared++;
            } else {
                copied++;
                bytesCopied += t.entry().size();
            }
        }
        List<Path> rest = new ArrayList<>();
        rest.add(cp.resolve(Manifest.FILE));
        if (options.backupLogFiles) {
            for (String seg : storage.list(cp.resolve(WalFormat.DIRECTORY))) {
                rest.add(cp.resolve(WalFormat.DIRECTORY).resolve(seg));
            }
        }
        for (Path p : rest) {
            boolean wal = p.getParent().getFileName().toString().equals(WalFormat.DIRECTORY);
            String rel = BackupLayout.PRIVATE + "/" + id + "/" + (wal ? WalFormat.DIRECTORY + "/" : "") + p.getFileName();
            long size = storage.size(p);
            int crc = BackupFiles.copy(storage, p, root.resolve(rel), options.sync, progress);
            files.add(new BackupMeta.FileEntry(rel, size, crc));
            copied++;
            bytesCopied += size;
        }
        storage.forceDirectory(root.resolve(BackupLayout.SHARED));
        storage.forceDirectory(privateDir.resolve(WalFormat.DIRECTORY));
        storage.forceDirectory(privateDir);
        dev.strata.engine.util.CrashPoints.hit("backup.files.copied");
        long seqno = options.backupLogFiles ? checkpoint.seqno() : store.minFlushedSeqno();
        BackupMeta meta = new BackupMeta(id, System.currentTimeMillis(), seqno, options.metadata, files);
        BackupFiles.writeAtomically(storage, BackupLayout.meta(root, id), meta.encode());
        dev.strata.engine.util.CrashPoints.hit("backup.meta.written");
        BackupFiles.deleteTree(storage, cp);
        LOG.info("Backup {} of {} at seqno {} in {}: {} files copied ({} bytes), {} shared", id, dbDir, seqno, root,
                copied, bytesCopied, shared);
        return new BackupResult(id, seqno, copied, shared, bytesCopied);
    }
}
