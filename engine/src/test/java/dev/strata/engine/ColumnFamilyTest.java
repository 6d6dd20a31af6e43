package dev.strata.engine;

import dev.strata.engine.manifest.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Column families: separate key spaces that share the WAL and seqnos. Created, listed, dropped
 * (costing their files, not a scan), written atomically together by one batch, seen together by
 * one snapshot, recovered from the WAL when a crash came between a create or drop and its
 * manifest write, and never holding the WAL back when idle.
 */
class ColumnFamilyTest {
    @TempDir
    Path dir;

    static byte[] b(String s) {
        return s.getBytes();
    }

    /** Small memtables, segments and WAL cap; ASYNC so thousands of commits take no fsync each. */
    static StrataOptions small() {
        return StrataOptions.defaults().durability(Durability.ASYNC).memtableSize(64 << 10).walSegmentSize(64 << 10).maxWalSize(256 << 10).walKeepSize(0)
                .targetFileSize(32 << 10).levelBaseSize(128 << 10).l0CompactionTrigger(2);
    }

    /** No background compaction: table files change only by what a test does (so it can count or copy them). */
    static StrataOptions noCompaction() {
        return small().l0CompactionTrigger(1000).l0StopWritesTrigger(1001);
    }

    @Test
    void createListLookUpAndRejectBadNames() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(db.columnFamilies()).containsExactly("default");
            ColumnFamily users = db.createColumnFamily("users");
            assertThat(db.getOrCreateColumnFamily("users")).isSameAs(users);
            ColumnFamily orders = db.getOrCreateColumnFamily("orders");
            assertThat(db.columnFamilies()).containsExactly("default", "users", "orders");
            assertThat(db.columnFamily("orders")).isSameAs(orders);
            assertThat(orders.id()).isNotEqualTo(users.id());
            assertThatThrownBy(() -> db.createColumnFamily("users"))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("exists");
            assertThatThrownBy(() -> db.columnFamily("nope"))
                    .isInstanceOfSatisfying(ColumnFamilyNotFoundException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.COLUMN_FAMILY_NOT_FOUND));
            assertThatThrownBy(() -> db.createColumnFamily("")).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> db.createColumnFamily("x".repeat(256))).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> db.dropColumnFamily("default")).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> db.dropColumnFamily("nope")).isInstanceOf(ColumnFamilyNotFoundException.class);
        }
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(db.columnFamilies()).containsExactly("default", "users", "orders");
        }
    }

    @Test
    void familiesAreSeparateKeySpacesWrittenAtomicallyAndSeenByOneSnapshot() {
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            ColumnFamily a = db.createColumnFamily("a");
            ColumnFamily c = db.createColumnFamily("c");
            db.put(b("k"), b("default"));
            a.put(b("k"), b("in a"));
            assertThat(c.get(b("k"))).isNull();
            assertThat(a.get(b("k"))).isEqualTo(b("in a"));
            assertThat(db.get(b("k"))).isEqualTo(b("default"));
            try (Snapshot before = db.snapshot()) {
                CommitResult r = db.write(new WriteBatch().put(a, b("x"), b("1")).put(c, b("x"), b("2"))
                        .remove(b("k")).deleteRange(a, b("j"), b("l")));
                assertThat(a.get(b("x"))).isEqualTo(b("1"));
                assertThat(c.get(b("x"))).isEqualTo(b("2"));
                assertThat(a.get(b("k"))).isNull();
                assertThat(db.get(b("k"))).isNull();
                assertThat(a.get(b("k"), before)).isEqualTo(b("in a"));
                assertThat(c.get(b("x"), before)).isNull();
                assertThat(r.seqno()).isEqualTo(db.latestSeqno());
            }
            for (int i = 0; i < 3000; i++) {
                a.put(String.format("a%05d", i).getBytes(), new byte[64]);
                c.put(String.format("c%05d", i).getBytes(), new byte[64]);
            }
            db.flush();
            a.compact(null, null);
            assertThat(a.count(RangeOptions.all())).isEqualTo(3001);
            assertThat(c.count(RangeOptions.prefix(b("c")))).isEqualTo(3000);
            assertThat(a.estimatedCount()).isGreaterThanOrEqualTo(3001);
            try (Stream<KeyValue> s = c.stream(RangeOptions.prefix(b("a")))) {
                assertThat(s.count()).isZero();
            }
            assertThat(a.stats().levelFiles()).isNotEqualTo(new int[7]);
            assertThat(c.clear()).isEqualTo(3001);
            assertThat(c.count(RangeOptions.all())).isZero();
            assertThat(a.count(RangeOptions.all())).isEqualTo(3001);
        }
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            assertThat(db.columnFamily("a").get(b("a00042"))).hasSize(64);
            assertThat(db.columnFamily("c").count(RangeOptions.all())).isZero();
            assertThat(db.get(b("k"))).isNull();
        }
    }

    @Test
    void dropCostsTheFilesOnceNoIteratorReadsThemAndInvalidatesHandles() throws IOException {
        StrataOptions noCompaction = noCompaction();
        try (StrataDatabase db = StrataDatabase.open(dir, noCompaction)) {
            ColumnFamily big = db.createColumnFamily("big");
            for (int i = 0; i < 5000; i++) {
                big.put(String.format("%06d", i).getBytes(), new byte[100]);
            }
            db.flush();
            long tablesWithBig = sstCount();
            assertThat(big.stats().tableBytes()).isPositive();
            StrataIterator<KeyValue> reader = big.iterator(RangeOptions.all());
            assertThat(reader.next().key()).isEqualTo(b("000000"));
            WriteBatch pending = new WriteBatch().put(big, b("late"), b("v")).put(b("d"), b("v"));
            db.dropColumnFamily("big");
            assertThat(db.columnFamilies()).containsExactly("default");
            assertThatThrownBy(() -> big.put(b("x"), b("y"))).isInstanceOf(ColumnFamilyNotFoundException.class);
            assertThatThrownBy(() -> big.get(b("000001"))).isInstanceOf(ColumnFamilyNotFoundException.class);
            assertThatThrownBy(() -> db.write(pending)).isInstanceOf(ColumnFamilyNotFoundException.class);
            assertThat(db.get(b("d"))).as("the rejected batch applied nothing").isNull();
            int n = 1;
            while (reader.hasNext()) {
                reader.next();
                n++;
            }
            assertThat(n).as("an open iterator still reads the dropped family's tables").isEqualTo(5000);
            assertThat(sstCount()).isEqualTo(tablesWithBig);
            reader.close();
            assertThat(sstCount()).as("the last reader let the tables go").isLessThan(tablesWithBig);
            ColumnFamily again = db.createColumnFamily("big");
            assertThat(again.id()).as("ids are never reused").isNotEqualTo(big.id());
            assertThat(again.get(b("000001"))).isNull();
        }
        try (StrataDatabase db = StrataDatabase.open(dir, noCompaction)) {
            assertThat(db.columnFamily("big").count(RangeOptions.all())).isZero();
        }
    }

    /** A crash after the create's commit but before its manifest write: the WAL brings the family back. */
    @Test
    void createRecoveredFromTheWalWhenTheManifestMissedIt() throws IOException {
        Path image = dir.resolve("image");
        Path live = dir.resolve("live");
        try (StrataDatabase db = StrataDatabase.open(live)) {
            db.put(b("before"), b("1"));
            db.flush();
            byte[] manifestBefore = Files.readAllBytes(live.resolve(Manifest.FILE));
            ColumnFamily logs = db.createColumnFamily("logs");
            logs.put(b("l1"), b("entry"));
            db.write(new WriteBatch().put(logs, b("l2"), b("e2")).put(b("after"), b("2")));
            TestFiles.copyDir(live, image);
            Files.write(image.resolve(Manifest.FILE), manifestBefore);
        }
        try (StrataDatabase db = StrataDatabase.open(image)) {
            assertThat(db.columnFamilies()).containsExactly("default", "logs");
            assertThat(db.columnFamily("logs").get(b("l2"))).isEqualTo(b("e2"));
            assertThat(db.columnFamily("logs").get(b("l1"))).isEqualTo(b("entry"));
            assertThat(db.get(b("after"))).isEqualTo(b("2"));
        }
        try (StrataDatabase db = StrataDatabase.open(image)) {
            assertThat(db.columnFamily("logs").count(RangeOptions.all())).isEqualTo(2);
        }
    }

    /** A crash after the drop's commit but before its manifest write: the WAL finishes the drop. */
    @Test
    void dropFinishedFromTheWalWhenTheManifestMissedIt() throws IOException {
        Path image = dir.resolve("image");
        Path live = dir.resolve("live");
        try (StrataDatabase db = StrataDatabase.open(live, noCompaction())) {
            ColumnFamily gone = db.createColumnFamily("gone");
            for (int i = 0; i < 3000; i++) {
                gone.put(String.format("%06d", i).getBytes(), new byte[100]);
            }
            db.flush();
            gone.put(b("unflushed"), b("v"));
            TestFiles.copyDir(live, image); // manifest and tables still name "gone"
            db.dropColumnFamily("gone");
            db.put(b("after"), b("drop"));
            Path wal = image.resolve(StrataDatabase.WAL_DIR);
            try (Stream<Path> old = Files.list(wal)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
            try (Stream<Path> segs = Files.list(live.resolve(StrataDatabase.WAL_DIR))) {
                for (Path p : segs.toList()) {
                    Files.copy(p, wal.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        long tablesBefore;
        try (Stream<Path> s = Files.list(image.resolve("sst"))) {
            tablesBefore = s.count();
        }
        assertThat(tablesBefore).isPositive();
        try (StrataDatabase db = StrataDatabase.open(image, noCompaction())) {
            assertThat(db.columnFamilies()).containsExactly("default");
            assertThat(db.get(b("after"))).isEqualTo(b("drop"));
            try (Stream<Path> s = Files.list(image.resolve("sst"))) {
                assertThat(s.count()).as("the dropped family's tables are deleted").isLessThan(tablesBefore);
            }
        }
        try (StrataDatabase db = StrataDatabase.open(image, small())) {
            assertThat(db.columnFamilies()).containsExactly("default");
        }
    }

    /**
     * An idle family holds no WAL back, and one with a few old commits in its memtable is flushed
     * once the WAL passes maxWalSize, so the WAL stays bounded while another family takes writes.
     */
    @Test
    void idleAndRarelyWrittenFamiliesDoNotPinTheWal() {
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            db.createColumnFamily("idle");
            ColumnFamily rare = db.createColumnFamily("rare");
            rare.put(b("old"), b("commit"));
            int maxSegments = 0;
            for (int i = 0; i < 40_000; i++) {
                db.put(String.format("%08d", i).getBytes(), new byte[100]);
                maxSegments = Math.max(maxSegments, db.walSegmentCount());
            }
            long cap = (256 << 10) / (64 << 10);
            assertThat(maxSegments).as("WAL segments while 5 MB went to the default family").isLessThanOrEqualTo((int) cap + 4);
            assertThat(rare.stats().tableBytes()).as("the rare family was flushed to free the WAL").isPositive();
            assertThat(db.count(RangeOptions.all())).as("before close").isEqualTo(40_000);
        }
        try (StrataDatabase db = StrataDatabase.open(dir, small())) {
            assertThat(db.columnFamily("rare").get(b("old"))).isEqualTo(b("commit"));
            assertThat(db.count(RangeOptions.all())).isEqualTo(40_000);
        }
    }

    @Test
    void readOnlyOpenSeesTheFamiliesAndRefusesChanges() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            db.createColumnFamily("f").put(b("k"), b("v"));
            try (StrataDatabase ro = StrataDatabase.open(dir, StrataOptions.defaults().readOnly(true))) {
                assertThat(ro.columnFamilies()).containsExactly("default", "f");
                assertThat(ro.columnFamily("f").get(b("k"))).isEqualTo(b("v"));
                assertThatThrownBy(() -> ro.createColumnFamily("g")).isInstanceOf(ReadOnlyException.class);
                assertThatThrownBy(() -> ro.dropColumnFamily("f")).isInstanceOf(ReadOnlyException.class);
                assertThatThrownBy(() -> ro.columnFamily("f").put(b("a"), b("b"))).isInstanceOf(ReadOnlyException.class);
            }
        }
    }

    @Test
    void aBatchNamingAnotherDatabasesFamilyIsRefused() {
        try (StrataDatabase one = StrataDatabase.open(dir.resolve("one"));
             StrataDatabase two = StrataDatabase.open(dir.resolve("two"))) {
            ColumnFamily f = two.createColumnFamily("f");
            assertThatThrownBy(() -> one.write(new WriteBatch().put(f, b("k"), b("v"))))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("another database");
            assertThat(List.of(one.columnFamilies().size(), two.columnFamilies().size())).containsExactly(1, 2);
        }
    }

    private long sstCount() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("sst"))) {
            return s.count();
        }
    }
}
