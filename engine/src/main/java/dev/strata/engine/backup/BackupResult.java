package dev.strata.engine.backup;

/** What one backup did: its id and seqno, and how many files and bytes it copied or shared. */
public record BackupResult(long id, long seqno, int filesCopied, int filesShared, long bytesCopied) {
}
