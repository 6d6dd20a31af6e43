package dev.strata.engine.sst;

import dev.strata.engine.vfs.MemStorage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BloomFilterTest {

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void noFalseNegativesAndAboutOnePercentFalsePositivesAtTenBitsPerKey() {
        int n = 20_000;
        BloomFilter.Builder b = new BloomFilter.Builder(10);
        for (int i = 0; i < n; i++) {
            b.add(key(i));
        }
        byte[] f = b.build();
        assertThat(f.length).isEqualTo(n * 10 / 8 + 1);
        for (int i = 0; i < n; i++) {
            byte[] k = key(i);
            assertThat(BloomFilter.mayContain(f, k, 0, k.length)).isTrue();
        }
        int fp = 0;
        int probes = 100_000;
        for (int i = n; i < n + probes; i++) {
            byte[] k = key(i);
            if (BloomFilter.mayContain(f, k, 0, k.length)) {
                fp++;
            }
        }
        double rate = fp / (double) probes;
        System.out.printf("bloom false-positive rate at 10 bits/key: %.4f%n", rate);
        assertThat(rate).isBetween(0.002, 0.02);
    }

    @Test
    void fewerBitsPerKeyGiveMoreFalsePositives() {
        double previous = 0;
        for (int bits : new int[] {20, 10, 5, 2}) {
            BloomFilter.Builder b = new BloomFilter.Builder(bits);
            Random rnd = new Random(bits);
            for (int i = 0; i < 5000; i++) {
                byte[] k = new byte[rnd.nextInt(20)];
                rnd.nextBytes(k);
                b.add(k);
            }
            byte[] f = b.build();
            int fp = 0;
            for (int i = 0; i < 20_000; i++) {
                byte[] k = ("absent" + i).getBytes(StandardCharsets.UTF_8);
                fp += BloomFilter.mayContain(f, k, 0, k.length) ? 1 : 0;
            }
            double rate = fp / 20_000.0;
            assertThat(rate).isGreaterThanOrEqualTo(previous);
            previous = rate;
        }
    }

    @Test
    void hashMatchesLevelDb() {
        // Values of LevelDB's util/hash_test.cc (Hash(data, n, 0xbc9f1d34)).
        assertThat(BloomFilter.hash(new byte[0], 0, 0)).isEqualTo(0xbc9f1d34);
        assertThat(BloomFilter.hash(new byte[] {0x62}, 0, 1)).isEqualTo(0xef1345c4);
        assertThat(BloomFilter.hash(new byte[] {(byte) 0xc3, (byte) 0x97}, 0, 2)).isEqualTo(0x5b663814);
        assertThat(BloomFilter.hash(new byte[] {(byte) 0xe2, (byte) 0x99, (byte) 0xa5}, 0, 3)).isEqualTo(0x323c078f);
        assertThat(BloomFilter.hash(new byte[] {(byte) 0xe1, (byte) 0x80, (byte) 0xb9, 0x32}, 0, 4)).isEqualTo(0xed21633a);
    }

    @Test
    void bloomFilterSavesBlockReadsForAbsentKeys() {
        Model m = Model.random(new Random(5), 2000, 0, 50);
        for (int bits : new int[] {0, 10}) {
            MemStorage storage = new MemStorage();
            Path path = Path.of("/db/b.sst");
            m.write(storage, path, TableOptions.DEFAULTS.withBloomBitsPerKey(bits));
            try (TableReader r = TableReader.open(storage, path, 1, null)) {
                long before = storage.reads();
                for (int i = 0; i < 1000; i++) {
                    r.get(("absent-" + i).getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE);
                }
                long reads = storage.reads() - before;
                if (bits == 0) {
                    assertThat(reads).isGreaterThan(900);
                } else {
                    assertThat(reads).isLessThan(50);
                }
            }
        }
    }
}
