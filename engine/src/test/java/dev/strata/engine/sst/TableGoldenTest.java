package dev.strata.engine.sst;

import dev.strata.engine.vfs.MemStorage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes of a tiny table are pinned: a change to them is a format change, which needs a new
 * {@link TableFormat#VERSION} and an update of {@code docs/format-sst.md}. The same table is the
 * worked example there. To regenerate after a deliberate change, run with
 * {@code -Dstrata.golden.update=<path of src/test/resources/testdata/sst/tiny.hex>}.
 */
class TableGoldenTest {
    private static final String RESOURCE = "/testdata/sst/tiny.hex";

    static byte[] tinyTable() {
        MemStorage storage = new MemStorage();
        Path path = Path.of("/db/000001.sst");
        Model m = new Model();
        m.add(new Model.Entry(b("apple"), 3, TableFormat.KIND_PUT, b("red"), 0));
        m.add(new Model.Entry(b("apple"), 1, TableFormat.KIND_DELETE, new byte[0], 0));
        m.add(new Model.Entry(b("apricot"), 2, TableFormat.KIND_PUT_TTL, b("ok"), 1_700_000_000_000L));
        m.tombstones.add(new RangeTombstone(b("b"), b("c"), 4));
        m.write(storage, path, TableOptions.DEFAULTS.withBloomBitsPerKey(10));
        return storage.bytes(path);
    }

    static String dump(byte[] b) {
        StringBuilder sb = new StringBuilder();
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < b.length; i += 16) {
            sb.append(String.format("%04x:", i));
            for (int j = i; j < Math.min(b.length, i + 16); j++) {
                sb.append(' ').append(hex.toHexDigits(b[j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void theTinyTableHasThePinnedBytes() throws IOException {
        String actual = dump(tinyTable());
        String update = System.getProperty("strata.golden.update");
        if (update != null) {
            Files.writeString(Path.of(update), actual);
        }
        try (InputStream in = TableGoldenTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as("golden file " + RESOURCE).isNotNull();
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(actual).isEqualTo(expected);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
