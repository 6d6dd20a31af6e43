package dev.strata.engine.txn;

import dev.strata.engine.util.ByteReader;
import dev.strata.engine.wal.CommitRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.strata.engine.TestUtil.b;
import static dev.strata.engine.TestUtil.s;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write overlay on its own, across column families (the public API reaches only the default
 * one so far): last write wins, a removed range hides earlier writes but not later ones, an
 * expired put reads as removed, the single-write fields turn into a map without losing anything,
 * and the encoding is exactly the ops that give the same state, with the size announced.
 */
class WriteOverlayTest {
    /** The encoded ops as readable lines. */
    private static List<String> decode(WriteOverlay o) throws ByteReader.Malformed {
        byte[] out = new byte[(int) o.encodedBytes() + 7]; // a larger buffer is fine (the scratch case)
        o.encode(out);
        List<String> ops = new ArrayList<>();
        CommitRecord.decodeOps(out, 0, (int) o.encodedBytes(), o.opCount(), new CommitRecord.OpVisitor() {
            @Override
            public void put(int cf, byte[] buf, int keyOff, int keyLen, int valueOff, int valueLen, long expiresAt) {
                ops.add(cf + " put " + s(Arrays.copyOfRange(buf, keyOff, keyOff + keyLen)) + "="
                        + s(Arrays.copyOfRange(buf, valueOff, valueOff + valueLen)) + (expiresAt != 0 ? " @" + expiresAt : ""));
            }

            @Override
            public void delete(int cf, byte[] buf, int keyOff, int keyLen) {
                ops.add(cf + " remove " + s(Arrays.copyOfRange(buf, keyOff, keyOff + keyLen)));
            }

            @Override
            public void deleteRange(int cf, byte[] buf, int startOff, int startLen, int endOff, int endLen) {
                ops.add(cf + " range " + s(Arrays.copyOfRange(buf, startOff, startOff + startLen)) + ".."
                        + s(Arrays.copyOfRange(buf, endOff, endOff + endLen)));
            }
        });
        return ops;
    }

    @Test
    void writesAcrossFamiliesEncodeToTheirFinalEffect() throws Exception {
        WriteOverlay o = new WriteOverlay();
        assertThat(o.isEmpty()).isTrue();
        assertThat(o.lookup(0, b("a"), 0)).isNull();
        o.put(0, b("a"), b("1"), 0);
        o.put(0, b("a"), b("2"), 0);            // the single write, replaced
        assertThat(s((byte[]) o.lookup(0, b("a"), 0))).isEqualTo("2");
        assertThat(o.lookup(0, b("b"), 0)).isNull();
        o.put(3, b("x"), b("cf3"), 0);          // a second family
        o.put(5, b("y"), b("cf5"), 500);        // a third, with an expiry
        o.remove(3, b("z"));
        o.put(0, b("c"), b("3"), 0);            // the default family turns into a map
        o.deleteRange(0, b("b"), b("d"));       // hides c, keeps a
        o.put(0, b("cc"), b("4"), 0);           // written after the range: kept
        assertThat(o.opCount()).isEqualTo(6);
        assertThat(o.lookup(0, b("c"), 0)).isSameAs(WriteOverlay.REMOVED);
        assertThat(o.lookup(0, b("bb"), 0)).as("never written, but in a removed range").isSameAs(WriteOverlay.REMOVED);
        assertThat(s((byte[]) o.lookup(0, b("cc"), 0))).isEqualTo("4");
        assertThat(s((byte[]) o.lookup(5, b("y"), 499))).isEqualTo("cf5");
        assertThat(o.lookup(5, b("y"), 500)).as("expired").isSameAs(WriteOverlay.REMOVED);
        assertThat(o.lookup(3, b("z"), 0)).isSameAs(WriteOverlay.REMOVED);
        assertThat(o.lookup(7, b("x"), 0)).isNull();
        assertThat(o.existing(5).rangeRemoved(b("y"))).isFalse();
        assertThat(decode(o)).containsExactly("0 range b..d", "0 put a=2", "0 put cc=4", "3 put x=cf3", "3 remove z",
                "5 put y=cf5 @500");
        List<String> keys = new ArrayList<>();
        o.forEachKey((cf, key) -> keys.add(cf + ":" + s(key)));
        assertThat(keys).containsExactly("0:a", "0:cc", "3:x", "3:z", "5:y");
    }

    @Test
    void aRangeOverTheSingleWriteRemovesIt() throws Exception {
        WriteOverlay o = new WriteOverlay();
        o.put(0, b("k"), b("v"), 0);
        o.deleteRange(0, b("a"), b("z"));
        assertThat(o.lookup(0, b("k"), 0)).isSameAs(WriteOverlay.REMOVED);
        assertThat(decode(o)).containsExactly("0 range a..z");
        assertThat(o.encodedBytes()).isEqualTo(CommitRecord.opSize(0, 1, 1, false));
    }
}
