package dev.strata.engine.manifest;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.TestSeeds;
import dev.strata.engine.manifest.ManifestState.FamilyState;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The manifest round-trips, replaces itself atomically, and any damage to it (every single-byte
 * flip, every truncation, random and mutated contents) is a {@link CorruptionException} naming the
 * manifest, never another exception or a silently different tree.
 */
class ManifestCodecTest {
    @TempDir
    Path dir;

    static ManifestState sample() {
        return new ManifestState(17, 4, List.of(
                new FamilyState(0, "default", 1234, List.of(
                        new FileMeta(3, 0, 4096, 100, 10, 200, "a".getBytes(), "m".getBytes()),
                        new FileMeta(5, 1, 8192, 300, 1, 90, "b".getBytes(), "zz".getBytes()))),
                new FamilyState(2, "users ü", 999, List.of(
                        new FileMeta(9, 6, 100, 1, 5, 5, new byte[0], new byte[]{(byte) 0xFF})))));
    }

    @Test
    void roundTripsAndReplacesAtomically() throws Exception {
        assertThat(Manifest.read(LocalStorage.INSTANCE, dir)).isEqualTo(ManifestState.EMPTY);
        Manifest.write(LocalStorage.INSTANCE, dir, sample());
        ManifestState back = Manifest.read(LocalStorage.INSTANCE, dir);
        assertThat(back.nextFileNumber()).isEqualTo(17);
        assertThat(back.nextFamilyId()).isEqualTo(4);
        assertThat(back.minFlushedSeqno()).isEqualTo(999);
        assertThat(back.maxFlushedSeqno()).isEqualTo(1234);
        assertThat(back.families()).extracting(FamilyState::name).containsExactly("default", "users ü");
        assertThat(back.allFiles()).hasSize(3);
        assertThat(back.families().get(1).files().get(0).largestKey()).containsExactly((byte) 0xFF);
        assertThat(back.allFiles().get(1).toString()).contains("L1#5");
        Manifest.write(LocalStorage.INSTANCE, dir, ManifestState.EMPTY);
        assertThat(Manifest.read(LocalStorage.INSTANCE, dir).allFiles()).isEmpty();
        assertThat(Files.exists(dir.resolve(Manifest.TEMP))).isFalse();
    }

    /** A manifest written before column families existed (version 1) reads as one default family. */
    @Test
    void readsVersionOneAsTheDefaultFamily() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(Manifest.MAGIC);
        byte[] b = new byte[8];
        Bytes.putInt(b, 0, 1);
        out.write(b, 0, 4);
        Bytes.putLong(b, 0, 42);
        out.write(b, 0, 8);
        Bytes.putLong(b, 0, 777);
        out.write(b, 0, 8);
        Bytes.putInt(b, 0, 1);
        out.write(b, 0, 4);
        out.write(2);
        for (long v : new long[]{7, 500, 10, 1, 20}) {
            Bytes.putLong(b, 0, v);
            out.write(b, 0, 8);
        }
        out.write(new byte[]{1, 'a', 1, 'z'});
        byte[] body = out.toByteArray();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body);
        byte[] file = Arrays.copyOf(body, body.length + 4);
        Bytes.putInt(file, body.length, (int) crc.getValue());
        Files.write(dir.resolve(Manifest.FILE), file);
        ManifestState s = Manifest.read(LocalStorage.INSTANCE, dir);
        assertThat(s.nextFileNumber()).isEqualTo(42);
        assertThat(s.families()).hasSize(1);
        assertThat(s.families().get(0).name()).isEqualTo(ManifestState.DEFAULT_FAMILY_NAME);
        assertThat(s.families().get(0).flushedSeqno()).isEqualTo(777);
        assertThat(s.allFiles()).singleElement().satisfies(m -> {
            assertThat(m.level()).isEqualTo(2);
            assertThat(m.fileNumber()).isEqualTo(7);
        });
    }

    @Test
    void everyFlipTruncationAndMutationIsCorruption() throws Exception {
        Manifest.write(LocalStorage.INSTANCE, dir, sample());
        Path file = dir.resolve(Manifest.FILE);
        byte[] good = Files.readAllBytes(file);
        int flips = 0;
        for (int i = 0; i < good.length; i++) {
            byte[] b = good.clone();
            b[i] ^= (byte) 0xFF;
            expectCorruption(file, b, "flip at " + i);
            flips++;
        }
        for (int len = 0; len < good.length; len++) {
            expectCorruption(file, Arrays.copyOf(good, len), "truncated to " + len);
        }
        Long fixed = TestSeeds.fixedSeed();
        long seed = fixed != null ? fixed : new Random().nextLong();
        Random r = new Random(seed);
        int cases = TestSeeds.scaled(2_000, 100_000);
        for (int i = 0; i < cases; i++) {
            byte[] b = i % 2 == 0 ? good.clone() : new byte[r.nextInt(300)];
            if (i % 2 == 0) {
                for (int m = 1 + r.nextInt(4); m > 0; m--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            } else {
                r.nextBytes(b);
            }
            if (Arrays.equals(b, good)) {
                continue;
            }
            expectCorruption(file, b, "seed " + seed + " case " + i);
        }
        System.out.printf("ManifestCodecTest: %d flips, %d truncations, %d fuzz cases (seed %d): all corruption%n",
                flips, good.length, cases, seed);
    }

    private void expectCorruption(Path file, byte[] content, String what) throws Exception {
        Files.write(file, content);
        try {
            Manifest.read(LocalStorage.INSTANCE, dir);
            fail(what + ": damage went unnoticed");
        } catch (CorruptionException e) {
            assertThat(e.file().getFileName().toString()).isEqualTo(Manifest.FILE);
        } catch (RuntimeException e) {
            fail(what + ": untyped " + e, e);
        }
    }
}
