package dev.strata.engine.sst;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Fuzzing;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.MemStorage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Fuzzing of the table decoders (DESIGN.md D3) through {@link TableReader}: header, footer, index
 * block, data blocks (plain and zstd, with and without a dictionary), bloom filter, range
 * tombstone block and properties. Three small tables are damaged per case: random bytes changed,
 * the file cut or grown, a block's bytes changed <em>with its checksum recomputed</em> (so the
 * block, index, properties and zstd decoders see hostile contents: restart arrays, shared-prefix
 * lengths, varints, a compressed block's raw length), or a footer handle set to a hostile offset
 * or size with a valid footer checksum. Each case opens the table, scans it both ways, seeks and
 * reads keys and range tombstones; it must succeed or raise a {@link CorruptionException} naming
 * the table and an offset inside it, within the {@link Fuzzing} bounds. CI: 20,000 cases per
 * table; soak: 300,000.
 */
class TableFuzzTest {
    private static final Path PATH = Path.of("/db/000009.sst");

    @Test
    void damagedTablesReadOrFailTypedWithinBounds() {
        Fuzzing fuzz = new Fuzzing("TableFuzzTest");
        int casesPerTable = CrashTesting.scaled(20_000, 300_000);
        String[] compressions = {"none", "zstd", "zstd+dict"};
        assertTimeoutPreemptively(Duration.ofMinutes(CrashTesting.scaled(3, 120)), () -> {
            Random r = fuzz.random();
            for (String compression : compressions) {
                MemStorage storage = new MemStorage();
                Model m = Model.random(new Random(11), 60, 4, 120, true);
                m.write(storage, PATH, TableCorruptionTest.smallOptions(compression));
                byte[] good = storage.bytes(PATH);
                List<BlockHandle> blocks;
                try (TableReader reader = TableReader.open(storage, PATH, 9, null)) {
                    blocks = reader.blockHandles();
                }
                for (int i = 0; i < casesPerTable; i++) {
                    int kind = r.nextInt(5);
                    byte[] b = mutate(r, kind, good.clone(), blocks);
                    storage.replace(PATH, b);
                    int size = b.length;
                    BlockCache cache = r.nextBoolean() ? new BlockCache(1 << 20) : null;
                    fuzz.check(compression + ", mutation " + kind, size, () -> readAll(storage, cache, r.nextLong()),
                            e -> e instanceof CorruptionException c && c.file().equals(PATH)
                                    && c.offset() >= 0 && c.offset() <= size);
                }
            }
        });
        System.out.println(fuzz.summary());
        assertThat(fuzz.failures()).as(fuzz.summary()).isEmpty();
        assertThat(fuzz.rejected()).as("damage is found").isGreaterThan(fuzz.cases() / 4);
    }

    /** Everything a reader of the table does: open, both scans, seeks, gets, range tombstones. */
    private static void readAll(MemStorage storage, BlockCache cache, long seed) {
        Random r = new Random(seed);
        try (TableReader reader = TableReader.open(storage, PATH, 9, cache)) {
            TableIterator it = reader.iterator();
            long entries = 0;
            for (it.seekToFirst(); it.valid() && entries < 100_000; it.next()) {
                entries += it.value().length >= 0 ? 1 : 0;
            }
            for (it.seekToLast(); it.valid() && entries < 200_000; it.prev()) {
                entries += it.userKey().length >= 0 ? 1 : 0;
            }
            for (int n = 0; n < 20; n++) {
                byte[] k = Model.randomKey(r);
                it.seek(k);
                if (it.valid()) {
                    it.value();
                }
                it.seekForPrev(k);
                reader.get(k, r.nextBoolean() ? Long.MAX_VALUE : r.nextInt(200));
                reader.maxCoveringRangeTombstone(k, Long.MAX_VALUE);
            }
            for (RangeTombstone t : reader.rangeTombstones()) {
                reader.maxCoveringRangeTombstone(t.start(), t.seqno());
            }
        }
    }

    private static byte[] mutate(Random r, int kind, byte[] b, List<BlockHandle> blocks) {
        switch (kind) {
            case 0 -> Fuzzing.scribble(r, b, 0, b.length);
            case 1 -> {
                return Fuzzing.resize(r, b);
            }
            case 2, 3 -> {
                // A block's payload changed and its checksum recomputed; for a compressed block,
                // often its leading raw-length varint.
                BlockHandle h = blocks.get(r.nextInt(blocks.size()));
                int off = (int) h.offset();
                int type = b[off + h.size()] & 0xFF;
                if (kind == 3 && type != TableFormat.TYPE_NONE) {
                    byte[] len = new byte[10];
                    int n = Bytes.putVarLong(len, 0, r.nextBoolean() ? r.nextInt(TableFormat.MAX_BLOCK_SIZE) + 1
                            : TableFormat.MAX_BLOCK_SIZE);
                    System.arraycopy(len, 0, b, off, Math.min(n, h.size()));
                } else if (kind == 3) {
                    // an uncompressed block: its restart count or a shared/unshared length
                    int at = r.nextBoolean() ? off + h.size() - 4 : off + r.nextInt(Math.max(1, h.size() - 4));
                    Bytes.putInt(b, at, Fuzzing.hostileLength(r, h.size()));
                } else {
                    Fuzzing.scribble(r, b, off, off + h.size());
                }
                Bytes.putInt(b, off + h.size() + 1, TableFormat.blockCrc(b, off, h.size(), type));
            }
            default -> {
                // A footer handle pointing anywhere, with a valid footer checksum.
                int footer = b.length - TableFormat.FOOTER_SIZE;
                int handle = r.nextInt(5) * TableFormat.HANDLE_SIZE;
                if (r.nextBoolean()) {
                    Bytes.putLong(b, footer + handle, r.nextBoolean() ? r.nextInt(b.length + 64) : r.nextLong());
                } else {
                    Bytes.putInt(b, footer + handle + 8, Fuzzing.hostileLength(r, b.length));
                }
                CRC32C crc = new CRC32C();
                crc.update(b, footer, 68);
                Bytes.putInt(b, footer + 68, (int) crc.getValue());
            }
        }
        return b;
    }
}
