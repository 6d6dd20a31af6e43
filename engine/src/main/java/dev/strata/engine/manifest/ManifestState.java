package dev.strata.engine.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * The durable description of the database's trees: every column family (its id, name, the seqno
 * up to which its data is in SSTables, and its live SSTables), the next file number and the next
 * column-family id to hand out (ids are never reused, so a record naming a dropped family can be
 * recognised at replay).
 */
public record ManifestState(long nextFileNumber, int nextFamilyId, List<FamilyState> families) {
    /** The id and name of the family every database has and none can drop. */
    public static final int DEFAULT_FAMILY_ID = 0;
    public static final String DEFAULT_FAMILY_NAME = "default";

    public static final ManifestState EMPTY = new ManifestState(1, 1,
            List.of(new FamilyState(DEFAULT_FAMILY_ID, DEFAULT_FAMILY_NAME, 0, List.of())));

    /** One column family: recovery replays the WAL after {@code flushedSeqno} into it. */
    public record FamilyState(int id, String name, long flushedSeqno, List<FileMeta> files) {
    }

    /** The seqno up to which every family's data is in tables: the WAL is needed only after it. */
    public long minFlushedSeqno() {
        long min = Long.MAX_VALUE;
        for (FamilyState f : families) {
            min = Math.min(min, f.flushedSeqno());
        }
        return families.isEmpty() ? 0 : min;
    }

    /** The highest flushed seqno of any family: the seqno counter never goes below it. */
    public long maxFlushedSeqno() {
        long max = 0;
        for (FamilyState f : families) {
            max = Math.max(max, f.flushedSeqno());
        }
        return max;
    }

    /** Every live table of every family. */
    public List<FileMeta> allFiles() {
        List<FileMeta> all = new ArrayList<>();
        for (FamilyState f : families) {
            all.addAll(f.files());
        }
        return all;
    }
}
