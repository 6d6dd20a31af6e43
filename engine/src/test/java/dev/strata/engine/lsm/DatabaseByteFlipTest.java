package dev.strata.engine.lsm;

import dev.strata.engine.TestFiles;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.Durability;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every single-byte flip of every table and of the manifest of a small golden database (flushed
 * and compacted, so tables sit on several levels and carry range tombstones) is either reported
 * as a {@link CorruptionException} naming the damaged file, at open or at the first read that
 * touches it, or leaves every read identical. Never a wrong value, never another exception.
 */
class DatabaseByteFlipTest {
    @TempDir
    Path tmp;

    private static StrataOptions options() {
        return StrataOptions.defaults().durability(Durability.SYNC).memtableSize(4 << 10).blockSize(256)
                .targetFileSize(4 << 10).levelBaseSize(8 << 10).levelMultiplier(2)
                .l0CompactionTrigger(2).l0StopWritesTrigger(8).blockCacheSize(0);
    }

    @Test
    void everyFlipInTablesAndManifestIsDetectedOrHarmless() throws IOException {
        Path golden = tmp.resolve("golden");
        try (StrataDatabase db = StrataDatabase.open(golden, options())) {
            for (int i = 0; i < 120; i++) {
                db.put(String.format("k%04d", i).getBytes(), ("value-" + i).getBytes());
            }
            db.deleteRange("k0010".getBytes(), "k0020".getBytes());
            db.flush();
            db.compact(null, null);
            for (int i = 0; i < 120; i += 3) {
                db.put(String.format("k%04d", i).getBytes(), ("new-" + i).getBytes());
            }
            db.deleteRange("k0050".getBytes(), "k0055".getBytes());
            db.remove("k0100".getBytes());
            db.flush();
        }
        TreeMap<String, String> expected = dump(golden);
        assertThat(expected).hasSizeGreaterThan(80);

        List<Path> files = new ArrayList<>();
        files.add(golden.resolve("MANIFEST"));
        try (Stream<Path> s = Files.list(golden.resolve("sst"))) {
            s.sorted().forEach(files::add);
        }
        assertThat(files.size()).as("the manifest and at least one table").isGreaterThanOrEqualTo(2);
        long flips = 0;
        long detected = 0;
        Path work = tmp.resolve("work");
        TestFiles.copyDir(golden, work);
        for (Path original : files) {
            Path target = work.resolve(golden.relativize(original));
            byte[] bytes = Files.readAllBytes(original);
            for (int off = 0; off < bytes.length; off++) {
                TestFiles.flip(target, off);
                flips++;
                try {
                    TreeMap<String, String> got = dump(work);
                    assertThat(got).as("flip at %s offset %d changed what reads return", target.getFileName(), off)
                            .isEqualTo(expected);
                } catch (CorruptionException e) {
                    assertThat(e.file().getFileName()).as("error names the damaged file").isEqualTo(target.getFileName());
                    detected++;
                }
                TestFiles.flip(target, off); // restore
            }
        }
        System.out.printf("DatabaseByteFlipTest: %d files, %d single-byte flips, %d reported as corruption, %d harmless%n",
                files.size(), flips, detected, flips - detected);
        assertThat(detected).isGreaterThan(flips * 9 / 10);
    }

    /**
     * Opens read-write (as a user would), reads every key by scan and by get, both directions.
     * Compaction is held off so that no open rewrites the tables under test.
     */
    private static TreeMap<String, String> dump(Path dir) {
        TreeMap<String, String> out = new TreeMap<>();
        StrataOptions quiet = options().l0CompactionTrigger(100).l0StopWritesTrigger(200).levelBaseSize(1L << 30);
        try (StrataDatabase db = StrataDatabase.open(dir, quiet)) {
            try (StrataIterator<KeyValue> it = db.iterator(RangeOptions.all())) {
                it.forEachRemaining(kv -> out.put(new String(kv.key()), new String(kv.value())));
            }
            List<String> reverse = new ArrayList<>();
            try (StrataIterator<KeyValue> it = db.iterator(new RangeOptions().reverse(true))) {
                it.forEachRemaining(kv -> reverse.add(new String(kv.key())));
            }
            assertThat(reverse).containsExactlyElementsOf(out.descendingKeySet());
            for (int i = 0; i < 125; i++) {
                String k = String.format("k%04d", i);
                byte[] v = db.get(k.getBytes());
                assertThat(v == null ? null : new String(v)).isEqualTo(out.get(k));
            }
        }
        return out;
    }


}
