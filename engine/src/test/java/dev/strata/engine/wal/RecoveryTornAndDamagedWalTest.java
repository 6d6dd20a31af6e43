package dev.strata.engine.wal;

import dev.strata.engine.TestFiles;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.Durability;
import dev.strata.engine.ErrorCode;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.vfs.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The WAL recovery rules, on real crash images: a torn tail of the newest segment recovers to
 * the last whole record (every cut offset of its last records), garbage after it is cut off so
 * new writes do not land after it, and damage anywhere a crash cannot explain (a sealed segment,
 * a record that a later one proves was forced) is a typed corruption error naming file and offset.
 */
class RecoveryTornAndDamagedWalTest {
    private static final StrataOptions SYNC = StrataOptions.defaults().durability(Durability.SYNC).walSegmentSize(64 << 10);

    @TempDir
    Path tmp;

    private static byte[] key(long i) {
        return String.format("key-%06d", i).getBytes();
    }

    private static byte[] value(long i) {
        return ("value-" + i + "-" + "x".repeat((int) (i % 7))).getBytes();
    }

    /** Writes n puts and copies the directory while the database is still open: a crash image. */
    private Path crashImage(int n) throws IOException {
        Path live = tmp.resolve("live");
        Path image = tmp.resolve("image");
        try (StrataDatabase db = StrataDatabase.open(live, SYNC)) {
            for (int i = 1; i <= n; i++) {
                db.put(key(i), value(i));
            }
            TestFiles.copyDir(live, image);
        }
        return image;
    }


    private static void deleteDir(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static List<Path> segments(Path db) throws IOException {
        try (Stream<Path> s = Files.list(db.resolve("wal"))) {
            return s.filter(p -> WalFormat.parseFileName(p.getFileName().toString()) >= 0).sorted().toList();
        }
    }

    /** Frame start offsets of every record in a segment, and the end of the last one. */
    private static List<Long> frameOffsets(Path segment, boolean newest) throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (SegmentReader r = SegmentReader.open(LocalStorage.INSTANCE, segment, newest)) {
            while (r.next()) {
                offsets.add(r.recordOffset());
            }
            offsets.add(r.validEnd());
        }
        return offsets;
    }

    private static void assertState(StrataDatabase db, long lastSeqno) {
        assertThat(db.latestSeqno()).isEqualTo(lastSeqno);
        for (long i = Math.max(1, lastSeqno - 5); i <= lastSeqno + 2; i++) {
            if (i <= lastSeqno) {
                assertThat(db.get(key(i))).as("key %d", i).isEqualTo(value(i));
            } else {
                assertThat(db.get(key(i))).as("key %d", i).isNull();
            }
        }
    }

    @Test
    void truncatingTheNewestSegmentAtEveryOffsetRecoversToTheLastWholeRecord() throws IOException {
        int n = 40;
        Path image = crashImage(n);
        List<Path> segs = segments(image);
        Path newest = segs.get(segs.size() - 1);
        List<Long> frames = frameOffsets(newest, true);
        long end = frames.get(frames.size() - 1);
        long firstCut = frames.get(Math.max(0, frames.size() - 1 - 4));
        long records = frames.size() - 1;
        long firstSeqnoInSegment = n - records + 1;
        int cases = 0;
        for (long cut = firstCut; cut <= end + 20; cut++) {
            Path work = tmp.resolve("cut" + cut);
            TestFiles.copyDir(image, work);
            Path seg = work.resolve("wal").resolve(newest.getFileName().toString());
            try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
                f.setLength(Math.min(cut, f.length()));
            }
            long whole = 0;
            for (int i = 0; i < frames.size() - 1; i++) {
                if (frames.get(i + 1) <= cut) {
                    whole = i + 1;
                }
            }
            long expected = firstSeqnoInSegment - 1 + whole;
            try (StrataDatabase db = StrataDatabase.open(work, SYNC)) {
                assertState(db, expected);
                assertThat(db.put(key(expected + 1), value(expected + 1)).seqno()).isEqualTo(expected + 1);
            }
            try (StrataDatabase db = StrataDatabase.open(work, SYNC)) {
                assertState(db, expected + 1);
            }
            deleteDir(work);
            cases++;
        }
        assertThat(cases).isGreaterThan(100);
    }

    @Test
    void garbageAfterTheLastRecordIsCutOffAndNewWritesFollowTheLastWholeRecord() throws IOException {
        Path image = crashImage(30);
        List<Path> segs = segments(image);
        Path newest = segs.get(segs.size() - 1);
        List<Long> frames = frameOffsets(newest, true);
        long lastStart = frames.get(frames.size() - 2);
        Random r = new Random(7);
        byte[] garbage = new byte[300];
        r.nextBytes(garbage);
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            f.seek(lastStart + 10); // tear the last record and scribble after it
            f.write(garbage);
        }
        try (StrataDatabase db = StrataDatabase.open(image, SYNC)) {
            assertState(db, 29);
            db.put(key(30), value(30));
            db.put(key(31), value(31));
        }
        try (StrataDatabase db = StrataDatabase.open(image, SYNC)) {
            assertState(db, 31);
        }
    }

    @Test
    void damageToARecordThatALaterRecordProvesDurableIsCorruption() throws IOException {
        Path image = crashImage(20);
        List<Path> segs = segments(image);
        Path newest = segs.get(segs.size() - 1);
        List<Long> frames = frameOffsets(newest, true);
        assertThat(frames.size()).isGreaterThan(4);
        long victim = frames.get(frames.size() - 4) + WalFormat.FRAME_HEADER_SIZE + 3;
        TestFiles.flip(newest, victim);
        assertThatThrownBy(() -> StrataDatabase.open(image, SYNC))
                .isInstanceOf(CorruptionException.class)
                .satisfies(e -> {
                    CorruptionException c = (CorruptionException) e;
                    assertThat(c.code()).isEqualTo(ErrorCode.CORRUPTION);
                    assertThat(c.file().getFileName()).isEqualTo(newest.getFileName());
                    assertThat(c.offset()).isEqualTo(frames.get(frames.size() - 4));
                    assertThat(c.getMessage()).contains("forced");
                });
    }

    @Test
    void everyByteFlipInASealedSegmentIsReportedWithFileAndOffset() throws IOException {
        Path live = tmp.resolve("sealed");
        StrataOptions small = SYNC;
        try (StrataDatabase db = StrataDatabase.open(live, small)) {
            for (int i = 1; i <= 12; i++) {
                db.put(key(i), value(i));
            }
        }
        // After a clean close the segment holding the records is sealed (an empty one follows it).
        List<Path> segs = segments(live);
        assertThat(segs).hasSizeGreaterThanOrEqualTo(2);
        Path sealed = segs.get(0);
        long size = Files.size(sealed);
        int corruptions = 0;
        for (long off = 0; off < size; off++) {
            Path work = tmp.resolve("flip" + off);
            TestFiles.copyDir(live, work);
            Path seg = work.resolve("wal").resolve(sealed.getFileName().toString());
            TestFiles.flip(seg, off);
            try (StrataDatabase db = StrataDatabase.open(work, small)) {
                throw new AssertionError("flip at offset " + off + " went unnoticed; recovered seqno " + db.latestSeqno());
            } catch (CorruptionException e) {
                assertThat(e.file().getFileName()).isEqualTo(sealed.getFileName());
                assertThat(e.offset()).isBetween(0L, size);
                corruptions++;
            }
            deleteDir(work);
        }
        assertThat(corruptions).isEqualTo((int) size);
    }

    @Test
    void seqnoGapBetweenSegmentsIsCorruption() throws IOException {
        Path live = tmp.resolve("gap");
        try (StrataDatabase db = StrataDatabase.open(live, SYNC)) {
            for (int i = 1; i <= 2000; i++) {
                db.put(key(i), value(i));
            }
        }
        List<Path> segs = segments(live);
        assertThat(segs.size()).isGreaterThan(3);
        Files.delete(segs.get(1)); // a whole sealed segment goes missing
        assertThatThrownBy(() -> StrataDatabase.open(live, SYNC))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("records are missing");
    }

}
