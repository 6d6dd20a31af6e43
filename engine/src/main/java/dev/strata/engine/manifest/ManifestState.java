package dev.strata.engine.manifest;

import java.util.List;

/**
 * The durable description of the tree: every live SSTable, the seqno up to which data is in
 * SSTables (recovery replays the WAL after it), and the next file number to hand out.
 */
public record ManifestState(long nextFileNumber, long flushedSeqno, List<FileMeta> files) {
    public static final ManifestState EMPTY = new ManifestState(1, 0, List.of());
}
