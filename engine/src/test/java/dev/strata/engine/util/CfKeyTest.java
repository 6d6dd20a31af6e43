package dev.strata.engine.util;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Equality by family and key bytes; one hash for arrays and slices; display. */
class CfKeyTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void equalByFamilyAndBytes() {
        CfKey a = new CfKey(0, b("key"));
        assertThat(a).isEqualTo(new CfKey(0, b("key"))).hasSameHashCodeAs(new CfKey(0, b("key")));
        assertThat(a).isNotEqualTo(new CfKey(1, b("key")));
        assertThat(a).isNotEqualTo(new CfKey(0, b("kez")));
        assertThat(a).isNotEqualTo(new CfKey(0, b("ke")));
        assertThat(a).isNotEqualTo("key");
        assertThat(a.cf()).isZero();
        assertThat(a.key()).isEqualTo(b("key"));
        Set<CfKey> set = new HashSet<>();
        set.add(a);
        set.add(new CfKey(0, b("key")));
        set.add(new CfKey(2, b("key")));
        assertThat(set).hasSize(2);
    }

    @Test
    void aSliceHashesAsTheSameKeyInItsOwnArray() {
        byte[] record = b("xxkeyyy");
        assertThat(CfKey.hash64(3, record, 2, 3)).isEqualTo(CfKey.hash64(3, b("key"), 0, 3));
        assertThat(CfKey.hash64(3, b("key"), 0, 3)).isNotEqualTo(CfKey.hash64(4, b("key"), 0, 3));
        assertThat(CfKey.hash64(0, b(""), 0, 0)).isNotEqualTo(CfKey.hash64(0, new byte[1], 0, 1));
        assertThat(new CfKey(3, b("key")).hashCode()).isEqualTo((int) CfKey.hash64(3, record, 2, 3));
        assertThat(CfKey.mix64(0)).isZero();
        assertThat(CfKey.mix64(1)).isNotEqualTo(CfKey.mix64(2));
    }

    @Test
    void displaysTheFamilyWhenNotTheDefault() {
        assertThat(new CfKey(0, b("k"))).hasToString("k");
        assertThat(new CfKey(5, b("k"))).hasToString("cf5:k");
    }
}
