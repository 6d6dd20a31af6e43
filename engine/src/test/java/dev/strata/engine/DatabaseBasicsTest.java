package dev.strata.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseBasicsTest {
    @TempDir
    Path dir;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static List<String> keys(StrataDatabase db, RangeOptions o) {
        try (var stream = db.stream(o)) {
            return stream.map(kv -> s(kv.key())).collect(Collectors.toList());
        }
    }

    @Test
    void putGetRemoveAndSeqnos() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            CommitResult r1 = db.put(b("a"), b("1"));
            CommitResult r2 = db.put(b("b"), b("2"));
            assertThat(r2.seqno()).isEqualTo(r1.seqno() + 1);
            assertThat(r2.timestamp()).isGreaterThanOrEqualTo(r1.timestamp());
            assertThat(s(db.get(b("a")))).isEqualTo("1");
            db.put(b("a"), b("1b"));
            assertThat(s(db.get(b("a")))).isEqualTo("1b");
            db.remove(b("a"));
            assertThat(db.get(b("a"))).isNull();
            assertThat(db.get(b("missing"))).isNull();
            assertThat(db.latestSeqno()).isEqualTo(4);
        }
    }

    @Test
    void createsMissingDirectoryAndParents() {
        Path nested = dir.resolve("x/y/z");
        try (StrataDatabase db = StrataDatabase.open(nested)) {
            db.put(b("k"), b("v"));
        }
        assertThat(Files.isDirectory(nested.resolve("wal"))).isTrue();
    }

    @Test
    void emptyKeysAndValuesAreAllowed() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            db.put(new byte[0], new byte[0]);
            assertThat(db.get(new byte[0])).isEmpty();
        }
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(db.get(new byte[0])).isEmpty();
        }
    }

    @Test
    void keysOrderUnsigned() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            db.put(new byte[]{(byte) 0x80}, b("high"));
            db.put(new byte[]{0x01}, b("low"));
            try (var it = db.iterator(RangeOptions.all())) {
                assertThat(it.next().key()).containsExactly(0x01);
                assertThat(it.next().key()).containsExactly((byte) 0x80);
                assertThat(it.hasNext()).isFalse();
            }
        }
    }

    @Test
    void deleteRangeRemovesHalfOpenRange() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            for (String k : List.of("a", "b", "c", "d")) {
                db.put(b(k), b(k));
            }
            db.deleteRange(b("b"), b("d"));
            assertThat(keys(db, RangeOptions.all())).containsExactly("a", "d");
            db.put(b("c"), b("again"));
            assertThat(keys(db, RangeOptions.all())).containsExactly("a", "c", "d");
            assertThat(s(db.get(b("c")))).isEqualTo("again");
            assertThat(db.get(b("b"))).isNull();
        }
    }

    @Test
    void batchIsAtomicAndLaterOpWins() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            db.put(b("k3"), b("old"));
            WriteBatch batch = new WriteBatch().put(b("k1"), b("v1")).put(b("k2"), b("v2")).remove(b("k1"))
                    .put(b("k4"), b("doomed")).deleteRange(b("k3"), b("k5")).put(b("k3"), b("new"));
            CommitResult r = db.write(batch);
            assertThat(r.seqno()).isEqualTo(2);
            assertThat(keys(db, RangeOptions.all())).containsExactly("k2", "k3");
            assertThat(s(db.get(b("k3")))).isEqualTo("new");
            assertThat(db.get(b("k4"))).isNull();
        }
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(keys(db, RangeOptions.all())).containsExactly("k2", "k3");
            assertThat(db.get(b("k4"))).isNull();
        }
    }

    @Test
    void rangeBoundsReverseLimitKeysOnly() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            for (String k : List.of("a", "b", "c", "d", "e")) {
                db.put(b(k), b("v" + k));
            }
            assertThat(keys(db, new RangeOptions().start(b("b")).end(b("d")))).containsExactly("b", "c");
            assertThat(keys(db, new RangeOptions().start(b("b"), false).end(b("d"), true))).containsExactly("c", "d");
            assertThat(keys(db, new RangeOptions().start(b("b")).end(b("d"), true).reverse(true))).containsExactly("d", "c", "b");
            assertThat(keys(db, new RangeOptions().reverse(true).limit(2))).containsExactly("e", "d");
            assertThat(keys(db, new RangeOptions().start(b("bb")).end(b("c"), false))).isEmpty();
            assertThat(keys(db, new RangeOptions().start(b("b"), false).end(b("e"), false).reverse(true))).containsExactly("d", "c");
            assertThat(keys(db, new RangeOptions().limit(0))).isEmpty();
            try (var it = db.iterator(new RangeOptions().keysOnly(true))) {
                KeyValue kv = it.next();
                assertThat(s(kv.key())).isEqualTo("a");
                assertThat(kv.value()).isNull();
            }
            db.put(b("p\u0001"), b("x"));
            db.put(b("p\u00ff"), b("y"));
            db.put(b("q"), b("z"));
            assertThat(keys(db, RangeOptions.prefix(b("p")))).containsExactly("p\u0001", "p\u00ff");
        }
    }

    @Test
    void snapshotsSeeExactlyEarlierCommits() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            db.put(b("k"), b("1"));
            try (Snapshot snap = db.snapshot()) {
                db.put(b("k"), b("2"));
                db.put(b("other"), b("x"));
                db.deleteRange(b("a"), b("z"));
                assertThat(s(db.get(b("k"), snap))).isEqualTo("1");
                assertThat(db.get(b("other"), snap)).isNull();
                assertThat(keys(db, new RangeOptions().snapshot(snap))).containsExactly("k");
                assertThat(db.get(b("k"))).isNull();
            }
        }
    }

    @Test
    void iteratorKeepsItsSnapshotWhileWritersGoOn() {
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults().durability(Durability.ASYNC))) {
            for (int i = 0; i < 100; i++) {
                db.put(b(String.format("k%03d", i)), b("v"));
            }
            try (var it = db.iterator(RangeOptions.all())) {
                int n = 0;
                while (it.hasNext()) {
                    it.next();
                    if (n % 10 == 0) {
                        db.put(b(String.format("k%03d5", n)), b("new"));
                        db.remove(b(String.format("k%03d", n + 1)));
                    }
                    n++;
                }
                assertThat(n).isEqualTo(100);
            }
        }
    }

    @Test
    void oversizedKeysAndValuesAreRejectedWithInvalidArgument() {
        StrataOptions o = StrataOptions.defaults().maxKeySize(8).maxValueSize(16);
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            assertThatThrownBy(() -> db.put(new byte[9], new byte[1]))
                    .isInstanceOf(InvalidArgumentException.class)
                    .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
            assertThatThrownBy(() -> db.put(new byte[1], new byte[17])).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> db.write(new WriteBatch().put(new byte[9], new byte[0])))
                    .isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> db.put(null, new byte[0])).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> db.deleteRange(b("z"), b("a"))).isInstanceOf(InvalidArgumentException.class);
            assertThat(db.latestSeqno()).isZero();
            db.put(new byte[8], new byte[16]);
            assertThat(db.latestSeqno()).isEqualTo(1);
        }
        assertThatThrownBy(() -> StrataDatabase.open(dir, StrataOptions.defaults().walSegmentSize(10)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("walSegmentSize");
    }

    @Test
    void secondWriterGetsLockedError() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThatThrownBy(() -> StrataDatabase.open(dir))
                    .isInstanceOf(DatabaseLockedException.class)
                    .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.LOCKED));
            db.put(b("k"), b("v"));
        }
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(s(db.get(b("k")))).isEqualTo("v");
        }
    }

    @Test
    void useAfterCloseThrowsClosedAndCloseIsIdempotent() {
        StrataDatabase db = StrataDatabase.open(dir);
        db.put(b("k"), b("v"));
        db.close();
        db.close();
        assertThat(db.isClosed()).isTrue();
        assertThatThrownBy(() -> db.get(b("k"))).isInstanceOf(ClosedException.class);
        assertThatThrownBy(() -> db.put(b("k"), b("v"))).isInstanceOf(ClosedException.class);
        assertThatThrownBy(db::snapshot).isInstanceOf(ClosedException.class);
        assertThatThrownBy(() -> db.iterator(RangeOptions.all())).isInstanceOf(ClosedException.class);
        assertThatThrownBy(() -> db.putAsync(b("k"), b("v")).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(ClosedException.class);
    }

    @Test
    void closeInvalidatesOpenHandlesAndCountsThem() {
        StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults().trackHandleOrigins(true));
        db.put(b("a"), b("1"));
        db.put(b("b"), b("2"));
        var it = db.iterator(RangeOptions.all());
        Snapshot snap = db.snapshot();
        var closedIt = db.iterator(RangeOptions.all());
        closedIt.close();
        assertThat(db.handleStatus().openIterators()).isEqualTo(1);
        assertThat(db.handleStatus().openSnapshots()).isEqualTo(1);
        assertThat(s(it.next().key())).isEqualTo("a");
        db.close();
        assertThat(db.handleStatus().leakedAtClose()).isEqualTo(2);
        assertThat(db.handleStatus().openIterators()).isZero();
        assertThatThrownBy(it::hasNext).isInstanceOf(ClosedException.class);
        assertThatThrownBy(it::next).isInstanceOf(ClosedException.class);
        assertThat(snap.isOpen()).isFalse();
        assertThatThrownBy(closedIt::hasNext).isInstanceOf(ClosedException.class);
        it.close();
        snap.close();
    }

    @Test
    void asyncVariantsComplete() throws Exception {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            CommitResult r = db.putAsync(b("k"), b("v")).get();
            assertThat(r.seqno()).isEqualTo(1);
            assertThat(s(db.getAsync(b("k")).get())).isEqualTo("v");
            assertThat(db.writeAsync(new WriteBatch().put(b("x"), b("y"))).get().seqno()).isEqualTo(2);
            assertThat(db.removeAsync(b("k")).get().seqno()).isEqualTo(3);
            assertThat(db.deleteRangeAsync(b("a"), b("z")).get().seqno()).isEqualTo(4);
            assertThat(db.getAsync(b("x")).get()).isNull();
        }
    }

    @Test
    void everyDurabilityModeSurvivesCleanClose() {
        for (Durability mode : Durability.values()) {
            Path d = dir.resolve(mode.name());
            StrataOptions o = StrataOptions.defaults().durability(mode);
            try (StrataDatabase db = StrataDatabase.open(d, o)) {
                for (int i = 0; i < 50; i++) {
                    db.put(b("k" + i), b("v" + i));
                }
                db.write(new WriteBatch());
                db.deleteRange(b("k1"), b("k2"));
                db.remove(b("k3"));
            }
            for (int round = 0; round < 2; round++) {
                try (StrataDatabase db = StrataDatabase.open(d, o)) {
                    assertThat(db.latestSeqno()).as(mode.name()).isEqualTo(53 + round);
                    assertThat(s(db.get(b("k0")))).isEqualTo("v0");
                    assertThat(db.get(b("k1"))).isNull();
                    assertThat(db.get(b("k10"))).isNull();
                    assertThat(s(db.get(b("k2")))).isEqualTo("v2");
                    assertThat(db.get(b("k3"))).isNull();
                    db.put(b("round"), b("" + round));
                }
            }
        }
    }

    @Test
    void walRollsToNewSegmentsAndRecoversAcrossThem() throws Exception {
        StrataOptions o = StrataOptions.defaults().durability(Durability.ASYNC).walSegmentSize(64 << 10);
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            for (int i = 0; i < 3000; i++) {
                db.put(b(String.format("key%05d", i)), new byte[100]);
            }
        }
        try (var files = Files.list(dir.resolve("wal"))) {
            assertThat(files.count()).isGreaterThan(3);
        }
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            assertThat(db.latestSeqno()).isEqualTo(3000);
            assertThat(keys(db, RangeOptions.all())).hasSize(3000);
        }
    }

    /** Regression: two delete-ranges in one batch with the same start; the wider one was lost. */
    @Test
    void twoDeleteRangesWithTheSameStartInOneBatchBothApply() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            db.put(b("k43"), b("v"));
            db.write(new WriteBatch().deleteRange(b("k03"), b("k47")).deleteRange(b("k03"), b("k34")));
            assertThat(db.get(b("k43"))).isNull();
            assertThat(keys(db, RangeOptions.all())).isEmpty();
        }
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(db.get(b("k43"))).isNull();
        }
    }

    @Test
    void memoryBudgetSplitsBetweenMemtablesAndCache() {
        StrataOptions o = StrataOptions.defaults().memtableSize(8 << 20).maxImmutableMemtables(2).memoryBudget(64L << 20);
        assertThat(o.memtableMemory()).isEqualTo(24L << 20);
        assertThat(o.effectiveBlockCacheSize()).isEqualTo(40L << 20);
        try (StrataDatabase db = StrataDatabase.open(dir, o.zstdDictionarySize(4 << 10))) {
            db.put(b("k"), b("v"));
        }
        assertThatThrownBy(() -> StrataDatabase.open(dir, StrataOptions.defaults().memoryBudget(1 << 20)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("memoryBudget");
    }
}
