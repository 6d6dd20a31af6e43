package dev.strata.engine;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.strata.engine.CrashTesting.b;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression (found by {@link CrashRecoveryKillTest}, seed 2386779387273, cycle 6, thread 0, op
 * 3546: {@code batch[delrange [t0/k15,t0/k32), del t0/k13, delrange [t0/k15,t0/k19)]}): two
 * delete-ranges of one batch with the same start key share the memtable's tombstone key (start,
 * seqno), and the second replaced the first, so keys in [k19, k32) came back, both live and
 * after recovery.
 */
class BatchDeleteRangesWithSameStartTest {

    @Test
    void bothRangesOfTheBatchApplyLiveAndAfterRecovery() throws Exception {
        Path dir = Files.createTempDirectory("strata-ranges");
        try {
            try (StrataDatabase db = StrataDatabase.open(dir)) {
                db.put(b("k27"), b("old"));
                db.put(b("k16"), b("old"));
                db.write(new WriteBatch().deleteRange(b("k15"), b("k32")).deleteRange(b("k15"), b("k19")));
                assertThat(db.get(b("k27"))).isNull();
                assertThat(db.get(b("k16"))).isNull();
                db.write(new WriteBatch().deleteRange(b("a"), b("b")).deleteRange(b("a"), b("z")));
                db.put(b("k40"), b("kept"));
                assertThat(CrashTesting.contents(db)).containsOnlyKeys("k40");
            }
            try (StrataDatabase db = StrataDatabase.open(dir)) {
                assertThat(db.get(b("k27"))).isNull();
                assertThat(CrashTesting.contents(db)).containsOnlyKeys("k40");
            }
        } finally {
            CrashTesting.deleteTree(dir);
        }
    }
}
