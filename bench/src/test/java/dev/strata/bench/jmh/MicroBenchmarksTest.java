package dev.strata.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.bench.Data;
import dev.strata.engine.memtable.Memtable;
import dev.strata.engine.sst.TableEntry;
import dev.strata.engine.wal.CommitRecord;
import dev.strata.engine.wal.SegmentReader;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;

/**
 * The micro-benchmarks measure what their notes say: each one's state is set up and its
 * benchmark methods are called directly, a few thousand times at most, and what they return is
 * checked. No JMH run happens here (that is {@code bench/jmh}'s job) and no time is asserted.
 */
class MicroBenchmarksTest {
    private static final List<Class<? extends MicroBenchmark>> ALL = List.of(MemtableInsertBenchmark.class,
            BlockSeekBenchmark.class, Crc32cBenchmark.class, BloomProbeBenchmark.class, CommitRecordBenchmark.class,
            WalAppendBenchmark.class);

    @Test
    void jmhFindsEveryBenchmarkForkedWithTheSharedSettings() throws Exception {
        List<BenchmarkListEntry> entries;
        try (InputStream in = MicroBenchmark.class.getResourceAsStream(BenchmarkList.BENCHMARK_LIST)) {
            assertNotNull(in, "the JMH annotation processor wrote no " + BenchmarkList.BENCHMARK_LIST);
            entries = BenchmarkList.readBenchmarkList(in);
        }
        Set<String> listed = new TreeSet<>();
        for (BenchmarkListEntry e : entries) {
            listed.add(e.getUsername());
            // Inherited from MicroBenchmark: a benchmark that ran in bench/jmh's own JVM would
            // share its JIT profile with every other one.
            assertEquals(1, e.getForks().get(), e.getUsername() + " forks");
            assertEquals(5, e.getMeasurementIterations().get(), e.getUsername() + " iterations");
        }
        Set<String> declared = new TreeSet<>();
        for (Class<?> c : ALL) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Benchmark.class)) {
                    declared.add(c.getName() + "." + m.getName());
                }
            }
        }
        assertEquals(9, declared.size(), declared.toString());
        assertEquals(declared, listed);
    }

    @Test
    void memtableInsertFillsTheMemtableThenStartsAnEmptyOne() {
        MemtableInsertBenchmark b = new MemtableInsertBenchmark();
        b.memtableBytes = 1 << 20;
        b.setup();
        Memtable first = b.memtable();
        int inserted = 0;
        // 1 MiB holds about 5,000 puts; the bound only stops a broken benchmark from looping.
        while (b.applyPut() == first) {
            inserted++;
            assertEquals(inserted, first.entryCount(), "one new entry per put");
            assertTrue(inserted < 100_000, "the memtable was never replaced");
        }
        assertTrue(first.approximateBytes() >= b.memtableBytes, "replaced only when full");
        assertTrue(inserted > 1_000, "a 1 MiB memtable holds thousands of 116-byte puts, held " + inserted);
        assertEquals(1, b.memtable().entryCount(), "the put that found it full went to the new one");
    }

    @ParameterizedTest
    @ValueSource(ints = {30, 1_000})
    void blockSeekFindsEachKeyItSeeks(int keys) throws Exception {
        BlockSeekBenchmark b = new BlockSeekBenchmark();
        b.keys = keys;
        b.setup();
        try {
            if (keys == 30) {
                assertEquals(1, b.reader().properties().dataBlocks(), "30 keys are one data block");
            }
            // Targets go through a permutation of the keys: one pass finds each key once.
            Set<Long> seeks = new HashSet<>();
            for (int i = 0; i < keys; i++) {
                seeks.add(b.seek());
            }
            assertEquals(keys, seeks.size());
            assertTrue(seeks.stream().allMatch(s -> s >= 1 && s <= keys), seeks.toString());
            Data data = new Data(MicroBenchmark.SEED);
            Set<Long> gets = new HashSet<>();
            for (int i = 0; i < keys; i++) {
                TableEntry e = b.get();
                assertNotNull(e);
                assertTrue(data.isValue(e.value(), e.seqno() - 1, 0), "value of key " + (e.seqno() - 1));
                gets.add(e.seqno());
            }
            assertEquals(seeks, gets);
        } finally {
            b.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {160, 4096})
    void crc32cIsResetBetweenCalls(int bytes) {
        Crc32cBenchmark b = new Crc32cBenchmark();
        b.bytes = bytes;
        b.setup();
        CRC32C fresh = new CRC32C();
        fresh.update(b.data());
        assertEquals(bytes, b.data().length);
        assertEquals(fresh.getValue(), b.checksum());
        assertEquals(fresh.getValue(), b.checksum(), "a second call checksums the same bytes afresh");
    }

    @Test
    void bloomProbesFindEveryPresentKeyAndFewMissingOnes() {
        BloomProbeBenchmark b = new BloomProbeBenchmark();
        b.setup();
        int falsePositives = 0;
        for (int i = 0; i < BloomProbeBenchmark.probes(); i++) {
            assertTrue(b.probePresent(), "a bloom filter has no false negatives (probe " + i + ")");
            if (b.probeMissing()) {
                falsePositives++;
            }
        }
        // About 1% at 10 bits per key; 3% would mean the filter is not what the note says.
        assertTrue(falsePositives < BloomProbeBenchmark.probes() * 3 / 100, falsePositives + " false positives");
        assertTrue(falsePositives > 0, "65,536 missing keys at 10 bits/key give some false positives");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1_000})
    void commitRecordDecodesToWhatWasEncoded(int ops) throws Exception {
        CommitRecordBenchmark b = new CommitRecordBenchmark();
        b.ops = ops;
        b.setup();
        byte[] payload = b.payload();
        assertEquals(payload.length, b.encode(), "encode rewrites the same payload");
        assertEquals(CommitRecord.PAYLOAD_HEADER_SIZE + ops * CommitRecord.opSize(0, 16, 100, false), payload.length);
        List<byte[]> seen = new ArrayList<>();
        Data data = new Data(MicroBenchmark.SEED);
        CommitRecord.decode(payload, 0, payload.length, new CommitRecord.OpVisitor() {
            @Override
            public void put(int cf, byte[] buf, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) {
                seen.add(Arrays.copyOfRange(buf, keyOff, keyOff + keyLen));
                assertTrue(data.isValue(Arrays.copyOfRange(buf, valueOff, valueOff + valueLen), seen.size() - 1, 0));
            }

            @Override
            public void delete(int cf, byte[] buf, int keyOff, int keyLen) {
                throw new AssertionError("no deletes were encoded");
            }

            @Override
            public void deleteRange(int cf, byte[] buf, int startOff, int startLen, int endOff, int endLen) {
                throw new AssertionError("no range deletes were encoded");
            }
        }, null);
        assertEquals(ops, seen.size());
        for (int i = 0; i < ops; i++) {
            assertTrue(Arrays.equals(Data.key(i), seen.get(i)), "key " + i);
        }
        // The benchmark's visitor adds up offsets and lengths of every op: nonzero, and the same
        // on every call (it starts from zero).
        long sum = b.decode();
        assertTrue(sum > 0);
        assertEquals(sum, b.decode());
    }

    @Test
    void walAppendWritesReadableFramesAndKeepsOnlyTheCurrentSegment() throws Exception {
        WalAppendBenchmark b = new WalAppendBenchmark();
        b.segmentBytes = 64 << 10;
        b.setup();
        long written = 0;
        for (int i = 0; i < 2_000; i++) {
            long now = b.append();
            assertTrue(now > written, "bytesWritten grows with every frame");
            written = now;
        }
        // 2,000 frames of 156 bytes fill several 64 KiB segments; each sealed one was deleted.
        Path dir = Path.of("/strata-bench/wal");
        List<String> segments = b.storage().list(dir);
        assertEquals(1, segments.size(), segments.toString());
        assertTrue(b.storage().totalBytes() <= b.segmentBytes, "memory stays bounded by one segment");
        assertTrue(b.storage().pagesAllocated() <= 4, "rolled segments reuse pages, allocated "
                + b.storage().pagesAllocated());
        long expected;
        try (SegmentReader r = SegmentReader.open(b.storage(), dir.resolve(segments.get(0)), true)) {
            expected = r.header().firstSeqno();
            assertTrue(expected > 1, "the segment left is a later one");
            while (r.next()) {
                assertEquals(expected, CommitRecord.seqno(r.buffer(), r.payloadOffset()), "frames in seqno order");
                expected++;
            }
            assertEquals(-1, r.tornTailOffset(), "no torn frame");
        }
        assertEquals(b.lastSeqno() + 1, expected, "every frame of the segment is readable, up to the last appended");
        b.tearDown();
    }
}
