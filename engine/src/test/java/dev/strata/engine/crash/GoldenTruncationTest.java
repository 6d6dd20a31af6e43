package dev.strata.engine.crash;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Durability;
import dev.strata.engine.KvOp;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.TestFiles;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.wal.WalFormat;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every truncation length of every file of a small golden database (DESIGN.md D2): the manifest,
 * every table (on two levels), a sealed WAL segment and the newest one, as a crash of an ASYNC
 * writer after {@code sync()} leaves them. For each file and each length from 0 to its size - 1,
 * a copy of the golden database with that file cut there is opened for writing:
 * <ul>
 *   <li>the newest WAL segment: the open recovers exactly to the last whole record before the
 *       cut (a cut inside the header is a creation cut short: no record), the state is the replay
 *       of commits 1..S, and a new commit gets S + 1;</li>
 *   <li>any other file: a {@link CorruptionException} naming that file and an offset inside it;
 *       a sealed segment cut exactly after a record is whole in itself, so the error may instead
 *       name the next segment, whose first seqno no longer follows.</li>
 * </ul>
 */
class GoldenTruncationTest {
    private static final Path NO_FILE = Path.of("");

    private static StrataOptions options(Durability durability) {
        // Compaction only when asked, so that no open rewrites the files under test.
        return StrataOptions.defaults().durability(durability).syncInterval(Duration.ofHours(1)).memtableSize(64 << 10)
                .blockSize(128).targetFileSize(4 << 10).levelBaseSize(1L << 30).l0CompactionTrigger(50)
                .l0StopWritesTrigger(100);
    }

    @Test
    void everyTruncationOfEveryFileIsRecoveredToAWholeRecordOrReportedAsCorruption() throws Exception {
        Path base = CrashTesting.scratchDir("strata-truncate");
        try {
            Path golden = base.resolve("golden");
            List<TreeMap<String, String>> states = buildGolden(base.resolve("live"), golden);
            List<Path> files;
            try (Stream<Path> s = Files.walk(golden)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            List<Path> segments = files.stream().filter(p -> p.toString().endsWith(WalFormat.SUFFIX)).toList();
            assertThat(segments).as("a sealed segment and the newest").hasSize(2);
            assertThat(files.stream().filter(p -> p.toString().endsWith(".sst")).count()).as("tables").isGreaterThanOrEqualTo(2);
            Path newest = segments.get(1);
            long[] recordEnds = recordEnds(Files.readAllBytes(newest));
            long firstOfNewest = states.size() - 1 - recordEnds.length;
            Path work = base.resolve("work");
            long cases = 0;
            long bytes = 0;
            long t0 = System.nanoTime();
            for (Path original : files) {
                byte[] content = Files.readAllBytes(original);
                Path rel = golden.relativize(original);
                bytes += content.length;
                for (int len = 0; len < content.length; len++) {
                    CrashTesting.deleteTree(work);
                    TestFiles.copyDir(golden, work);
                    Files.write(work.resolve(rel), java.util.Arrays.copyOf(content, len));
                    cases++;
                    String what = rel + " cut to " + len + " of " + content.length + " bytes";
                    if (original.toString().endsWith(dev.strata.engine.wal.SegmentSummaryFile.SUFFIX)) {
                        // A segment summary is an index: a damaged one is ignored and rebuilt, all data intact.
                        expectRecovered(work, what, states.size() - 1, states);
                    } else if (original.equals(newest)) {
                        long whole = 0;
                        while (whole < recordEnds.length && recordEnds[(int) whole] <= len) {
                            whole++;
                        }
                        expectRecovered(work, what, firstOfNewest + whole, states);
                    } else {
                        boolean atRecordEnd = original.equals(segments.get(0)) && isRecordEnd(content, len);
                        expectCorruption(work, what, work.resolve(rel), content.length,
                                atRecordEnd ? work.resolve(golden.relativize(newest)) : NO_FILE);
                    }
                }
            }
            System.out.printf("GoldenTruncationTest: %d files, %d bytes, %d truncations: the newest segment's "
                    + "recovered to its last whole record, all others reported as corruption, %.1f s%n",
                    files.size(), bytes, cases, (System.nanoTime() - t0) / 1e9);
        } finally {
            CrashTesting.deleteTree(base);
        }
    }

    /**
     * Writes the golden database: ASYNC; 24 commits, flush, compact, 12 commits, flush, 8
     * commits, close (which seals their segment); reopen, 8 commits, sync, and copy the
     * directory as a crash now would leave it. Returns the state after each seqno.
     */
    private static List<TreeMap<String, String>> buildGolden(Path live, Path golden) throws Exception {
        Random r = new Random(2024);
        List<TreeMap<String, String>> states = new ArrayList<>();
        TreeMap<String, String> state = new TreeMap<>();
        states.add(new TreeMap<>(state));
        int[] phases = {24, -1, -2, 12, -1, 8, -3, 8};
        StrataDatabase db = StrataDatabase.open(live, options(Durability.ASYNC));
        try {
            for (int phase : phases) {
                switch (phase) {
                    case -1 -> db.flush();
                    case -2 -> db.compact(null, null);
                    case -3 -> {
                        db.close();
                        db = StrataDatabase.open(live, options(Durability.ASYNC));
                    }
                    default -> {
                        for (int i = 0; i < phase; i++) {
                            KvOp op = KvOp.random(r, "", 16, "g" + states.size(), 16);
                            assertThat(op.commit(db).seqno()).isEqualTo(states.size());
                            op.applyTo(state);
                            states.add(new TreeMap<>(state));
                        }
                    }
                }
            }
            db.sync();
            TestFiles.copyDir(live, golden);
        } finally {
            db.close();
        }
        return states;
    }

    /** The end offset of every whole record of a segment. */
    private static long[] recordEnds(byte[] segment) {
        List<Long> ends = new ArrayList<>();
        int p = WalFormat.HEADER_SIZE;
        while (p + WalFormat.FRAME_HEADER_SIZE <= segment.length) {
            int len = Bytes.getInt(segment, p + 4);
            if (len <= 0 || p + WalFormat.FRAME_HEADER_SIZE + len > segment.length) {
                break;
            }
            p += WalFormat.FRAME_HEADER_SIZE + len;
            ends.add((long) p);
        }
        return ends.stream().mapToLong(Long::longValue).toArray();
    }

    private static boolean isRecordEnd(byte[] segment, int len) {
        for (long end : recordEnds(segment)) {
            if (end == len) {
                return true;
            }
        }
        return len == WalFormat.HEADER_SIZE;
    }

    private static void expectRecovered(Path dir, String what, long expectedSeqno, List<TreeMap<String, String>> states) {
        try (StrataDatabase db = StrataDatabase.open(dir, options(Durability.SYNC))) {
            assertThat(db.latestSeqno()).as("%s: recovered to the last whole record", what).isEqualTo(expectedSeqno);
            assertThat(CrashTesting.contents(db)).as("%s: the replay of commits 1..%d", what, expectedSeqno)
                    .isEqualTo(states.get((int) expectedSeqno));
            assertThat(db.put(new byte[] {'z'}, new byte[] {'1'}).seqno()).as(what).isEqualTo(expectedSeqno + 1);
        }
    }

    private static void expectCorruption(Path dir, String what, Path file, long size, Path orElse) {
        try (StrataDatabase db = StrataDatabase.open(dir, options(Durability.SYNC))) {
            CrashTesting.contents(db);
            throw new AssertionError(what + ": opened and read without an error");
        } catch (CorruptionException e) {
            assertThat(e.file()).as("%s: %s", what, e.getMessage()).isIn(file, orElse);
            assertThat(e.offset()).as("%s: %s", what, e.getMessage()).isBetween(0L, size);
        }
    }
}
