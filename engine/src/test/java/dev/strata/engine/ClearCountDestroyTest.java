package dev.strata.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** clear() returns what it removed, count() is exact, estimatedCount() bounds it, destroy() removes a closed database. */
class ClearCountDestroyTest {
    @TempDir
    Path dir;

    @Test
    void countIsExactAndClearRemovesEverything() {
        StrataOptions o = StrataOptions.defaults().memtableSize(8 << 10).durability(Durability.ASYNC);
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            for (int i = 0; i < 1000; i++) {
                db.put(String.format("k%04d", i).getBytes(), new byte[20]);
            }
            db.put(new byte[]{(byte) 0xFF, (byte) 0xFF}, new byte[1]);
            db.remove("k0005".getBytes());
            assertThat(db.count(RangeOptions.all())).isEqualTo(1000);
            assertThat(db.count(new RangeOptions().start("k0100".getBytes()).end("k0200".getBytes()))).isEqualTo(100);
            assertThat(db.count(RangeOptions.prefix("k09".getBytes()))).isEqualTo(100);
            assertThat(db.estimatedCount()).isGreaterThanOrEqualTo(1000);
            assertThat(db.clear()).isEqualTo(1000);
            assertThat(db.count(RangeOptions.all())).isZero();
            assertThat(db.get(new byte[]{(byte) 0xFF, (byte) 0xFF})).isNull();
            assertThat(db.clear()).isZero();
            db.put("after".getBytes(), "x".getBytes());
        }
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            assertThat(db.count(RangeOptions.all())).isEqualTo(1);
        }
    }

    @Test
    void destroyRemovesAClosedDatabaseAndRefusesAnOpenOne() {
        Path d = dir.resolve("db");
        StrataDatabase db = StrataDatabase.open(d, StrataOptions.defaults().memtableSize(8 << 10));
        for (int i = 0; i < 500; i++) {
            db.put(("k" + i).getBytes(), new byte[50]);
        }
        db.flush();
        assertThatThrownBy(() -> StrataDatabase.destroy(d)).isInstanceOf(DatabaseLockedException.class);
        db.close();
        StrataDatabase.destroy(d);
        assertThat(Files.exists(d)).isFalse();
        StrataDatabase.destroy(d); // nothing there: a no-op
    }
}
