package dev.strata.engine.sst;

import dev.strata.engine.vfs.MemStorage;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TableVerifier} reads every block of a table and reports each damaged one at its own
 * offset, where a reader stops at the first.
 */
class TableVerifierTest {
    private static final Path PATH = Path.of("/db/sst/00000000000000000007.sst");

    private static TableOptions options(String compression) {
        TableOptions o = TableOptions.DEFAULTS.withBlockSize(256).withRestartInterval(4);
        return switch (compression) {
            case "zstd" -> o.withCompression(TableOptions.Compression.ZSTD);
            case "zstd+dict" -> o.withCompression(TableOptions.Compression.ZSTD).withDictionary(512, 0);
            default -> o;
        };
    }

    private static List<BlockHandle> handles(MemStorage storage) {
        try (TableReader r = TableReader.open(storage, PATH, 7, null)) {
            return r.blockHandles();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd", "zstd+dict"})
    void soundTableHasNoDamageAndCountsEveryEntry(String compression) {
        Model m = Model.random(new Random(3), 60, 3, 80, true);
        MemStorage storage = new MemStorage();
        TableProperties props = m.write(storage, PATH, options(compression));

        TableVerifier.Result r = TableVerifier.verify(storage, PATH, 7);

        assertThat(r.damage()).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.entries()).isEqualTo(m.entries.size()).isEqualTo(props.entries());
        assertThat(r.dataBlocks()).isEqualTo(props.dataBlocks()).isGreaterThan(3);
        assertThat(r.properties().entries()).isEqualTo(props.entries());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd"})
    void everyFlipIsReportedAtTheOffsetOfItsRegion(String compression) {
        Model m = Model.random(new Random(11), 40, 2, 60, true);
        MemStorage storage = new MemStorage();
        m.write(storage, PATH, options(compression));
        byte[] good = storage.bytes(PATH);
        List<BlockHandle> hs = handles(storage);
        long footer = good.length - TableFormat.FOOTER_SIZE;
        for (int pos = 0; pos < good.length; pos++) {
            byte[] bad = good.clone();
            bad[pos] ^= (byte) 0xFF;
            storage.replace(PATH, bad);
            long region = pos < TableFormat.HEADER_SIZE ? 0 : pos >= footer ? footer : blockOf(hs, pos).offset();

            TableVerifier.Result r = TableVerifier.verify(storage, PATH, 7);

            assertThat(r.damage()).as("flip at %d", pos).isNotEmpty();
            assertThat(r.damage()).extracting(CorruptionException::file).containsOnly(PATH);
            assertThat(r.damage()).extracting(CorruptionException::offset).as("flip at %d", pos).contains(region);
        }
    }

    @Test
    void twoDamagedDataBlocksAreBothReportedAndTheOthersRead() {
        Model m = Model.random(new Random(5), 80, 0, 80, true);
        MemStorage storage = new MemStorage();
        TableProperties props = m.write(storage, PATH, options("none"));
        List<BlockHandle> hs = handles(storage);
        assertThat(props.dataBlocks()).isGreaterThan(4);
        BlockHandle first = hs.get(1);
        BlockHandle second = hs.get(3);
        byte[] bad = storage.bytes(PATH);
        bad[(int) first.offset() + 2] ^= 1;
        bad[(int) second.offset() + second.size() - 1] ^= 1;
        storage.replace(PATH, bad);

        TableVerifier.Result r = TableVerifier.verify(storage, PATH, 7);

        assertThat(r.damage()).extracting(CorruptionException::offset).containsExactly(first.offset(), second.offset());
        assertThat(r.damage()).allSatisfy(e -> assertThat(e.getMessage()).contains("checksum mismatch"));
        assertThat(r.dataBlocks()).isEqualTo(props.dataBlocks() - 2);
        assertThat(r.entries()).isPositive().isLessThan(props.entries());
    }

    @Test
    void propertiesThatDisagreeWithTheBlocksAreReportedAtThePropertiesBlock() {
        Model m = Model.random(new Random(8), 30, 1, 40, true);
        MemStorage storage = new MemStorage();
        TableProperties p = m.write(storage, PATH, options("none"));
        List<BlockHandle> hs = handles(storage);
        BlockHandle propsHandle = hs.get(hs.size() - 2);
        // One entry more than the table holds; the checksum is made right, so only the meaning is wrong.
        TableProperties lying = new TableProperties(p.formatVersion(), p.entries() + 1, p.pointTombstones(),
                p.rangeTombstones(), p.smallestSeqno(), p.largestSeqno(), p.smallestKey(), p.largestKey(),
                p.rawKeyBytes(), p.rawValueBytes(), p.dataBlocks(), p.compression(), p.dictionaryBytes(),
                p.bloomBitsPerKey());
        byte[] payload = lying.encode();
        assertThat(payload.length).as("same size, so no handle moves").isEqualTo(propsHandle.size());
        byte[] file = storage.bytes(PATH);
        System.arraycopy(payload, 0, file, (int) propsHandle.offset(), payload.length);
        Bytes.putInt(file, (int) propsHandle.offset() + payload.length + 1,
                TableFormat.blockCrc(payload, 0, payload.length, TableFormat.TYPE_NONE));
        storage.replace(PATH, file);

        TableVerifier.Result r = TableVerifier.verify(storage, PATH, 7);

        assertThat(r.damage()).hasSize(1);
        CorruptionException e = r.damage().get(0);
        assertThat(e.offset()).isEqualTo(propsHandle.offset());
        assertThat(e.getMessage()).contains("entries " + (p.entries() + 1) + " but the blocks hold " + p.entries());
    }

    @Test
    void aTruncatedTableIsOneProblemAtOpen() {
        Model m = Model.random(new Random(9), 20, 0, 40, true);
        MemStorage storage = new MemStorage();
        m.write(storage, PATH, options("none"));
        byte[] good = storage.bytes(PATH);
        storage.replace(PATH, java.util.Arrays.copyOf(good, good.length - 10));

        TableVerifier.Result r = TableVerifier.verify(storage, PATH, 7);

        assertThat(r.properties()).isNull();
        assertThat(r.damage()).hasSize(1);
        assertThat(r.damage().get(0).file()).isEqualTo(PATH);
    }

    private static BlockHandle blockOf(List<BlockHandle> hs, long pos) {
        for (BlockHandle h : hs) {
            if (pos >= h.offset() && pos < h.end()) {
                return h;
            }
        }
        throw new AssertionError("no block holds byte " + pos);
    }
}
