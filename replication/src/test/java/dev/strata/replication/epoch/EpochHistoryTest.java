package dev.strata.replication.epoch;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The epoch history and its file: ends of epochs, promotion, durability, every damage detected. */
class EpochHistoryTest {
    @TempDir
    Path tmp;

    @Test
    void endsOfEpochsFollowTheNextStart() {
        EpochHistory h = EpochHistory.initial().promote(101).promote(250);
        assertThat(h.current()).isEqualTo(3);
        assertThat(h.endOf(1)).isEqualTo(100);
        assertThat(h.endOf(2)).isEqualTo(249);
        assertThat(h.endOf(3)).isEqualTo(Long.MAX_VALUE);
        assertThat(h.contains(2)).isTrue();
        assertThat(h.contains(4)).isFalse();
        assertThatThrownBy(() -> h.endOf(4)).isInstanceOf(InvalidArgumentException.class);
        assertThat(h).hasToString("[epoch 1 from 1, epoch 2 from 101, epoch 3 from 250]");
        // A promotion with nothing applied since the last starts where it did, not before.
        assertThat(h.promote(10).start(3)).isEqualTo(250);
    }

    @Test
    void inconsistentHistoriesAreRefused() {
        assertThatThrownBy(() -> new EpochHistory(new long[0], new long[0])).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new EpochHistory(new long[]{2, 1}, new long[]{1, 5})).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new EpochHistory(new long[]{1, 2}, new long[]{5, 1})).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new EpochHistory(new long[]{0}, new long[]{1})).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new EpochHistory(new long[]{1}, new long[]{1, 2})).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void storeWritesThroughAndReadsBack() {
        EpochStore store = new EpochStore(tmp);
        assertThat(store.history()).isNull();
        assertThat(store.currentEpoch()).isEqualTo(EpochStore.NO_EPOCH);
        assertThat(store.historyForLeader()).isEqualTo(EpochHistory.initial());
        store.promote(42);
        assertThat(new EpochStore(tmp).history()).isEqualTo(EpochHistory.initial().promote(42));
        assertThat(Files.exists(tmp.resolve("EPOCHS.tmp"))).isFalse();
    }

    @Test
    void everyByteFlipAndTruncationIsCorruption() throws Exception {
        EpochFile.write(tmp, EpochHistory.initial().promote(7).promote(9));
        byte[] good = Files.readAllBytes(tmp.resolve(EpochFile.NAME));
        assertThat(good).hasSize(16 + 3 * 16 + 4);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            Files.write(tmp.resolve(EpochFile.NAME), bad);
            assertThatThrownBy(() -> EpochFile.read(tmp)).as("flip at %d", i).isInstanceOf(CorruptionException.class);
        }
        for (int n = 0; n < good.length; n++) {
            Files.write(tmp.resolve(EpochFile.NAME), java.util.Arrays.copyOf(good, n));
            assertThatThrownBy(() -> EpochFile.read(tmp)).as("cut at %d", n).isInstanceOf(CorruptionException.class);
        }
    }

    @Test
    void aNewerVersionIsRefusedByName() throws Exception {
        byte[] b = EpochFile.encode(EpochHistory.initial());
        b[8] = 2;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, b.length - 4);
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
        assertThatThrownBy(() -> EpochFile.decode(tmp.resolve("x"), b)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("version 2 is not supported");
    }
}
