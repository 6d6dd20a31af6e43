package dev.strata.engine.backup;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.CorruptionException;
import dev.strata.engine.DatabaseLockedException;
import dev.strata.engine.Durability;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.TestFiles;
import dev.strata.engine.WriteBatch;
import dev.strata.engine.vfs.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backups: taken while writers run and restored, each is a consistent prefix of every column
 * family holding every commit acknowledged before it began; incremental (shared tables are not
 * copied again); listed, verified, deleted and purged without an open database; every byte flip
 * of a backup's files is caught by verify and by restore; hostile metadata is refused; a restore
 * never lands in an open database or the backup directory, and one interrupted between its
 * renames is finished by the next open.
 */
class BackupTest {
    @TempDir
    Path dir;

    static byte[] key(int i) {
        return String.format("k%07d", i).getBytes();
    }

    static StrataOptions small() {
        return StrataOptions.defaults().durability(Durability.ASYNC).memtableSize(64 << 10).targetFileSize(32 << 10)
                .levelBaseSize(128 << 10).l0CompactionTrigger(2);
    }

    @Test
    void backupsWhileWritersRunRestoreToConsistentPrefixes() throws Exception {
        Path db = dir.resolve("db");
        Path backups = dir.resolve("backups");
        AtomicLong acked = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> taken = new ArrayList<>();
        try (StrataDatabase source = StrataDatabase.open(db, small())) {
            ColumnFamily index = source.createColumnFamily("index");
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    source.write(new WriteBatch().put(key(i), new byte[60]).put(index, key(i), key(i)));
                    acked.set(i + 1);
                }
            });
            writer.start();
            for (int b = 0; b < 3; b++) {
                long until = acked.get() + 2000;
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (acked.get() < until && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                long before = acked.get();
                // 1, 2 and 3 copying threads: the parallel copies must make the same backups.
                BackupResult r = source.backup(backups, BackupOptions.defaults().metadata(("b" + b).getBytes())
                        .maxBackgroundOperations(1 + b));
                taken.add(new long[]{r.id(), before});
            }
            stop.set(true);
            writer.join();
        }
        StrataDatabase.destroy(db);
        List<BackupInfo> list = Backups.list(backups);
        assertThat(list).extracting(BackupInfo::id).containsExactly(1L, 2L, 3L);
        assertThat(list).allMatch(BackupInfo::isGood);
        assertThat(new String(list.get(2).metadata(), StandardCharsets.UTF_8)).isEqualTo("b2");
        for (long[] t : taken) {
            Path restored = dir.resolve("restored-" + t[0]);
            assertThat(Backups.restore(backups, restored, t[0])).isEqualTo(t[0]);
            try (StrataDatabase copy = StrataDatabase.open(restored, small())) {
                long n = copy.count(RangeOptions.all());
                assertThat(n).as("backup %d holds every commit acknowledged before it", t[0]).isGreaterThanOrEqualTo(t[1]);
                assertThat(copy.columnFamily("index").count(RangeOptions.all())).as("both halves of each batch").isEqualTo(n);
                assertThat(copy.get(key((int) n - 1))).isNotNull();
                assertThat(copy.get(key((int) n))).isNull();
            }
        }
        assertThatThrownBy(() -> BackupOptions.defaults().maxBackgroundOperations(0)).isInstanceOf(InvalidArgumentException.class);
        Path latest = dir.resolve("latest");
        assertThat(Backups.restore(backups, latest, 0)).isEqualTo(3);
    }

    @Test
    void incrementalListDeletePurge() {
        Path db = dir.resolve("db");
        Path backups = dir.resolve("backups");
        BackupResult first;
        BackupResult second;
        // Default tree shape: the second backup's flush adds an L0 table without a compaction
        // rewriting the first one's (with a tiny tree it would, and nothing could be shared).
        StrataOptions options = StrataOptions.defaults().durability(Durability.ASYNC);
        try (StrataDatabase source = StrataDatabase.open(db, options)) {
            for (int i = 0; i < 5000; i++) {
                source.put(key(i), new byte[100]);
            }
            List<long[]> reports = new ArrayList<>();
            first = source.backup(backups, BackupOptions.defaults().progress((done, total) -> reports.add(new long[]{done, total})));
            assertThat(reports).isNotEmpty();
            long[] lastReport = reports.get(reports.size() - 1);
            assertThat(lastReport[0]).as("progress reaches its total").isEqualTo(lastReport[1]);
            for (int i = 1; i < reports.size(); i++) {
                assertThat(reports.get(i)[0]).isGreaterThanOrEqualTo(reports.get(i - 1)[0]);
            }
            source.put(key(999_999), "new".getBytes());
            second = source.backup(backups);
        }
        assertThat(first.filesShared()).isZero();
        assertThat(second.filesShared()).as("tables already backed up are shared").isGreaterThan(0);
        assertThat(second.bytesCopied()).as("the second backup copies only what changed")
                .isLessThan(first.bytesCopied() / 4);
        assertThat(Backups.verify(backups, first.id(), true)).isPositive();
        long reclaimed = Backups.purge(backups, 1);
        assertThat(reclaimed).isPositive();
        assertThat(Backups.list(backups)).extracting(BackupInfo::id).containsExactly(second.id());
        Backups.verify(backups, second.id(), true);
        long[] restoreProgress = new long[2];
        Backups.restore(backups, dir.resolve("restored"), RestoreOptions.backup(second.id())
                .progress((done, total) -> restoreProgress[0] = done - (restoreProgress[1] = total)));
        assertThat(restoreProgress[1]).isPositive();
        assertThat(restoreProgress[0]).as("restore progress reaches its total").isZero();
        assertThatThrownBy(() -> Backups.verify(backups, first.id(), true)).isInstanceOf(InvalidArgumentException.class);
        Backups.delete(backups, second.id());
        assertThat(Backups.list(backups)).isEmpty();
        try (StrataDatabase source = StrataDatabase.open(db, options)) {
            assertThat(source.backup(backups).id()).as("ids only grow").isEqualTo(3);
        }
    }

    @Test
    void everyByteFlipOfABackupIsCaughtByVerifyAndRestore() throws Exception {
        Path db = dir.resolve("db");
        Path backups = dir.resolve("backups");
        try (StrataDatabase source = StrataDatabase.open(db)) {
            for (int i = 0; i < 60; i++) {
                source.put(key(i), ("value " + i).getBytes());
            }
            source.flush();
            source.put(key(1000), "in the WAL".getBytes());
            source.backup(backups, BackupOptions.defaults().flushBeforeBackup(false));
        }
        List<Path> files = new ArrayList<>();
        for (String sub : new String[]{"shared", "private"}) {
            try (Stream<Path> s = Files.walk(backups.resolve(sub))) {
                s.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        files.add(backups.resolve("meta/1"));
        int flips = 0;
        for (Path f : files) {
            long size = Files.size(f);
            for (long off = 0; off < size; off++) {
                TestFiles.flip(f, off);
                assertThatThrownBy(() -> Backups.verify(backups, 1, true))
                        .as("flip at %d of %s", off, f).isInstanceOf(CorruptionException.class);
                TestFiles.flip(f, off);
                flips++;
            }
        }
        assertThat(flips).isGreaterThan(1000);
        TestFiles.flip(files.get(0), 10);
        assertThatThrownBy(() -> Backups.restore(backups, dir.resolve("r"), 1)).isInstanceOf(CorruptionException.class);
        assertThat(Files.exists(dir.resolve("r"))).as("a failed restore leaves no target").isFalse();
        TestFiles.flip(files.get(0), 10);
        Backups.restore(backups, dir.resolve("r"), 1);
        try (StrataDatabase copy = StrataDatabase.open(dir.resolve("r"))) {
            assertThat(copy.get(key(1000))).isEqualTo("in the WAL".getBytes());
            assertThat(copy.count(RangeOptions.all())).isEqualTo(61);
        }
    }

    @Test
    void hostileMetadataIsRefused() throws Exception {
        Path backups = dir.resolve("backups");
        try (StrataDatabase source = StrataDatabase.open(dir.resolve("db"))) {
            source.put(key(1), key(1));
            source.backup(backups);
        }
        String good = Files.readString(backups.resolve("meta/1"));
        for (String evil : new String[]{"../../etc/passwd", "/etc/passwd", "private/2/MANIFEST", "shared/../meta/1",
                "private/1/wal/../../x", "shared/a b"}) {
            String body = good.substring(0, good.indexOf("\nfile ") + 1) + "file " + evil + " 10 00000000\n";
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(body.getBytes(StandardCharsets.UTF_8));
            Files.writeString(backups.resolve("meta/1"), body + String.format("crc %08x\n", (int) crc.getValue()));
            assertThat(Backups.list(backups)).singleElement().satisfies(b -> assertThat(b.problem()).containsAnyOf("outside", "malformed"));
            assertThatThrownBy(() -> Backups.verify(backups, 1, false)).as(evil).isInstanceOf(CorruptionException.class);
            assertThatThrownBy(() -> Backups.restore(backups, dir.resolve("r"), 1)).as(evil).isInstanceOf(CorruptionException.class);
        }
        Files.writeString(backups.resolve("meta/1"), good);
        assertThat(Backups.list(backups)).singleElement().satisfies(b -> assertThat(b.isGood()).isTrue());
        // A shared table replaced by a symbolic link to a file elsewhere is refused, not followed.
        Path table;
        try (Stream<Path> s = Files.list(backups.resolve("shared"))) {
            table = s.findFirst().orElseThrow();
        }
        Path elsewhere = dir.resolve("elsewhere.sst");
        Files.move(table, elsewhere);
        Files.createSymbolicLink(table, elsewhere);
        assertThatThrownBy(() -> Backups.verify(backups, 1, false)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> Backups.restore(backups, dir.resolve("r"), 1)).isInstanceOf(CorruptionException.class);
        assertThat(Files.exists(dir.resolve("r"))).isFalse();
    }

    @Test
    void restoreRefusesAnOpenTargetAndTheBackupDirAndFinishesAnInterruptedSwap() throws Exception {
        Path db = dir.resolve("db");
        Path backups = dir.resolve("backups");
        try (StrataDatabase source = StrataDatabase.open(db)) {
            source.put(key(1), "one".getBytes());
            source.backup(backups);
            source.put(key(2), "two".getBytes());
            assertThatThrownBy(() -> Backups.restore(backups, db, 1)).isInstanceOf(DatabaseLockedException.class);
            assertThatThrownBy(() -> Backups.restore(backups, backups.resolve("x"), 1)).isInstanceOf(InvalidArgumentException.class);
        }
        try (StrataDatabase stillThere = StrataDatabase.open(db)) {
            assertThat(stillThere.get(key(2))).as("a refused restore changed nothing").isEqualTo("two".getBytes());
        }
        Backups.restore(backups, db, 1);
        try (StrataDatabase restored = StrataDatabase.open(db)) {
            assertThat(restored.get(key(1))).isEqualTo("one".getBytes());
            assertThat(restored.get(key(2))).as("the restore replaced the database").isNull();
        }
        // A crash after the restored copy was complete but before it was renamed into place.
        Path other = dir.resolve("other");
        Backups.restore(backups, other, 1);
        Files.move(other, dir.resolve(".other.restoring"));
        Files.writeString(dir.resolve(".other.restoring").resolve(Backups.COMPLETE_MARKER), "1");
        try (StrataDatabase finished = StrataDatabase.open(other)) {
            assertThat(finished.get(key(1))).isEqualTo("one".getBytes());
        }
        assertThat(Files.exists(dir.resolve(".other.restoring"))).isFalse();
        assertThat(LocalStorage.INSTANCE.exists(other.resolve(Backups.COMPLETE_MARKER))).isFalse();
    }
}
