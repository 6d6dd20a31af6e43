package dev.strata.engine.repair;

import dev.strata.engine.check.CheckReport;

/**
 * What a repair left: the database's newest seqno after it was opened and flushed, the seqno of
 * the empty commit that let every column family continue from one seqno (-1 when none was
 * needed), and what {@code DatabaseChecker} found in the repaired files (sound unless something
 * the repair cannot fix is wrong).
 */
public record RepairResult(long latestSeqno, long emptyCommitSeqno, int tables, CheckReport check) {
}
