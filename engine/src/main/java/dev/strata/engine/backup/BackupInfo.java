package dev.strata.engine.backup;

/**
 * One backup as {@link Backups#list} reports it. {@code problem} is null for a backup whose
 * metadata reads back whole; otherwise it says what is wrong and the other fields but the id are
 * zero: a damaged backup is reported, never listed as good.
 */
public record BackupInfo(long id, long timestamp, long seqno, long sizeBytes, int fileCount, byte[] metadata,
                         String problem) {
    public boolean isGood() {
        return problem == null;
    }
}
