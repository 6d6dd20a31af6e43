package dev.strata.engine.sst;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.util.Bytes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

class BlockTest {
    private static final Path FILE = Path.of("/db/block-test");

    private record E(byte[] key, long seqno, byte[] value) {
    }

    private static List<E> entries(Random rnd, int n) {
        TreeSet<byte[]> keys = new TreeSet<>(Bytes.COMPARATOR);
        while (keys.size() < n) {
            keys.add(Model.randomKey(rnd));
        }
        // Seqnos fall by one from entry to entry, so they descend within each key.
        List<E> out = new ArrayList<>();
        for (byte[] k : keys) {
            int versions = 1 + rnd.nextInt(3);
            for (int v = 0; v < versions; v++) {
                byte[] val = new byte[rnd.nextInt(20)];
                rnd.nextBytes(val);
                out.add(new E(k, 1_000_000L - out.size(), val));
            }
        }
        return out;
    }

    private static Block build(List<E> es, int restartInterval) {
        BlockBuilder b = new BlockBuilder(restartInterval);
        for (E e : es) {
            b.add(e.key(), e.seqno(), TableFormat.KIND_PUT, e.value(), 0, e.value().length);
        }
        int estimate = b.estimatedSize();
        byte[] data = b.finish();
        assertThat(data.length).isEqualTo(estimate);
        return new Block(FILE, 100, data, data.length);
    }

    private static boolean at(Block.Iter it, E e) {
        return it.valid() && Arrays.equals(Arrays.copyOf(it.key(), it.keyLength()), e.key()) && it.seqno() == e.seqno()
                && Arrays.equals(Arrays.copyOfRange(it.data(), it.valueOffset(), it.valueOffset() + it.valueLength()), e.value());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 16, 1000})
    void seeksAndIteratesInBothDirections(int restartInterval) {
        Random rnd = new Random(restartInterval);
        List<E> es = entries(rnd, 150);
        Block block = build(es, restartInterval);
        Block.Iter it = block.iterator();
        int i = 0;
        for (it.seekToFirst(); it.valid(); it.next()) {
            assertThat(at(it, es.get(i++))).isTrue();
        }
        assertThat(i).isEqualTo(es.size());
        i = es.size() - 1;
        for (it.seekToLast(); it.valid(); it.prev()) {
            assertThat(at(it, es.get(i--))).isTrue();
        }
        assertThat(i).isEqualTo(-1);
        for (int j = 0; j < es.size(); j++) {
            E e = es.get(j);
            it.seek(e.key(), 0, e.key().length, e.seqno());
            assertThat(at(it, e)).as("seek to entry %d", j).isTrue();
            it.seek(e.key(), 0, e.key().length, e.seqno() + 1);
            // (key, seqno + 1) is the previous entry if that is a version of the same key
            boolean prevSameKey = j > 0 && Arrays.equals(es.get(j - 1).key(), e.key());
            assertThat(at(it, prevSameKey ? es.get(j - 1) : e)).as("seek just above entry %d", j).isTrue();
            it.seek(e.key(), 0, e.key().length, e.seqno() - 1);
            // (key, seqno - 1) is past this entry: the next entry, or the end
            if (j + 1 < es.size()) {
                assertThat(at(it, es.get(j + 1))).as("seek just below entry %d", j).isTrue();
            } else {
                assertThat(it.valid()).isFalse();
            }
        }
        byte[] high = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        it.seek(high, 0, high.length, Long.MAX_VALUE);
        assertThat(it.valid()).isFalse();
        it.seek(Bytes.EMPTY, 0, 0, Long.MAX_VALUE);
        assertThat(at(it, es.get(0))).isTrue();
    }

    @Test
    void anEmptyBlockHasNoEntries() {
        byte[] data = new BlockBuilder(16).finish();
        Block.Iter it = new Block(FILE, 0, data, data.length).iterator();
        it.seekToFirst();
        assertThat(it.valid()).isFalse();
        it.seekToLast();
        assertThat(it.valid()).isFalse();
        it.seek("a".getBytes(StandardCharsets.UTF_8), 0, 1, 0);
        assertThat(it.valid()).isFalse();
    }

    /**
     * Bytes that pass no checksum (damage the CRC cannot see, or a writer bug) still decode to
     * either entries or a {@link CorruptionException}: never an index-out-of-bounds or a hang.
     */
    @Test
    void damagedBlockContentsOnlyEverRaiseCorruption() {
        Random rnd = new Random(99);
        List<E> es = entries(rnd, 60);
        BlockBuilder builder = new BlockBuilder(4);
        for (E e : es) {
            builder.add(e.key(), e.seqno(), TableFormat.KIND_PUT, e.value(), 0, e.value().length);
        }
        byte[] good = builder.finish();
        int corruptions = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] bad = good.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
            }
            int len = rnd.nextInt(10) == 0 ? rnd.nextInt(bad.length + 1) : bad.length;
            try {
                Block b = new Block(FILE, 4242, bad, len);
                Block.Iter it = b.iterator();
                int n = 0;
                for (it.seekToFirst(); it.valid() && n < 10_000; it.next()) {
                    n++;
                }
                n = 0;
                for (it.seekToLast(); it.valid() && n < 10_000; it.prev()) {
                    n++;
                }
                E e = es.get(rnd.nextInt(es.size()));
                it.seek(e.key(), 0, e.key().length, e.seqno());
            } catch (CorruptionException e) {
                assertThat(e.file()).isEqualTo(FILE);
                assertThat(e.offset()).isEqualTo(4242);
                corruptions++;
            } catch (RuntimeException e) {
                fail("round " + round + ": untyped exception", e);
            }
        }
        assertThat(corruptions).isGreaterThan(1000);
    }
}
