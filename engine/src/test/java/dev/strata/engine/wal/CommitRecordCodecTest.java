package dev.strata.engine.wal;

import dev.strata.engine.Fuzzing;
import dev.strata.engine.TestSeeds;
import dev.strata.engine.util.ByteReader;
import dev.strata.engine.util.Bytes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The commit record codec: every op type and log entries round-trip, and a fuzzer ({@link Fuzzing})
 * feeds the decoder random bytes and mutations of valid records (flipped and set bytes, hostile
 * 32-bit counts, cuts): it only ever answers with the records' ops or with
 * {@link ByteReader.Malformed} naming an offset inside the payload, never another exception, and
 * never allocates from a length it did not check. {@code WalFuzzTest} feeds it through recovery.
 */
class CommitRecordCodecTest {

    /** Builds a payload with one op of each kind and two log entries. */
    static byte[] sample() {
        byte[] k = "key".getBytes();
        byte[] v = "value".getBytes();
        byte[] buf = new byte[512];
        int p = CommitRecord.PAYLOAD_HEADER_SIZE;
        p = CommitRecord.encodeOp(buf, p, CommitRecord.PUT, 0, k, v, 0);
        p = CommitRecord.encodeOp(buf, p, CommitRecord.PUT_TTL, 3, k, v, 123456789L);
        p = CommitRecord.encodeOp(buf, p, CommitRecord.DELETE, 1, k, null, 0);
        p = CommitRecord.encodeOp(buf, p, CommitRecord.DELETE_RANGE, 0, "a".getBytes(), "z".getBytes(), 0);
        buf[p++] = (byte) CommitRecord.CF_CREATE;
        p = Bytes.putVarLong(buf, p, 7);
        byte[] name = "users".getBytes(StandardCharsets.UTF_8);
        p = Bytes.putVarLong(buf, p, name.length);
        System.arraycopy(name, 0, buf, p, name.length);
        p += name.length;
        buf[p++] = (byte) CommitRecord.CF_DROP;
        p = Bytes.putVarLong(buf, p, 7);
        for (String log : new String[]{"audit", "events"}) {
            byte[] n = log.getBytes();
            p = Bytes.putVarLong(buf, p, n.length);
            System.arraycopy(n, 0, buf, p, n.length);
            p += n.length;
            p = Bytes.putVarLong(buf, p, 2);
            buf[p++] = 1;
            buf[p++] = 2;
        }
        CommitRecord.encodeHeader(buf, 0, 42, 1000, 6, 2);
        return Arrays.copyOf(buf, p);
    }

    static final class Recorder implements CommitRecord.OpVisitor, CommitRecord.LogEntryVisitor {
        final List<String> seen = new ArrayList<>();

        @Override
        public void put(int cf, byte[] buf, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) {
            seen.add("put " + cf + " " + new String(buf, keyOff, keyLen) + "=" + new String(buf, valueOff, valueLen) + " " + expiresAt);
        }

        @Override
        public void delete(int cf, byte[] buf, int keyOff, int keyLen) {
            seen.add("delete " + cf + " " + new String(buf, keyOff, keyLen));
        }

        @Override
        public void deleteRange(int cf, byte[] buf, int startOff, int startLen, int endOff, int endLen) {
            seen.add("deleteRange " + cf + " " + new String(buf, startOff, startLen) + ".." + new String(buf, endOff, endLen));
        }

        @Override
        public void createColumnFamily(int cf, String name) {
            seen.add("create " + cf + " " + name);
        }

        @Override
        public void dropColumnFamily(int cf) {
            seen.add("drop " + cf);
        }

        @Override
        public void entry(byte[] buf, int nameOff, int nameLen, int dataOff, int dataLen) {
            seen.add("log " + new String(buf, nameOff, nameLen) + " " + dataLen);
        }
    }

    @Test
    void everyOpTypeAndLogEntriesRoundTrip() throws ByteReader.Malformed {
        byte[] p = sample();
        Recorder r = new Recorder();
        CommitRecord.decode(p, 0, p.length, r, r);
        assertThat(CommitRecord.seqno(p, 0)).isEqualTo(42);
        assertThat(CommitRecord.timestamp(p, 0)).isEqualTo(1000);
        assertThat(r.seen).containsExactly("put 0 key=value 0", "put 3 key=value 123456789", "delete 1 key",
                "deleteRange 0 a..z", "create 7 users", "drop 7", "log audit 2", "log events 2");
        CommitRecord.decode(p, 0, p.length, null, null); // visitors are optional
    }

    @Test
    void malformedRecordsAreTyped() {
        byte[] p = sample();
        assertThatThrownBy(() -> CommitRecord.decode(p, 0, p.length - 1, null, null)).isInstanceOf(ByteReader.Malformed.class);
        byte[] extra = Arrays.copyOf(p, p.length + 1);
        assertThatThrownBy(() -> CommitRecord.decode(extra, 0, extra.length, null, null))
                .isInstanceOf(ByteReader.Malformed.class).hasMessageContaining("unexpected bytes");
        byte[] badType = p.clone();
        badType[CommitRecord.PAYLOAD_HEADER_SIZE] = 99;
        assertThatThrownBy(() -> CommitRecord.decode(badType, 0, badType.length, null, null))
                .isInstanceOf(ByteReader.Malformed.class).hasMessageContaining("unknown op type");
        byte[] hugeCount = p.clone();
        Bytes.putInt(hugeCount, 16, Integer.MAX_VALUE);
        assertThatThrownBy(() -> CommitRecord.decode(hugeCount, 0, hugeCount.length, null, null))
                .isInstanceOf(ByteReader.Malformed.class).hasMessageContaining("impossible op count");
        byte[] longVarint = new byte[CommitRecord.PAYLOAD_HEADER_SIZE + 12];
        CommitRecord.encodeHeader(longVarint, 0, 1, 1, 1, 0);
        longVarint[CommitRecord.PAYLOAD_HEADER_SIZE] = CommitRecord.PUT;
        Arrays.fill(longVarint, CommitRecord.PAYLOAD_HEADER_SIZE + 1, longVarint.length, (byte) 0xFF);
        assertThatThrownBy(() -> CommitRecord.decode(longVarint, 0, longVarint.length, null, null))
                .isInstanceOf(ByteReader.Malformed.class);
    }

    @Test
    void fuzzedPayloadsOnlyEverDecodeOrFailTyped() {
        Fuzzing fuzz = new Fuzzing("CommitRecordCodecTest");
        Random r = fuzz.random();
        byte[] base = sample();
        int cases = TestSeeds.scaled(50_000, 2_000_000);
        for (int i = 0; i < cases; i++) {
            byte[] p;
            if (i % 4 == 0) {
                p = new byte[r.nextInt(200)];
                r.nextBytes(p);
            } else {
                p = base.clone();
                for (int m = 1 + r.nextInt(4); m > 0; m--) {
                    int at = r.nextInt(p.length);
                    switch (r.nextInt(4)) {
                        case 0 -> p[at] ^= (byte) (1 << r.nextInt(8));
                        case 1 -> p[at] = (byte) r.nextInt(256);
                        case 2 -> Bytes.putInt(p, Math.min(at, p.length - 4), Fuzzing.hostileLength(r, p.length));
                        default -> p = Arrays.copyOf(p, at);
                    }
                    if (p.length < 4) {
                        break;
                    }
                }
            }
            byte[] payload = p;
            fuzz.check("payload of " + p.length + " bytes", p.length, () -> {
                Recorder rec = new Recorder();
                CommitRecord.decode(payload, 0, payload.length, rec, rec);
            }, e -> e instanceof ByteReader.Malformed m && m.offset >= 0 && m.offset <= payload.length);
        }
        System.out.println(fuzz.summary());
        assertThat(fuzz.failures()).as(fuzz.summary()).isEmpty();
        assertThat(fuzz.rejected()).isGreaterThan(0).isLessThan(cases);
    }

    @Test
    void segmentFileNamesParseStrictly() {
        assertThat(WalFormat.parseFileName(WalFormat.fileName(12))).isEqualTo(12);
        assertThat(WalFormat.parseFileName("00000000000000000012.sst")).isEqualTo(-1);
        assertThat(WalFormat.parseFileName("12.wal")).isEqualTo(-1);
        assertThat(WalFormat.parseFileName("0000000000000000001x.wal")).isEqualTo(-1);
    }
}
