package dev.strata.engine.sst;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.MemStorage;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Regressions (found by {@code TableFuzzTest}): a compressed block whose raw-length prefix claimed
 * up to 1 GiB, under a valid checksum, made the reader allocate that much before zstd could say
 * the data was short; and a dictionary block that zstd could not load threw zstd-jni's
 * {@code IllegalStateException}. Both are now {@link CorruptionException}s naming the block.
 */
class HostileCompressedBlockTest {
    private static final Path PATH = Path.of("/db/000003.sst");

    private static byte[] table(MemStorage storage, TableOptions options) {
        Model.random(new Random(3), 60, 2, 120, true).write(storage, PATH, options);
        return storage.bytes(PATH);
    }

    private static List<BlockHandle> blocks(MemStorage storage) {
        try (TableReader r = TableReader.open(storage, PATH, 3, null)) {
            return r.blockHandles();
        }
    }

    @Test
    void aCompressedBlockClaimingAHugeRawLengthIsCorruptionWithoutAllocatingIt() {
        MemStorage storage = new MemStorage();
        byte[] b = table(storage, TableOptions.DEFAULTS.withBlockSize(256).withCompression(TableOptions.Compression.ZSTD));
        BlockHandle data = blocks(storage).get(0);
        int off = (int) data.offset();
        assertThat(b[off + data.size()]).as("the first data block is compressed").isEqualTo((byte) TableFormat.TYPE_ZSTD);
        // The block's varint raw-length prefix now claims 1 GiB; the frame keeps its place, cut at
        // the block's end, and the block's checksum is re-sealed.
        byte[] claim = new byte[10];
        int n = Bytes.putVarLong(claim, 0, TableFormat.MAX_BLOCK_SIZE);
        int oldLen = varintLength(b, off);
        byte[] hostile = b.clone();
        System.arraycopy(claim, 0, hostile, off, n);
        System.arraycopy(b, off + oldLen, hostile, off + n, data.size() - n);
        Bytes.putInt(hostile, off + data.size() + 1, TableFormat.blockCrc(hostile, off, data.size(), TableFormat.TYPE_ZSTD));
        storage.replace(PATH, hostile);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        assertThatThrownBy(() -> {
            try (TableReader r = TableReader.open(storage, PATH, 3, null)) {
                TableIterator it = r.iterator();
                it.seekToFirst();
            }
        }).isInstanceOf(CorruptionException.class).hasMessageContaining("declares");
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(allocated).as("bytes allocated reading a 1 GiB claim").isLessThan(16L << 20);
    }

    @Test
    void aDictionaryZstdCannotLoadIsCorruption() {
        MemStorage storage = new MemStorage();
        byte[] b = table(storage, TableOptions.DEFAULTS.withBlockSize(256).withCompression(TableOptions.Compression.ZSTD)
                .withDictionary(512, 0));
        // The dictionary block is the uncompressed block that starts with zstd's dictionary magic.
        BlockHandle dict = blocks(storage).stream()
                .filter(h -> b[(int) (h.offset() + h.size())] == TableFormat.TYPE_NONE && h.size() > 8
                        && Bytes.getInt(b, (int) h.offset()) == 0xEC30A437)
                .findFirst().orElseThrow();
        int off = (int) dict.offset();
        assertThat(Bytes.getInt(b, off)).as("a zstd dictionary starts with its magic").isEqualTo(0xEC30A437);
        java.util.Arrays.fill(b, off + 8, off + dict.size(), (byte) 0xFF); // entropy tables no decoder accepts
        Bytes.putInt(b, off + dict.size() + 1, TableFormat.blockCrc(b, off, dict.size(), TableFormat.TYPE_NONE));
        storage.replace(PATH, b);
        assertThatThrownBy(() -> TableReader.open(storage, PATH, 3, null))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("dictionary")
                .satisfies(e -> assertThat(((CorruptionException) e).offset()).isEqualTo(dict.offset()));
    }

    private static int varintLength(byte[] b, int off) {
        int n = 1;
        while ((b[off + n - 1] & 0x80) != 0) {
            n++;
        }
        return n;
    }
}
