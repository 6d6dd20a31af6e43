package dev.strata.replication.leader;

import dev.strata.replication.epoch.EpochHistory;

import java.util.function.LongFunction;

/**
 * What a leader answers a follower's hello, decided from the follower's (epoch, last applied
 * seqno, hash of that record) against the leader's epoch history and log. Pure, so every branch
 * is tested on its own.
 *
 * <ol>
 *   <li>The follower has seen a newer epoch than the leader's current one: the leader is stale
 *       ({@link Kind#STALE_LEADER}); a follower never takes records from an older epoch.</li>
 *   <li>It has applied nothing: continue from seqno 1.</li>
 *   <li>It is ahead of the leader's durable seqno: full sync (the leader lost its tail, or the
 *       follower followed another branch).</li>
 *   <li>Its epoch is not in the leader's history, or it applied records past the end of its
 *       epoch in that history: full sync (it holds records the new branch does not).</li>
 *   <li>The hash of its last record differs from the leader's record at that seqno, or the
 *       leader no longer has that record: full sync.</li>
 *   <li>Otherwise continue from the next seqno.</li>
 * </ol>
 */
public final class Decision {
    public enum Kind { CONTINUE, FULL_SYNC, STALE_LEADER }

    private final Kind kind;
    private final long fromSeqno;
    private final String why;

    private Decision(Kind kind, long fromSeqno, String why) {
        this.kind = kind;
        this.fromSeqno = fromSeqno;
        this.why = why;
    }

    /**
     * @param hashAt the CRC32C of the leader's record at a seqno, or null when the leader no
     *               longer has it
     */
    public static Decision decide(EpochHistory leader, long leaderDurable, long followerEpoch, long followerSeqno,
                                  int followerHash, LongFunction<Integer> hashAt) {
        if (followerEpoch > leader.current()) {
            return new Decision(Kind.STALE_LEADER, 0, "the follower has seen epoch " + followerEpoch
                    + ", newer than this leader's epoch " + leader.current());
        }
        if (followerSeqno == 0) {
            return new Decision(Kind.CONTINUE, 1, "the follower is empty");
        }
        if (followerSeqno > leaderDurable) {
            return new Decision(Kind.FULL_SYNC, 0, "the follower applied seqno " + followerSeqno
                    + ", past this leader's durable seqno " + leaderDurable);
        }
        if (followerEpoch > 0 && (!leader.contains(followerEpoch) || followerSeqno > leader.endOf(followerEpoch))) {
            return new Decision(Kind.FULL_SYNC, 0, "the follower's epoch " + followerEpoch + " up to seqno "
                    + followerSeqno + " is not in this leader's history " + leader);
        }
        Integer hash = hashAt.apply(followerSeqno);
        if (hash == null) {
            return new Decision(Kind.FULL_SYNC, 0, "this leader no longer has seqno " + followerSeqno);
        }
        if (hash != followerHash) {
            return new Decision(Kind.FULL_SYNC, 0, "the follower's record " + followerSeqno + " differs from this leader's");
        }
        return new Decision(Kind.CONTINUE, followerSeqno + 1, "the follower matches up to seqno " + followerSeqno);
    }

    /** A follower that finished a full sync of this leader's checkpoint at {@code seqno} continues after it. */
    public static Decision afterFullSync(long seqno) {
        return new Decision(Kind.CONTINUE, seqno + 1, "the follower holds this leader's checkpoint at seqno " + seqno);
    }

    public Kind kind() {
        return kind;
    }

    public long fromSeqno() {
        return fromSeqno;
    }

    public String why() {
        return why;
    }

    @Override
    public String toString() {
        return kind + (kind == Kind.CONTINUE ? " from " + fromSeqno : "") + " (" + why + ")";
    }
}
