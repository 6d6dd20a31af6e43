package dev.strata.replication.leader;

import dev.strata.replication.epoch.EpochHistory;
import org.junit.jupiter.api.Test;

import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** Every branch of the leader's answer to a hello. */
class DecisionTest {
    private static final EpochHistory H = EpochHistory.initial().promote(101); // epoch 1: 1..100, epoch 2: 101..
    private static final LongFunction<Integer> HASH = s -> (int) s * 31;

    private static Decision decide(long epoch, long seqno, int hash) {
        return Decision.decide(H, 500, epoch, seqno, hash, HASH);
    }

    @Test
    void answers() {
        assertThat(decide(3, 10, 0).kind()).isEqualTo(Decision.Kind.STALE_LEADER);
        Decision empty = decide(0, 0, 0);
        assertThat(empty.kind()).isEqualTo(Decision.Kind.CONTINUE);
        assertThat(empty.fromSeqno()).isEqualTo(1);
        assertThat(decide(2, 501, HASH.apply(501)).kind()).isEqualTo(Decision.Kind.FULL_SYNC); // ahead of durable
        assertThat(decide(1, 150, HASH.apply(150)).kind()).isEqualTo(Decision.Kind.FULL_SYNC); // past its epoch's end
        Decision endOfOld = decide(1, 100, HASH.apply(100));
        assertThat(endOfOld.kind()).isEqualTo(Decision.Kind.CONTINUE); // the old epoch up to the switch point
        assertThat(endOfOld.fromSeqno()).isEqualTo(101);
        assertThat(Decision.decide(new EpochHistory(new long[]{1, 3}, new long[]{1, 50}), 500, 2, 40, HASH.apply(40), HASH).kind())
                .isEqualTo(Decision.Kind.FULL_SYNC); // an epoch this leader never had
        assertThat(decide(2, 300, 12345).kind()).isEqualTo(Decision.Kind.FULL_SYNC); // another record at 300
        assertThat(Decision.decide(H, 500, 2, 300, 0, s -> null).kind()).isEqualTo(Decision.Kind.FULL_SYNC); // log gone
        Decision match = decide(2, 300, HASH.apply(300));
        assertThat(match.kind()).isEqualTo(Decision.Kind.CONTINUE);
        assertThat(match.fromSeqno()).isEqualTo(301);
        assertThat(match.toString()).contains("CONTINUE from 301");
        // A database that never followed (epoch 0) but holds matching records continues.
        assertThat(decide(0, 42, HASH.apply(42)).kind()).isEqualTo(Decision.Kind.CONTINUE);
        assertThat(Decision.afterFullSync(77).fromSeqno()).isEqualTo(78);
    }
}
