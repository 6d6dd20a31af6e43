package dev.strata.engine.backup;

/**
 * How {@code StrataDatabase.backup} works, after rocksdb-js's backup options: flush the memtables
 * first (default true; otherwise the WAL tail carries them), attach application metadata, share
 * tables between backups (default true; identified by number, size and CRC32C, so a table is
 * copied once for all the backups that hold it), include the WAL segments (default true; without
 * them a backup holds only what was flushed), force every file (default true). A progress
 * listener receives bytes done. Tables are copied on {@code maxBackgroundOperations} threads
 * (default 1).
 */
public final class BackupOptions {
    boolean flushBeforeBackup = true;
    byte[] metadata = new byte[0];
    boolean shareTableFiles = true;
    boolean backupLogFiles = true;
    boolean sync = true;
    int maxBackgroundOperations = 1;
    ProgressListener progress = ProgressListener.NONE;

    public static BackupOptions defaults() {
        return new BackupOptions();
    }

    public BackupOptions flushBeforeBackup(boolean flush) {
        this.flushBeforeBackup = flush;
        return this;
    }

    /** Application bytes stored with the backup and returned by {@link Backups#list}; at most 1 MiB. */
    public BackupOptions metadata(byte[] metadata) {
        if (metadata == null || metadata.length > BackupMeta.MAX_METADATA) {
            throw new dev.strata.engine.InvalidArgumentException("backup metadata must be 0 to 1 MiB of bytes");
        }
        this.metadata = metadata.clone();
        return this;
    }

    public BackupOptions shareTableFiles(boolean share) {
        this.shareTableFiles = share;
        return this;
    }

    /**
     * Whether the WAL segments go into the backup (default true). Without them the backup holds
     * what every family had flushed, which is one consistent commit only if nothing was written
     * during the backup.
     */
    public BackupOptions backupLogFiles(boolean include) {
        this.backupLogFiles = include;
        return this;
    }

    public BackupOptions sync(boolean sync) {
        this.sync = sync;
        return this;
    }

    /**
     * Threads copying tables at once (default 1; rocksdb-js's option of the same name). More
     * helps when the backup directory is on another device or a network file system.
     */
    public BackupOptions maxBackgroundOperations(int threads) {
        if (threads < 1 || threads > 64) {
            throw new dev.strata.engine.InvalidArgumentException("maxBackgroundOperations must be 1 to 64, was " + threads);
        }
        this.maxBackgroundOperations = threads;
        return this;
    }

    /** Told the bytes copied (or read to check a shared table) out of the tables, manifest and WAL in all. */
    public BackupOptions progress(ProgressListener listener) {
        this.progress = listener == null ? ProgressListener.NONE : listener;
        return this;
    }
}
