package dev.strata.engine.backup;

/**
 * What {@link Backups#restore(java.nio.file.Path, java.nio.file.Path, RestoreOptions)} restores:
 * a backup by id (0, the default, for the newest good one), or a point in time: the state after
 * commit {@code toSeqno}, or after the last commit at or before {@code toTimestamp} (ms since the
 * epoch, commit time), reached from the newest backup at or before it plus the archived WAL
 * ({@code StrataOptions.walArchive}). {@code verifyChecksum} (default true) checks every file's
 * CRC32C as it is copied.
 */
public final class RestoreOptions {
    long backupId;
    long toSeqno = -1;
    long toTimestamp = -1;
    boolean verifyChecksum = true;
    ProgressListener progress = ProgressListener.NONE;

    public static RestoreOptions latest() {
        return new RestoreOptions();
    }

    public static RestoreOptions backup(long id) {
        RestoreOptions o = new RestoreOptions();
        o.backupId = id;
        return o;
    }

    public static RestoreOptions toSeqno(long seqno) {
        if (seqno < 0) {
            throw new dev.strata.engine.InvalidArgumentException("seqno must be >= 0, was " + seqno);
        }
        RestoreOptions o = new RestoreOptions();
        o.toSeqno = seqno;
        return o;
    }

    public static RestoreOptions toTimestamp(long epochMillis) {
        RestoreOptions o = new RestoreOptions();
        o.toTimestamp = epochMillis;
        return o;
    }

    public RestoreOptions verifyChecksum(boolean verify) {
        this.verifyChecksum = verify;
        return this;
    }

    /** Told the bytes copied out of the backup's total. */
    public RestoreOptions progress(ProgressListener listener) {
        this.progress = listener == null ? ProgressListener.NONE : listener;
        return this;
    }

    boolean pointInTime() {
        return toSeqno >= 0 || toTimestamp >= 0;
    }
}
