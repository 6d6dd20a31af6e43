package dev.strata.engine.manifest;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Fuzzing;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.MemStorage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Fuzzing of the manifest decoder (DESIGN.md D3). {@code ManifestCodecTest} shows that damage the
 * checksum sees is corruption; here most mutations <em>recompute the checksum</em>, as a hostile
 * or buggy writer would, so the decoder itself meets hostile counts, levels, varint lengths and
 * trailing bytes. Each case must decode or raise a {@link CorruptionException} naming the
 * manifest and an offset inside it, within the {@link Fuzzing} bounds (a file count of a million
 * in a 40-byte manifest must not allocate for a million files). CI: 20,000 cases; soak: 2,000,000.
 */
class ManifestFuzzTest {
    private static final Path DIR = Path.of("/db");

    @Test
    void hostileManifestsDecodeOrFailTypedWithinBounds() throws Exception {
        MemStorage storage = new MemStorage();
        List<FileMeta> files = new ArrayList<>();
        Random base = new Random(5);
        for (int i = 0; i < 12; i++) {
            files.add(new FileMeta(i + 3, i % 7, 4096 + i, 100 + i, i, 200 + i, ("a" + i).getBytes(), ("z" + i).getBytes()));
        }
        int flushed = base.nextInt(1000);
        Manifest.write(storage, DIR, new ManifestState(99, 4, List.of(
                new ManifestState.FamilyState(0, "default", flushed, files.subList(0, 8)),
                new ManifestState.FamilyState(3, "users", flushed + 5, files.subList(8, files.size())))));
        byte[] good = storage.bytes(DIR.resolve(Manifest.FILE));
        Fuzzing fuzz = new Fuzzing("ManifestFuzzTest");
        int cases = CrashTesting.scaled(20_000, 2_000_000);
        assertTimeoutPreemptively(Duration.ofMinutes(CrashTesting.scaled(2, 60)), () -> {
            Random r = fuzz.random();
            for (int i = 0; i < cases; i++) {
                int kind = r.nextInt(5);
                byte[] b = mutate(r, kind, good.clone());
                storage.replace(DIR.resolve(Manifest.FILE), b);
                int size = b.length;
                fuzz.check("mutation " + kind, size, () -> Manifest.read(storage, DIR),
                        e -> e instanceof CorruptionException c && c.file().equals(DIR.resolve(Manifest.FILE))
                                && c.offset() >= 0 && c.offset() <= size);
            }
        });
        System.out.println(fuzz.summary());
        assertThat(fuzz.failures()).as(fuzz.summary()).isEmpty();
        assertThat(fuzz.rejected()).as("damage is found").isGreaterThan(cases / 4);
    }

    private static byte[] mutate(Random r, int kind, byte[] b) {
        int body = b.length - 4;
        switch (kind) {
            case 0 -> {
                Fuzzing.scribble(r, b, 0, b.length); // checksum not recomputed
                return b;
            }
            case 1 -> Fuzzing.scribble(r, b, 12, body);
            case 2 -> Bytes.putInt(b, 28, Fuzzing.hostileLength(r, b.length)); // the file count
            case 3 -> {
                // a key length varint made hostile: 1-5 bytes of 0xFF or a huge value
                int at = 32 + r.nextInt(Math.max(1, body - 32));
                byte[] v = new byte[10];
                int n = Bytes.putVarLong(v, 0, r.nextBoolean() ? Integer.MAX_VALUE : (1L << 35) + r.nextInt(1000));
                System.arraycopy(v, 0, b, at, Math.min(n, body - at));
            }
            default -> {
                // cut or grown, then sealed with a valid checksum
                byte[] c = Fuzzing.resize(r, Arrays.copyOf(b, body));
                b = Arrays.copyOf(c, c.length + 4);
                body = c.length;
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, body);
        Bytes.putInt(b, body, (int) crc.getValue());
        return b;
    }
}
