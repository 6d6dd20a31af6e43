package dev.strata.engine.backup;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.DatabaseLockedException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.lsm.LsmStore;
import dev.strata.engine.vfs.DirectoryLock;
import dev.strata.engine.vfs.LocalStorage;
import dev.strata.engine.vfs.LockHeldException;
import dev.strata.engine.vfs.Storage;
import dev.strata.engine.wal.WalFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Backups without an open database, after RocksDB's BackupEngine as rocksdb-js exposes it: list,
 * verify, delete, purge and restore. ({@code StrataDatabase.backup} writes them.)
 *
 * <p>Restore builds the database in a sibling staging directory, checks every file's size and
 * CRC32C as it copies, forces it, marks it complete, and only then swaps it in by renames: the
 * old database (if any) is renamed aside, the staging directory into place, the old one deleted.
 * A crash between those renames leaves a complete staging directory that the next
 * {@link #restore} or open of the database ({@link #finishInterruptedRestore}) moves into place,
 * so the target is either the old database or the fully restored one. A target that is open (its
 * lock held) or that is, or is inside, the backup directory is refused.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    static final String COMPLETE_MARKER = "RESTORE_COMPLETE";

    private Backups() {
    }

    // ---------------------------------------------------------------- list

    /** Every backup in {@code backupDir}, oldest first; damaged ones have {@link BackupInfo#problem()}. */
    public static List<BackupInfo> list(Path backupDir) {
        return list(backupDir, LocalStorage.INSTANCE);
    }

    public static List<BackupInfo> list(Path backupDir, Storage storage) {
        Path metaDir = backupDir.resolve(BackupLayout.META);
        if (!storage.exists(metaDir)) {
            throw new InvalidArgumentException("no Strata backups in " + backupDir);
        }
        List<BackupInfo> out = new ArrayList<>();
        try {
            for (long id : ids(storage, backupDir)) {
                Path file = BackupLayout.meta(backupDir, id);
                try {
                    BackupMeta m = readMeta(storage, file, id);
                    out.add(new BackupInfo(id, m.timestamp(), m.seqno(), m.totalBytes(), m.files().size(), m.metadata(), null));
                } catch (CorruptionException e) {
                    out.add(new BackupInfo(id, 0, 0, 0, 0, new byte[0], e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new StrataIOException("cannot list backups in " + backupDir, e);
        }
        return out;
    }

    private static List<Long> ids(Storage storage, Path backupDir) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (String name : storage.list(backupDir.resolve(BackupLayout.META))) {
            if (name.matches("[1-9][0-9]{0,17}")) {
                ids.add(Long.parseLong(name));
            }
        }
        ids.sort(null);
        return ids;
    }

    static BackupMeta readMeta(Storage storage, Path file, long id) throws IOException {
        BackupMeta m = BackupMeta.decode(BackupFiles.readAll(storage, file, BackupMeta.MAX_META_FILE), file);
        if (m.id() != id) {
            throw new CorruptionException(file, 0, "metadata of backup " + m.id() + " in the file of backup " + id);
        }
        return m;
    }

    /** The id the next backup gets: ids only grow, even when the newest backup was deleted. */
    static long nextId(Storage storage, Path backupDir) throws IOException {
        long next = 1;
        Path file = backupDir.resolve(BackupLayout.META).resolve(BackupLayout.NEXT_ID);
        if (storage.exists(file)) {
            String s = new String(BackupFiles.readAll(storage, file, 64), StandardCharsets.UTF_8).trim();
            try {
                next = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new CorruptionException(file, 0, "not a backup id: '" + s + "'");
            }
        }
        for (long id : ids(storage, backupDir)) {
            next = Math.max(next, id + 1);
        }
        return next;
    }

    // ---------------------------------------------------------------- verify

    /**
     * Checks that every file backup {@code id} names exists with its size and, when
     * {@code withChecksum}, its CRC32C. Throws {@link CorruptionException} naming the first file
     * that differs; returns the bytes checked.
     */
    public static long verify(Path backupDir, long id, boolean withChecksum) {
        return verify(backupDir, id, withChecksum, LocalStorage.INSTANCE);
    }

    public static long verify(Path backupDir, long id, boolean withChecksum, Storage storage) {
        try {
            BackupMeta m = readMeta(storage, existingMeta(storage, backupDir, id), id);
            long bytes = 0;
            for (BackupMeta.FileEntry f : m.files()) {
                Path p = backupDir.resolve(f.path());
                refuseLink(storage, p, id);
                if (!storage.exists(p)) {
                    throw new CorruptionException(p, 0, "backup " + id + " names " + f.path() + ", which is missing");
                }
                long size = storage.size(p);
                if (size != f.size()) {
                    throw new CorruptionException(p, Math.min(size, f.size()), "backup " + id + ": " + f.path() + " is "
                            + size + " bytes, the metadata says " + f.size());
                }
                if (withChecksum && BackupFiles.crcOf(storage, p, n -> { }) != f.crc()) {
                    throw new CorruptionException(p, 0, "backup " + id + ": " + f.path() + " fails its CRC32C");
                }
                bytes += size;
            }
            return bytes;
        } catch (IOException e) {
            throw new StrataIOException("cannot verify backup " + id + " in " + backupDir, e);
        }
    }

    /** A backup's files are plain files it wrote; a symbolic link (planted to read elsewhere) is refused. */
    private static void refuseLink(Storage storage, Path p, long id) {
        if (storage.isSymbolicLink(p)) {
            throw new CorruptionException(p, 0, "backup " + id + ": " + p.getFileName() + " is a symbolic link, which a backup never holds");
        }
    }

    private static Path existingMeta(Storage storage, Path backupDir, long id) {
        Path file = BackupLayout.meta(backupDir, id);
        if (id <= 0 || !storage.exists(file)) {
            throw new InvalidArgumentException("no backup " + id + " in " + backupDir);
        }
        return file;
    }

    // ---------------------------------------------------------------- delete and purge

    /** Deletes backup {@code id} and the shared tables no other backup holds; returns bytes reclaimed. */
    public static long delete(Path backupDir, long id) {
        return delete(backupDir, id, LocalStorage.INSTANCE);
    }

    public static long delete(Path backupDir, long id, Storage storage) {
        try (DirectoryLock held = BackupWriter.lock(storage, backupDir)) {
            long reclaimed = deleteLocked(storage, backupDir, id);
            return reclaimed + pruneArchive(storage, backupDir);
        } catch (IOException e) {
            throw new StrataIOException("cannot delete backup " + id + " in " + backupDir, e);
        }
    }

    /** Keeps the newest {@code keepCount} good backups, deletes the rest; returns bytes reclaimed. */
    public static long purge(Path backupDir, int keepCount) {
        return purge(backupDir, keepCount, LocalStorage.INSTANCE);
    }

    public static long purge(Path backupDir, int keepCount, Storage storage) {
        if (keepCount < 0) {
            throw new InvalidArgumentException("keepCount must be >= 0, was " + keepCount);
        }
        List<BackupInfo> good = new ArrayList<>();
        for (BackupInfo b : list(backupDir, storage)) {
            if (b.isGood()) {
                good.add(b);
            }
        }
        long reclaimed = 0;
        try (DirectoryLock held = BackupWriter.lock(storage, backupDir)) {
            for (int i = 0; i < good.size() - keepCount; i++) {
                reclaimed += deleteLocked(storage, backupDir, good.get(i).id());
            }
            reclaimed += pruneArchive(storage, backupDir);
        } catch (IOException e) {
            throw new StrataIOException("cannot purge backups in " + backupDir, e);
        }
        return reclaimed;
    }

    private static long deleteLocked(Storage storage, Path backupDir, long id) throws IOException {
        Path meta = existingMeta(storage, backupDir, id);
        // The metadata goes first, so a crash midway leaves files no backup names, never a
        // backup that lists as complete with files missing.
        storage.delete(meta);
        storage.forceDirectory(meta.getParent());
        long reclaimed = 0;
        Path priv = backupDir.resolve(BackupLayout.PRIVATE).resolve(Long.toString(id));
        reclaimed += treeSize(storage, priv);
        BackupFiles.deleteTree(storage, priv);
        Set<String> referenced = new HashSet<>();
        for (long other : ids(storage, backupDir)) {
            try {
                for (BackupMeta.FileEntry f : readMeta(storage, BackupLayout.meta(backupDir, other), other).files()) {
                    referenced.add(f.path());
                }
            } catch (CorruptionException e) {
                LOG.warn("Backup {} in {} is damaged; keeping every shared table in case it holds them", other, backupDir);
                return reclaimed;
            }
        }
        Path shared = backupDir.resolve(BackupLayout.SHARED);
        for (String name : storage.list(shared)) {
            if (!referenced.contains(BackupLayout.SHARED + "/" + name)) {
                reclaimed += storage.size(shared.resolve(name));
                storage.delete(shared.resolve(name));
            }
        }
        storage.forceDirectory(shared);
        return reclaimed;
    }

    /**
     * Deletes archived WAL segments no remaining backup can use: those wholly at or before the
     * oldest good backup's seqno (a point-in-time restore starts from a backup and replays after
     * it). Kept whole when a backup is damaged (its seqno is unknown). Returns bytes reclaimed.
     */
    private static long pruneArchive(Storage storage, Path backupDir) throws IOException {
        Path archive = backupDir.resolve(WalArchiver.ARCHIVE);
        if (!storage.exists(archive)) {
            return 0;
        }
        long oldest = Long.MAX_VALUE;
        for (BackupInfo b : list(backupDir, storage)) {
            if (!b.isGood()) {
                return 0;
            }
            oldest = Math.min(oldest, b.seqno());
        }
        java.util.TreeMap<Long, Long> firstSeqnos = new java.util.TreeMap<>();
        for (String name : storage.list(archive)) {
            long n = WalFormat.parseFileName(name);
            if (n >= 0) {
                try (dev.strata.engine.wal.SegmentReader r = dev.strata.engine.wal.SegmentReader.open(storage, archive.resolve(name), false)) {
                    firstSeqnos.put(n, r.header() == null ? Long.MAX_VALUE : r.header().firstSeqno());
                }
            }
        }
        long reclaimed = 0;
        for (var e : firstSeqnos.entrySet()) {
            Long next = firstSeqnos.higherKey(e.getKey());
            // With no backup left, nothing can be replayed onto: every segment but the newest goes.
            if (next != null && (oldest == Long.MAX_VALUE || firstSeqnos.get(next) <= oldest + 1)) {
                Path p = archive.resolve(WalFormat.fileName(e.getKey()));
                reclaimed += storage.size(p);
                storage.delete(p);
            }
        }
        storage.forceDirectory(archive);
        return reclaimed;
    }

    private static long treeSize(Storage storage, Path dir) throws IOException {
        long n = 0;
        if (!storage.exists(dir)) {
            return 0;
        }
        for (String name : storage.list(dir)) {
            Path p = dir.resolve(name);
            n += storage.isDirectory(p) ? treeSize(storage, p) : storage.size(p);
        }
        return n;
    }

    // ---------------------------------------------------------------- restore

    /**
     * Restores a backup ({@code backupId}, or the newest good one when 0) into {@code dbDir},
     * replacing what is there once the restored copy is complete and checked. Returns the id
     * restored.
     */
    public static long restore(Path backupDir, Path dbDir, long backupId) {
        return restore(backupDir, dbDir, RestoreOptions.backup(backupId), LocalStorage.INSTANCE).backupId();
    }

    /** What a restore did: the backup it started from and the seqno it restored to. */
    public record Restored(long backupId, long seqno) {
    }

    /**
     * Restores as {@code options} say: a backup, or a point in time (the newest backup at or
     * before it, then the archived WAL up to exactly that commit). A target the backups and the
     * archive cannot reach fails with {@link InvalidArgumentException} naming what is missing,
     * and leaves {@code dbDir} as it was.
     */
    public static Restored restore(Path backupDir, Path dbDir, RestoreOptions options) {
        return restore(backupDir, dbDir, options, LocalStorage.INSTANCE);
    }

    public static Restored restore(Path backupDir, Path dbDir, RestoreOptions options, Storage storage) {
        Path root = backupDir.toAbsolutePath().normalize();
        Path target = dbDir.toAbsolutePath().normalize();
        if (target.startsWith(root) || root.startsWith(target)) {
            throw new InvalidArgumentException("cannot restore into " + target + ": it and the backup directory "
                    + root + " contain each other");
        }
        long id = chooseBackup(root, options, storage);
        Path staging = staging(target);
        Path aside = target.resolveSibling("." + target.getFileName() + ".replaced");
        try (DirectoryLock backupsHeld = BackupWriter.lock(storage, root)) {
            finishInterruptedRestore(target, storage);
            BackupMeta m = readMeta(storage, existingMeta(storage, root, id), id);
            storage.createDirectories(target.getParent());
            BackupFiles.deleteTree(storage, staging);
            storage.createDirectories(staging.resolve(LsmStore.SST_DIR));
            storage.createDirectories(staging.resolve(WalFormat.DIRECTORY));
            long total = m.totalBytes();
            long[] done = new long[1];
            for (BackupMeta.FileEntry f : m.files()) {
                Path from = root.resolve(f.path());
                Path to = staging.resolve(restoredName(f.path()));
                refuseLink(storage, from, id);
                if (!storage.exists(from)) {
                    throw new CorruptionException(from, 0, "backup " + id + " names " + f.path() + ", which is missing");
                }
                int crc = BackupFiles.copy(storage, from, to, true, n -> options.progress.progress(done[0] += n, total));
                long size = storage.size(to);
                if (size != f.size() || (options.verifyChecksum && crc != f.crc())) {
                    throw new CorruptionException(from, 0, "backup " + id + ": " + f.path() + " does not match its metadata ("
                            + size + " bytes, CRC32C " + Integer.toHexString(crc) + ")");
                }
            }
            long seqno = m.seqno();
            if (options.pointInTime()) {
                seqno = PointInTimeWal.assemble(storage, root.resolve(WalArchiver.ARCHIVE), staging.resolve(WalFormat.DIRECTORY),
                        m.seqno(), options.toSeqno, options.toTimestamp);
            }
            storage.forceDirectory(staging.resolve(LsmStore.SST_DIR));
            storage.forceDirectory(staging.resolve(WalFormat.DIRECTORY));
            BackupFiles.writeAtomically(storage, staging.resolve(COMPLETE_MARKER), Long.toString(id).getBytes(StandardCharsets.UTF_8));
            dev.strata.engine.util.CrashPoints.hit("restore.staged");
            swapIn(storage, staging, target, aside);
            LOG.info("Restored backup {} to seqno {} from {} into {}", id, seqno, root, target);
            return new Restored(id, seqno);
        } catch (IOException e) {
            throw new StrataIOException("cannot restore backup " + id + " from " + root + " into " + target, e);
        } catch (RuntimeException e) {
            try {
                BackupFiles.deleteTree(storage, staging);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The backup a restore starts from: the one asked for, or the newest good one at or before the target. */
    private static long chooseBackup(Path root, RestoreOptions options, Storage storage) {
        if (options.backupId > 0 && !options.pointInTime()) {
            return options.backupId;
        }
        long id = -1;
        for (BackupInfo b : list(root, storage)) {
            boolean before = (options.toSeqno < 0 || b.seqno() <= options.toSeqno)
                    && (options.toTimestamp < 0 || b.timestamp() <= options.toTimestamp);
            if (b.isGood() && before) {
                id = b.id();
            }
        }
        if (id < 0) {
            throw new InvalidArgumentException("no good backup in " + root + (options.pointInTime()
                    ? " at or before " + (options.toSeqno >= 0 ? "seqno " + options.toSeqno : "time " + options.toTimestamp) : ""));
        }
        return id;
    }

    private static Path staging(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".restoring");
    }

    /** Where a backup file goes in the restored database. */
    private static String restoredName(String path) {
        String[] parts = path.split("/");
        String name = parts[parts.length - 1];
        if (parts[0].equals(BackupLayout.SHARED)) {
            return LsmStore.SST_DIR + "/" + name.substring(0, name.indexOf('_')) + ".sst";
        }
        if (parts.length == 4) {
            return WalFormat.DIRECTORY + "/" + name;
        }
        return name.endsWith(".sst") ? LsmStore.SST_DIR + "/" + name : name;
    }

    /** Renames the complete staging directory into place (the old database aside, then deleted). */
    private static void swapIn(Storage storage, Path staging, Path target, Path aside) throws IOException {
        DirectoryLock targetHeld = null;
        try {
            if (storage.exists(target)) {
                try {
                    targetHeld = storage.lock(target.resolve("LOCK"));
                } catch (LockHeldException e) {
                    throw new DatabaseLockedException("cannot restore into " + target + ": the database is open", e);
                }
                // Held across the rename (the lock file moves with the directory), so no open
                // can slip in between the check and the swap.
                BackupFiles.deleteTree(storage, aside);
                storage.rename(target, aside);
                dev.strata.engine.util.CrashPoints.hit("restore.swap.aside");
            }
            storage.rename(staging, target);
            storage.forceDirectory(target.getParent());
            dev.strata.engine.util.CrashPoints.hit("restore.swapped");
            storage.delete(target.resolve(COMPLETE_MARKER));
            BackupFiles.deleteTree(storage, aside);
        } finally {
            if (targetHeld != null) {
                targetHeld.close();
            }
        }
    }

    /**
     * Finishes a restore that crashed between its renames: when {@code dbDir} is missing and a
     * complete staging directory exists, it is moved into place. Called by restore and by the
     * database's open.
     */
    public static void finishInterruptedRestore(Path dbDir, Storage storage) {
        Path target = dbDir.toAbsolutePath().normalize();
        Path staging = staging(target);
        if (storage.exists(target) || !storage.exists(staging.resolve(COMPLETE_MARKER))) {
            return;
        }
        try {
            LOG.warn("Finishing an interrupted restore: moving {} to {}", staging, target);
            storage.rename(staging, target);
            storage.forceDirectory(target.getParent());
            storage.delete(target.resolve(COMPLETE_MARKER));
            BackupFiles.deleteTree(storage, target.resolveSibling("." + target.getFileName() + ".replaced"));
        } catch (IOException e) {
            throw new StrataIOException("cannot finish the interrupted restore of " + target, e);
        }
    }
}
