package dev.strata.engine.log;

import java.util.List;

/**
 * Why retention keeps one sealed WAL segment, as the retention report lists it.
 *
 * @param segment  the segment number
 * @param bytes    its size
 * @param logOnly  whether it was already rewritten log-only
 * @param reasons  every reason it is kept (at least one), e.g. {@code not flushed},
 *                 {@code wal keep size}, {@code archive}, {@code pinned by a checkpoint or backup},
 *                 {@code follower X at seqno N}, {@code log entries inside retention}
 */
public record KeptSegment(long segment, long bytes, boolean logOnly, List<String> reasons) {
    public static final String NOT_FLUSHED = "not flushed";
    public static final String WAL_KEEP_SIZE = "wal keep size";
    public static final String ARCHIVE = "not archived yet";
    public static final String PINNED = "pinned by a checkpoint or backup";
    public static final String LOG_RETENTION = "log entries inside retention";
    public static final String FOLLOWER = "follower";
}
