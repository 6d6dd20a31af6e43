package dev.strata.engine.wal;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.CrashTesting;
import dev.strata.engine.Fuzzing;
import dev.strata.engine.memtable.Memtable;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.MemStorage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Fuzzing of the WAL decoders (DESIGN.md D3): segment header ({@link SegmentHeader}), frames
 * ({@link SegmentReader}), commit records ({@link CommitRecord}) and their apply to a memtable, all
 * as recovery runs them ({@link WalRecovery#replay}) over a two-segment WAL in memory, one segment
 * of which is damaged per case:
 * random bytes changed, cut or grown, a frame's length set to a hostile value, a record's payload
 * changed with its checksum recomputed (so the commit record decoder and the memtable see it), a
 * header rewritten with a valid checksum, or the file replaced by random bytes. Each case must
 * recover or raise a {@link CorruptionException} naming one of the segments and an offset inside
 * it, within the {@link Fuzzing} bounds. CI: 20,000 cases; soak: 1,000,000.
 */
class WalFuzzTest {
    private static final Path WAL = Path.of("/db/wal");
    private static final int RECORDS_PER_SEGMENT = 20;

    /** The base WAL and where its frames are: segment number to frame offsets. */
    private record Base(MemStorage storage, int[] salts, List<List<Integer>> frames) {
    }

    @Test
    void damagedSegmentsRecoverOrFailTypedWithinBounds() {
        Fuzzing fuzz = new Fuzzing("WalFuzzTest");
        int cases = CrashTesting.scaled(20_000, 1_000_000);
        Base base = buildBase(new Random(42));
        byte[][] good = {base.storage().bytes(seg(1)), base.storage().bytes(seg(2))};
        assertTimeoutPreemptively(Duration.ofMinutes(CrashTesting.scaled(3, 120)), () -> {
            Random r = fuzz.random();
            for (int i = 0; i < cases; i++) {
                int victim = r.nextInt(2);
                byte[] b = good[victim].clone();
                int kind = r.nextInt(7);
                b = mutate(r, kind, b, base.salts()[victim], base.frames().get(victim));
                MemStorage storage = new MemStorage();
                storage.replace(seg(1), victim == 0 ? b : good[0].clone());
                storage.replace(seg(2), victim == 1 ? b : good[1].clone());
                boolean writable = r.nextBoolean();
                int size = b.length;
                fuzz.check("segment " + (victim + 1) + ", mutation " + kind, size, () -> replay(storage, writable),
                        e -> e instanceof CorruptionException c && c.file().getParent().equals(WAL)
                                && storage.exists(c.file()) && c.offset() >= 0 && c.offset() <= storage.size(c.file()));
            }
        });
        System.out.println(fuzz.summary());
        assertThat(fuzz.failures()).as(fuzz.summary()).isEmpty();
        assertThat(fuzz.rejected()).as("damage is found").isGreaterThan(cases / 4);
    }

    private static Path seg(long n) {
        return WAL.resolve(WalFormat.fileName(n));
    }

    /**
     * Recovery as an open runs it: every record decoded and its ops applied to a memtable (one
     * memtable for every column family: the fuzzing is of the decoding, not of the routing).
     */
    private static void replay(MemStorage storage, boolean writable) throws Exception {
        Memtable memtable = new Memtable();
        long[] current = new long[1];
        CommitRecord.OpVisitor apply = new CommitRecord.OpVisitor() {
            @Override
            public void put(int cf, byte[] buf, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) {
                memtable.put(java.util.Arrays.copyOfRange(buf, keyOff, keyOff + keyLen),
                        java.util.Arrays.copyOfRange(buf, valueOff, valueOff + valueLen), current[0], expiresAt);
            }

            @Override
            public void delete(int cf, byte[] buf, int keyOff, int keyLen) {
                memtable.delete(java.util.Arrays.copyOfRange(buf, keyOff, keyOff + keyLen), current[0]);
            }

            @Override
            public void deleteRange(int cf, byte[] buf, int startOff, int startLen, int endOff, int endLen) {
                memtable.deleteRange(java.util.Arrays.copyOfRange(buf, startOff, startOff + startLen),
                        java.util.Arrays.copyOfRange(buf, endOff, endOff + endLen), current[0]);
            }
        };
        WalRecovery.replay(storage, WAL, 0, writable, (buf, off, len, seqno, ts) -> {
            current[0] = seqno;
            CommitRecord.decode(buf, off, len, apply, (nb, nOff, nLen, dOff, dLen) -> { });
        });
    }

    private static byte[] mutate(Random r, int kind, byte[] b, int salt, List<Integer> frames) {
        int frame = frames.get(r.nextInt(frames.size()));
        int payloadLen = Bytes.getInt(b, frame + 4);
        switch (kind) {
            case 0 -> Fuzzing.scribble(r, b, 0, b.length);
            case 1 -> {
                return Fuzzing.resize(r, b);
            }
            case 2 -> {
                Bytes.putInt(b, frame + 4, Fuzzing.hostileLength(r, b.length));
                if (r.nextBoolean()) {
                    refreshCrc(b, frame, salt);
                }
            }
            case 3 -> {
                // A payload changed with a valid checksum: only the record decoder can tell.
                Fuzzing.scribble(r, b, frame + WalFormat.FRAME_HEADER_SIZE + 16,
                        frame + WalFormat.FRAME_HEADER_SIZE + payloadLen);
                if (r.nextInt(3) == 0) {
                    Bytes.putInt(b, frame + WalFormat.FRAME_HEADER_SIZE + 16, Fuzzing.hostileLength(r, payloadLen));
                }
                refreshCrc(b, frame, salt);
            }
            case 4 -> {
                // The durable field or the seqno changed, checksum valid: continuity and torn-tail rules.
                int at = r.nextBoolean() ? frame + 8 : frame + WalFormat.FRAME_HEADER_SIZE;
                Bytes.putLong(b, at, Bytes.getLong(b, at) + (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(40)));
                refreshCrc(b, frame, salt);
            }
            case 5 -> {
                byte[] h = new SegmentHeader(r.nextInt(4) == 0 ? r.nextInt(3) : WalFormat.VERSION, salt,
                        r.nextInt(4), r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(60), r.nextInt(3)).encode();
                System.arraycopy(h, 0, b, 0, h.length);
            }
            default -> {
                byte[] junk = new byte[r.nextInt(2 * b.length + 1)];
                r.nextBytes(junk);
                return junk;
            }
        }
        return b;
    }

    /** Recomputes the frame's checksum after a change, as a writer would have. */
    private static void refreshCrc(byte[] b, int frame, int salt) {
        int len = Bytes.getInt(b, frame + 4);
        if (len < 0 || (long) frame + WalFormat.FRAME_HEADER_SIZE + len > b.length) {
            return; // the length itself is hostile: nothing to cover
        }
        Bytes.putInt(b, frame, WalFormat.frameCrc(new CRC32C(), salt, b, frame, len));
    }

    /**
     * Two segments of 20 records each (puts, deletes, delete-ranges, TTL puts, batches, log
     * entries), the first sealed by a roll, written by {@link WalWriter} into memory.
     */
    private static Base buildBase(Random r) {
        MemStorage storage = new MemStorage();
        List<List<Integer>> frames = new ArrayList<>();
        int[] salts = new int[2];
        try {
            WalWriter w = WalWriter.create(storage, WAL, 1, 1, 1 << 20, Map.of(), false);
            long seqno = 1;
            for (int s = 0; s < 2; s++) {
                List<Integer> offsets = new ArrayList<>();
                long at = w.segmentSize();
                byte[] buf = new byte[64 << 10];
                int p = 0;
                for (int i = 0; i < RECORDS_PER_SEGMENT; i++) {
                    offsets.add((int) (at + p));
                    p = frame(r, buf, p, seqno + i);
                }
                w.writeFrames(buf, 0, p, seqno, seqno - 1);
                w.force();
                seqno += RECORDS_PER_SEGMENT;
                frames.add(offsets);
                if (s == 0) {
                    w.roll(seqno);
                }
            }
            for (int s = 0; s < 2; s++) {
                salts[s] = Bytes.getInt(storage.bytes(seg(s + 1)), 12);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(frames.get(1)).hasSize(RECORDS_PER_SEGMENT);
        return new Base(storage, salts, frames);
    }

    /** Frames one random commit record at {@code p}; returns the offset after it. */
    private static int frame(Random r, byte[] buf, int p, long seqno) {
        int at = p + WalFormat.FRAME_HEADER_SIZE + CommitRecord.PAYLOAD_HEADER_SIZE;
        int ops = 1 + r.nextInt(4);
        for (int i = 0; i < ops; i++) {
            byte[] k = String.format("key%02d", r.nextInt(50)).getBytes(StandardCharsets.US_ASCII);
            byte[] v = new byte[r.nextInt(40)];
            r.nextBytes(v);
            int type = new int[] {CommitRecord.PUT, CommitRecord.PUT_TTL, CommitRecord.DELETE, CommitRecord.DELETE_RANGE}[r.nextInt(4)];
            byte[] second = switch (type) {
                case CommitRecord.DELETE -> null;
                case CommitRecord.DELETE_RANGE -> String.format("key%02d", 50 + r.nextInt(50)).getBytes(StandardCharsets.US_ASCII);
                default -> v;
            };
            at = CommitRecord.encodeOp(buf, at, type, 0, k, second, 1_000_000L + r.nextInt(1000));
        }
        int logs = r.nextInt(2);
        for (int i = 0; i < logs; i++) {
            at = Bytes.putVarLong(buf, at, 5);
            System.arraycopy("audit".getBytes(StandardCharsets.US_ASCII), 0, buf, at, 5);
            at = Bytes.putVarLong(buf, at + 5, 3);
            at += 3;
        }
        int payloadLen = at - p - WalFormat.FRAME_HEADER_SIZE;
        Bytes.putInt(buf, p + 4, payloadLen);
        CommitRecord.encodeHeader(buf, p + WalFormat.FRAME_HEADER_SIZE, seqno, 1000 + seqno, ops, logs);
        return at;
    }
}
