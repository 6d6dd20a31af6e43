package dev.strata.engine.sst;

import dev.strata.engine.vfs.MemStorage;
import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Damage to a table file is always reported as a {@link CorruptionException} that names the file
 * and the damaged block, and never turns into a wrong answer or an untyped exception.
 */
class TableCorruptionTest {
    private static final Path PATH = Path.of("/db/000007.sst");

    record Region(String what, long start, long end) {
    }

    private static Model smallModel(long seed) {
        Random rnd = new Random(seed);
        return Model.random(rnd, 50, 4, 80, true);
    }

    static TableOptions smallOptions(String compression) {
        TableOptions o = TableOptions.DEFAULTS.withBlockSize(256).withRestartInterval(4);
        return switch (compression) {
            case "zstd" -> o.withCompression(TableOptions.Compression.ZSTD);
            case "zstd+dict" -> o.withCompression(TableOptions.Compression.ZSTD).withDictionary(512, 0);
            default -> o;
        };
    }

    /** How many data blocks of the file are stored with each block type. */
    private static int[] blockTypes(MemStorage storage, byte[] file) {
        int[] types = new int[3];
        try (TableReader r = TableReader.open(storage, PATH, 7, null)) {
            List<BlockHandle> hs = r.blockHandles();
            for (int i = 0; i < r.properties().dataBlocks(); i++) {
                types[file[(int) (hs.get(i).offset() + hs.get(i).size())]]++;
            }
        }
        return types;
    }

    /** Header, every block and the footer: the regions must tile the file, leaving no unused byte. */
    private static List<Region> regions(MemStorage storage) {
        List<Region> rs = new ArrayList<>();
        try (TableReader r = TableReader.open(storage, PATH, 7, null)) {
            rs.add(new Region("header", 0, TableFormat.HEADER_SIZE));
            for (BlockHandle h : r.blockHandles()) {
                rs.add(new Region("block@" + h.offset(), h.offset(), h.end()));
            }
            rs.add(new Region("footer", r.fileSize() - TableFormat.FOOTER_SIZE, r.fileSize()));
            rs.sort(Comparator.comparingLong(Region::start));
            long at = 0;
            for (Region g : rs) {
                assertThat(g.start()).as("region %s starts where the previous ended", g).isEqualTo(at);
                at = g.end();
            }
            assertThat(at).isEqualTo(r.fileSize());
        }
        return rs;
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd", "zstd+dict"})
    void everySingleByteFlipIsDetectedInTheRightBlock(String compression) {
        Model m = smallModel(42);
        MemStorage storage = new MemStorage();
        TableProperties props = m.write(storage, PATH, smallOptions(compression));
        byte[] good = storage.bytes(PATH);
        int[] types = blockTypes(storage, good);
        System.out.printf("flip table (%s): %s, block types none/zstd/dict %s%n", compression, props,
                Arrays.toString(types));
        if (!compression.equals("none")) {
            assertThat(types[compression.equals("zstd") ? 1 : 2]).as("blocks actually compressed").isGreaterThan(0);
        }
        assertThat(good.length).as("a small table of a few KiB").isBetween(1500, 12000);
        List<Region> regions = regions(storage);
        assertThat(regions.size()).isGreaterThan(8);

        int detected = 0;
        int undetected = 0;
        for (int pos = 0; pos < good.length; pos++) {
            byte[] bad = good.clone();
            bad[pos] ^= (byte) 0xFF;
            storage.replace(PATH, bad);
            try (TableReader r = TableReader.open(storage, PATH, 7, null)) {
                TableRoundTripTest.verify(m, r, new Random(pos));
                undetected++;
            } catch (CorruptionException e) {
                detected++;
                Region g = regionOf(regions, pos);
                assertThat(e.file()).isEqualTo(PATH);
                assertThat(e.offset()).as("flip at %d in %s reported at %d: %s", pos, g, e.offset(), e.getMessage())
                        .isEqualTo(g.start());
            } catch (AssertionError e) {
                fail("flip at " + pos + " (" + regionOf(regions, pos) + ") gave a wrong answer", e);
            } catch (RuntimeException e) {
                fail("flip at " + pos + " (" + regionOf(regions, pos) + ") threw an untyped exception", e);
            }
        }
        System.out.printf("single-byte flips (%s): %d bytes, %d detected, %d undetected%n",
                compression, good.length, detected, undetected);
        // No byte of the file is unused: every flip must be detected.
        assertThat(undetected).isZero();
        assertThat(detected).isEqualTo(good.length);
    }

    private static Region regionOf(List<Region> regions, long pos) {
        for (Region g : regions) {
            if (pos >= g.start() && pos < g.end()) {
                return g;
            }
        }
        throw new AssertionError("no region holds byte " + pos);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd"})
    void everyTruncationIsCorruption(String compression) {
        Model m = smallModel(7);
        MemStorage storage = new MemStorage();
        m.write(storage, PATH, smallOptions(compression));
        byte[] good = storage.bytes(PATH);
        for (int len = 0; len < good.length; len++) {
            storage.replace(PATH, Arrays.copyOf(good, len));
            try (TableReader r = TableReader.open(storage, PATH, 7, null)) {
                TableRoundTripTest.verify(m, r, new Random(len));
                fail("truncation to " + len + " of " + good.length + " bytes was not detected");
            } catch (CorruptionException e) {
                assertThat(e.file()).isEqualTo(PATH);
            }
        }
    }

    @Test
    void aNewerFormatVersionIsRefusedByName() {
        Model m = smallModel(3);
        MemStorage storage = new MemStorage();
        m.write(storage, PATH, TableOptions.DEFAULTS);
        byte[] b = storage.bytes(PATH);
        int footer = b.length - TableFormat.FOOTER_SIZE;
        Bytes.putInt(b, footer + 64, TableFormat.VERSION + 1);
        CRC32C crc = new CRC32C();
        crc.update(b, footer, 68);
        Bytes.putInt(b, footer + 68, (int) crc.getValue());
        storage.replace(PATH, b);
        assertThatThrownBy(() -> TableReader.open(storage, PATH, 1, null))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("format version " + (TableFormat.VERSION + 1) + " is newer than this engine reads")
                .hasMessageContaining(PATH.toString());

        byte[] h = storage.bytes(PATH);
        Bytes.putInt(h, footer + 64, TableFormat.VERSION);
        crc.reset();
        crc.update(h, footer, 68);
        Bytes.putInt(h, footer + 68, (int) crc.getValue());
        Bytes.putInt(h, 8, TableFormat.VERSION + 1);
        crc.reset();
        crc.update(h, 0, 28);
        Bytes.putInt(h, 28, (int) crc.getValue());
        storage.replace(PATH, h);
        assertThatThrownBy(() -> TableReader.open(storage, PATH, 1, null))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("is newer than this engine reads");
    }

    @Test
    void aFileThatIsNotATableIsCorruption() {
        MemStorage storage = new MemStorage();
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        storage.replace(PATH, junk);
        assertThatThrownBy(() -> TableReader.open(storage, PATH, 1, null))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("magic");
    }
}
