package dev.strata.engine.backup;

import dev.strata.engine.CommitResult;
import dev.strata.engine.Durability;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.wal.WalFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Point-in-time restore: with continuous WAL archiving, a restore to any seqno after a backup
 * (in the middle of a WAL segment too) or to any commit time yields exactly the commits up to it;
 * a target the archive cannot reach (a hole, or beyond its end) fails naming what is missing and
 * leaves the target alone; purging backups prunes the archive they no longer need.
 */
class PointInTimeRestoreTest {
    @TempDir
    Path dir;

    static byte[] key(long i) {
        return String.format("k%07d", i).getBytes();
    }

    @Test
    void restoresExactlyToEverySeqnoAndTimeTheArchiveReaches() throws Exception {
        Path db = dir.resolve("db");
        Path backups = dir.resolve("backups");
        StrataOptions options = StrataOptions.defaults().durability(Durability.ASYNC).walSegmentSize(64 << 10)
                .memtableSize(256 << 10).walArchive(backups);
        List<CommitResult> commits = new ArrayList<>();
        long backupSeqno;
        try (StrataDatabase source = StrataDatabase.open(db, options)) {
            for (int i = 0; i < 3000; i++) {
                commits.add(source.put(key(i), new byte[40]));
            }
            backupSeqno = source.backup(backups).seqno();
            for (int i = 3000; i < 9000; i++) {
                commits.add(i % 500 == 0 ? source.deleteRange(key(0), key(i / 10)) : source.put(key(i), new byte[40]));
            }
        }
        try (Stream<Path> s = Files.list(backups.resolve(WalArchiver.ARCHIVE))) {
            assertThat(s.count()).as("sealed segments were archived").isGreaterThan(3);
        }
        long last = commits.get(commits.size() - 1).seqno();
        for (long target : new long[]{backupSeqno, backupSeqno + 1, backupSeqno + 777, 6001, last - 1, last}) {
            Path restored = dir.resolve("at-" + target);
            Backups.Restored r = Backups.restore(backups, restored, RestoreOptions.toSeqno(target));
            assertThat(r.seqno()).isEqualTo(target);
            try (StrataDatabase copy = StrataDatabase.open(restored)) {
                assertThat(copy.latestSeqno()).isEqualTo(target);
                assertThat(copy.count(RangeOptions.all())).as("state at seqno %d", target).isEqualTo(expectedCount(commits, target));
            }
        }
        CommitResult middle = commits.get(7000);
        Backups.Restored byTime = Backups.restore(backups, dir.resolve("by-time"), RestoreOptions.toTimestamp(middle.timestamp()));
        long expected = 0;
        for (CommitResult c : commits) {
            if (c.timestamp() <= middle.timestamp()) {
                expected = c.seqno();
            }
        }
        assertThat(byTime.seqno()).isEqualTo(expected);
        try (StrataDatabase copy = StrataDatabase.open(dir.resolve("by-time"))) {
            assertThat(copy.latestSeqno()).isEqualTo(expected);
        }

        Path untouched = dir.resolve("untouched");
        assertThatThrownBy(() -> Backups.restore(backups, untouched, RestoreOptions.toSeqno(last + 100)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("end at seqno " + last);
        assertThatThrownBy(() -> Backups.restore(backups, untouched, RestoreOptions.toSeqno(backupSeqno - 1)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no good backup");
        assertThat(Files.exists(untouched)).isFalse();

        // A hole in the archive: restores before it work, past it fail naming the missing seqno.
        List<Path> archived;
        try (Stream<Path> s = Files.list(backups.resolve(WalArchiver.ARCHIVE))) {
            archived = s.sorted().toList();
        }
        Path hole = archived.get(archived.size() - 2);
        Files.delete(hole);
        assertThatThrownBy(() -> Backups.restore(backups, untouched, RestoreOptions.toSeqno(last)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("has no record");
        assertThat(Files.exists(untouched)).isFalse();
    }

    @Test
    void purgingBackupsPrunesTheArchive() throws Exception {
        Path db = dir.resolve("db");
        Path backups = dir.resolve("backups");
        StrataOptions options = StrataOptions.defaults().durability(Durability.ASYNC).walSegmentSize(64 << 10)
                .walArchive(backups);
        try (StrataDatabase source = StrataDatabase.open(db, options)) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 2000; i++) {
                    source.put(key(round * 10_000 + i), new byte[40]);
                }
                source.backup(backups);
            }
        }
        long before = archivedSegments(backups);
        assertThat(Backups.purge(backups, 1)).isPositive();
        long after = archivedSegments(backups);
        assertThat(after).as("segments only older backups needed are gone").isLessThan(before);
        long newest = Backups.list(backups).get(0).seqno();
        Backups.Restored r = Backups.restore(backups, dir.resolve("r"), RestoreOptions.toSeqno(newest));
        assertThat(r.seqno()).isEqualTo(newest);
    }

    private static long archivedSegments(Path backups) throws Exception {
        try (Stream<Path> s = Files.list(backups.resolve(WalArchiver.ARCHIVE))) {
            return s.filter(p -> WalFormat.parseFileName(p.getFileName().toString()) >= 0).count();
        }
    }

    /** Keys present after the commits up to {@code target}: puts add one, delete-ranges remove [k0, k(i/10)). */
    private static long expectedCount(List<CommitResult> commits, long target) {
        java.util.TreeSet<Integer> live = new java.util.TreeSet<>();
        for (int i = 0; i < commits.size() && commits.get(i).seqno() <= target; i++) {
            if (i >= 3000 && i % 500 == 0) {
                live.headSet(i / 10, false).clear();
            } else {
                live.add(i);
            }
        }
        return live.size();
    }
}
