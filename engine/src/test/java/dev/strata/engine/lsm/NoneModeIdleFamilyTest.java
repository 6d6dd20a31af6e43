package dev.strata.engine.lsm;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.TestFiles;
import dev.strata.engine.util.CrashPoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression, found by the kill test's NONE cycles once the database had a second column family:
 * in NONE mode (no WAL, so the tables are all a crash leaves) a manifest written by one family's
 * flush recorded an idle family (empty memtables) as flushed up to the last applied commit, which
 * can be past the flushed memtable: commits applied while the flush ran. Recovery resumes the
 * seqno counter above the largest flushed seqno, so after a crash those lost commits counted as
 * recovered: a hole in the prefix. Here a commit lands after the first flush's table is
 * written, before its manifest; the files as a crash then leaves them must open as the replay of
 * commits 1..S, whatever S they recover.
 */
class NoneModeIdleFamilyTest {
    @TempDir
    Path dir;

    @AfterEach
    void stopListening() {
        CrashPoints.listen(null);
    }

    @Test
    void aCrashInNoneModeRecoversNoSeqnoBeyondWhatTheTablesHold() throws Exception {
        StrataOptions options = StrataOptions.defaults().durability(Durability.NONE).memtableSize(16 << 10);
        Path db = dir.resolve("db");
        Path image = dir.resolve("image");
        Map<Long, String[]> commits = new ConcurrentHashMap<>();
        CountDownLatch tableWritten = new CountDownLatch(1);
        CountDownLatch lateCommitted = new CountDownLatch(1);
        CountDownLatch installed = new CountDownLatch(1);
        try (StrataDatabase d = StrataDatabase.open(db, options)) {
            d.createColumnFamily("idle");
            // The first flush starts by itself when the default family's memtable fills (only that
            // family switches). Its thread waits after its table is durable, before the manifest
            // names it, until one more commit has landed (from this thread: on the flush thread a
            // commit could wait for a write stall that waits for this flush).
            CrashPoints.listen(name -> {
                if (name.equals("flush.table.written") && tableWritten.getCount() > 0) {
                    tableWritten.countDown();
                    awaitLateCommit(lateCommitted);
                } else if (name.equals("flush.installed")) {
                    installed.countDown();
                }
            });
            // Stops as soon as the memtable is switched: more commits could fill the next one and
            // stall on this flush.
            for (int i = 0; d.defaultColumnFamily().stats().immutableMemtables() == 0; i++) {
                assertThat(i).as("the memtable filled").isLessThan(100_000);
                commit(d, commits, "k" + i, "v" + i + "-" + "x".repeat(100));
            }
            commit(d, commits, "late", "lost in a crash");
            lateCommitted.countDown();
            assertThat(installed.await(30, TimeUnit.SECONDS)).as("the flush installed its table").isTrue();
            CrashPoints.listen(null);
            TestFiles.copyDir(db, image); // what a process crash now leaves: NONE writes no WAL
        }
        try (StrataDatabase crashed = StrataDatabase.open(image, options)) {
            long s = crashed.latestSeqno();
            TreeMap<String, String> expected = new TreeMap<>();
            commits.forEach((seqno, kv) -> {
                if (seqno <= s) {
                    expected.put(kv[0], kv[1]);
                }
            });
            assertThat(CrashTesting.diff(expected, CrashTesting.contents(crashed)))
                    .as("the state against the replay of commits 1..%d, S being the recovered seqno", s).isEqualTo("equal");
            assertThat(crashed.put(b("next"), b("x")).seqno()).isEqualTo(s + 1);
        }
    }

    private static void awaitLateCommit(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).as("the late commit landed").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the flush waited for the late commit", e);
        }
    }

    private static void commit(StrataDatabase d, Map<Long, String[]> commits, String key, String value) {
        commits.put(d.put(b(key), b(value)).seqno(), new String[] {key, value});
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
