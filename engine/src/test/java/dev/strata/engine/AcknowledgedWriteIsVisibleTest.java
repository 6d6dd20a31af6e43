package dev.strata.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes: once a commit returns, a read or a snapshot from the same thread sees it, in
 * every durability mode, even when another thread (the periodic sync of ASYNC mode) is the one
 * that wrote and forced it. A bug found by the column-family model test: in ASYNC mode the
 * sync thread published the written seqno (which acknowledges) before the visible one, so a
 * committer arriving during its force returned before its write could be read.
 */
class AcknowledgedWriteIsVisibleTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteIsReadableAtOnce() {
        for (Durability mode : Durability.values()) {
            StrataOptions options = StrataOptions.defaults().durability(mode).syncInterval(Duration.ofMillis(1));
            try (StrataDatabase db = StrataDatabase.open(dir.resolve(mode.name()), options)) {
                // SYNC pays an fsync per commit; ASYNC is where another thread acknowledges.
                int n = mode == Durability.SYNC ? TestSeeds.scaled(2_000, 50_000) : TestSeeds.scaled(20_000, 500_000);
                for (int i = 0; i < n; i++) {
                    byte[] k = Integer.toString(i).getBytes();
                    CommitResult r = db.put(k, k);
                    assertThat(db.latestSeqno()).as("%s: visible seqno after commit %d", mode, r.seqno())
                            .isGreaterThanOrEqualTo(r.seqno());
                    assertThat(db.get(k)).as("%s: read of commit %d", mode, i).isNotNull();
                }
            }
        }
    }
}
