package dev.strata.engine.verify;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.util.CfKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The slot protocol on small private tables: publish only from the value loaded before the read,
 * never from an in-flight slot, never after a write or sweep came between; versions are tagged
 * per key so colliding keys with equal versions do not vouch for each other; sizes round up;
 * the process-wide size is fixed once the table exists.
 */
class VerificationTableTest {
    private static long h(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return CfKey.hash64(0, k, 0, k.length);
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    @Test
    void publishVerifyAndInvalidate() {
        VerificationTable t = new VerificationTable(64);
        long k = h("k");
        assertThat(t.verify(k, bits(1.0))).isFalse();
        long observed = t.observe(k);
        assertThat(t.publish(k, observed, bits(1.0))).isTrue();
        assertThat(t.verify(k, bits(1.0))).isTrue();
        assertThat(t.verify(k, bits(2.0))).isFalse();
        t.beginWrite(k);
        assertThat(t.verify(k, bits(1.0))).as("a write in flight").isFalse();
        long inFlight = t.observe(k);
        assertThat(VerificationTable.inFlight(inFlight)).isTrue();
        assertThat(t.publish(k, inFlight, bits(1.0))).as("never from an in-flight slot").isFalse();
        t.beginWrite(k); // a second writer on the slot
        t.endWrite(k);
        assertThat(VerificationTable.inFlight(t.observe(k))).as("one writer still in flight").isTrue();
        t.endWrite(k);
        long settled = t.observe(k);
        assertThat(VerificationTable.inFlight(settled)).isFalse();
        assertThat(t.verify(k, bits(1.0))).as("a finished write leaves no version").isFalse();
        assertThat(t.publish(k, settled, bits(2.0))).isTrue();
        assertThatThrownBy(() -> t.endWrite(k)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWriteBetweenTheLoadAndThePublishWins() {
        VerificationTable t = new VerificationTable(64);
        long k = h("k");
        long before = t.observe(k);
        t.beginWrite(k);
        t.endWrite(k);
        assertThat(t.publish(k, before, bits(1.0))).as("the read may be stale").isFalse();
        long again = t.observe(k);
        assertThat(again).isNotEqualTo(before);
        t.sweep();
        assertThat(t.publish(k, again, bits(1.0))).as("a sweep came between").isFalse();
        long afterSweep = t.observe(k);
        assertThat(t.publish(k, afterSweep, bits(3.0))).isTrue();
        t.sweep();
        assertThat(t.verify(k, bits(3.0))).as("a sweep drops every version").isFalse();
        t.beginWrite(k);
        t.sweep();
        assertThat(VerificationTable.inFlight(t.observe(k))).as("a sweep leaves writes in flight").isTrue();
        t.endWrite(k);
    }

    @Test
    void collidingKeysNeverVouchForEachOther() {
        VerificationTable t = new VerificationTable(1); // every key shares the one slot
        long a = h("a");
        long b = h("b");
        assertThat(t.publish(a, t.observe(a), bits(5.0))).isTrue();
        assertThat(t.verify(a, bits(5.0))).isTrue();
        assertThat(t.verify(b, bits(5.0))).as("same slot, same version, other key").isFalse();
        t.beginWrite(b);
        assertThat(t.verify(a, bits(5.0))).as("a write to a colliding key invalidates (a false miss)").isFalse();
        t.endWrite(b);
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void onlyPositiveVersionsAreCached() {
        VerificationTable t = new VerificationTable(8);
        long k = h("k");
        for (double v : new double[] {0.0, -1.0, -0.0, Double.NaN}) {
            assertThat(t.publish(k, t.observe(k), bits(v))).as("version %s", v).isFalse();
            assertThat(t.verify(k, bits(v))).isFalse();
        }
        assertThat(t.publish(k, t.observe(k), bits(Double.MIN_VALUE))).isTrue();
        assertThat(VerificationTable.encode(bits(Double.POSITIVE_INFINITY), k)).isNotZero();
    }

    @Test
    void aDisabledTableNeverVouches() {
        VerificationTable t = new VerificationTable(0);
        long k = h("k");
        assertThat(t.size()).isZero();
        assertThat(t.observe(k)).isZero();
        assertThat(t.publish(k, 0, bits(1.0))).isFalse();
        t.beginWrite(k);
        t.endWrite(k);
        t.sweep();
        assertThat(t.verify(k, bits(1.0))).isFalse();
        DatabaseVersions dv = new DatabaseVersions(t, cf -> true);
        assertThat(dv.enabled(0)).isFalse();
    }

    @Test
    void sizesRoundUpToPowersOfTwo() {
        assertThat(new VerificationTable(2).size()).isEqualTo(2);
        assertThat(new VerificationTable(3).size()).isEqualTo(4);
        assertThat(new VerificationTable(100).size()).isEqualTo(128);
        assertThat(new VerificationTable(VerificationTable.DEFAULT_SLOTS).size()).isEqualTo(131_072);
    }

    @Test
    void theProcessWideSizeIsFixedOnceInUse() {
        assertThatThrownBy(() -> VerificationTable.configure(-1)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> VerificationTable.configure((1 << 30) + 1)).isInstanceOf(InvalidArgumentException.class);
        VerificationTable g = VerificationTable.global();
        assertThat(VerificationTable.global()).isSameAs(g);
        VerificationTable.configure(g.size()); // unchanged: allowed
        assertThatThrownBy(() -> VerificationTable.configure(g.size() * 2))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("already in use");
    }
}
