package dev.strata.engine.log;

import java.util.List;

/**
 * What one pass of transaction-log retention did and why it kept what it kept.
 *
 * @param at          when the pass ran (ms since the epoch, the database clock)
 * @param kept        every sealed segment kept, with its reasons
 * @param deleted     segments deleted in this pass
 * @param rewritten   segments rewritten log-only in this pass
 * @param droppedHolds holders whose WAL hold passed the size cap and was dropped in this pass
 */
public record RetentionReport(long at, List<KeptSegment> kept, List<Long> deleted, List<Long> rewritten,
                              List<String> droppedHolds) {
}
