package dev.strata.replication.follower;

import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import dev.strata.replication.epoch.EpochFile;
import dev.strata.replication.epoch.EpochHistory;
import dev.strata.replication.io.FileOps;
import dev.strata.replication.wire.Messages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The follower's side of a full sync on disk: hostile names never leave the staging directory,
 * chunks only in order, a damaged copy is refused and discarded, a resumed copy keeps what it had,
 * and the swap (also one a crash interrupted) puts a whole copy in place or nothing.
 */
class FullSyncReceiverTest {
    @TempDir
    Path tmp;

    private static final byte[] A = "first file".getBytes(StandardCharsets.UTF_8);
    private static final byte[] B = "second file, a bit longer".getBytes(StandardCharsets.UTF_8);

    private static Messages.FullSync sync(long id, int startFile, long startOffset, String... names) throws Exception {
        return new Messages.FullSync(id, 10, EpochHistory.initial(), List.of(
                new Messages.SyncFile(names.length > 0 ? names[0] : "MANIFEST", A.length, crc(A)),
                new Messages.SyncFile(names.length > 1 ? names[1] : "sst/1.sst", B.length, crc(B))), startFile, startOffset);
    }

    private static int crc(byte[] b) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    @Test
    void hostileNamesAreRefused() throws Exception {
        Path db = tmp.resolve("db");
        FullSyncReceiver r = new FullSyncReceiver(db);
        for (String bad : new String[]{"../escape", "/etc/passwd", "a/b/c", ".", "sst/..", "SYNC-STATE", "EPOCHS",
                "SYNC_COMPLETE", "", "a//b", "sp ace", "x".repeat(129)}) {
            assertThatThrownBy(() -> r.begin(sync(1, 0, 0, bad))).as(bad).isInstanceOfSatisfying(ReplicationException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.PROTOCOL));
        }
        assertThat(Files.exists(tmp.resolve("escape"))).isFalse();
    }

    @Test
    void aWholeCopyIsVerifiedMarkedAndSwappedIn() throws Exception {
        Path db = tmp.resolve("db");
        Files.createDirectories(db);
        Files.writeString(db.resolve("old"), "the old database");
        FullSyncReceiver r = new FullSyncReceiver(db);
        r.begin(sync(7, 0, 0));
        assertThatThrownBy(() -> r.chunk(new Messages.FileChunk(1, 0, B))).isInstanceOf(ReplicationException.class);
        r.chunk(new Messages.FileChunk(0, 0, java.util.Arrays.copyOf(A, 4)));
        assertThatThrownBy(() -> r.chunk(new Messages.FileChunk(0, 2, A))).isInstanceOf(ReplicationException.class);
        r.chunk(new Messages.FileChunk(0, 4, java.util.Arrays.copyOfRange(A, 4, A.length)));
        assertThatThrownBy(r::finish).isInstanceOf(ReplicationException.class); // the second file is missing
        r.begin(sync(7, 1, 0));
        r.chunk(new Messages.FileChunk(1, 0, B));
        r.finish();
        assertThat(Files.exists(StagedSwap.staging(db).resolve(StagedSwap.MARKER))).isTrue();
        assertThat(Files.readString(db.resolve("old"))).isEqualTo("the old database"); // not yet swapped
        StagedSwap.swap(db);
        assertThat(Files.readAllBytes(db.resolve("MANIFEST"))).isEqualTo(A);
        assertThat(Files.readAllBytes(db.resolve("sst/1.sst"))).isEqualTo(B);
        assertThat(EpochFile.read(db)).isEqualTo(EpochHistory.initial());
        assertThat(Files.exists(db.resolve("old"))).isFalse();
        assertThat(Files.exists(db.resolve(StagedSwap.MARKER))).isFalse();
        assertThat(Files.exists(db.resolve(FullSyncReceiver.STATE))).isFalse();
        assertThat(Files.exists(StagedSwap.staging(db))).isFalse();
    }

    @Test
    void aDamagedCopyIsRefusedAndDiscarded() throws Exception {
        Path db = tmp.resolve("db");
        FullSyncReceiver r = new FullSyncReceiver(db);
        r.begin(sync(3, 0, 0));
        r.chunk(new Messages.FileChunk(0, 0, A));
        byte[] damaged = B.clone();
        damaged[3] ^= 1;
        r.chunk(new Messages.FileChunk(1, 0, damaged));
        assertThatThrownBy(r::finish).isInstanceOfSatisfying(ReplicationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.FULL_SYNC_FAILED));
        assertThat(Files.exists(StagedSwap.staging(db))).isFalse();
        assertThat(r.resumePoint()).isNull();
    }

    @Test
    void anInterruptedCopyResumesWhereItStoppedAndAnotherSyncStartsOver() throws Exception {
        Path db = tmp.resolve("db");
        FullSyncReceiver r = new FullSyncReceiver(db);
        r.begin(sync(5, 0, 0));
        r.chunk(new Messages.FileChunk(0, 0, A));
        r.chunk(new Messages.FileChunk(1, 0, java.util.Arrays.copyOf(B, 6)));
        r.abandon(); // the connection broke
        FullSyncReceiver after = new FullSyncReceiver(db); // even after a restart
        assertThat(after.resumePoint()).containsExactly(5, 1, 6);
        assertThatThrownBy(() -> after.begin(sync(5, 1, 9))).isInstanceOf(ReplicationException.class); // past what is staged
        after.begin(sync(5, 1, 6));
        after.chunk(new Messages.FileChunk(1, 6, java.util.Arrays.copyOfRange(B, 6, B.length)));
        after.finish();
        // A different sync id wipes the staging directory and starts from the first byte.
        FullSyncReceiver other = new FullSyncReceiver(tmp.resolve("db2"));
        other.begin(sync(8, 0, 0));
        other.chunk(new Messages.FileChunk(0, 0, A));
        other.abandon();
        assertThatThrownBy(() -> other.begin(sync(9, 1, 0))).isInstanceOf(ReplicationException.class); // resume of an unknown sync
        other.begin(sync(9, 0, 0));
        assertThat(other.resumePoint()).containsExactly(9, 0, 0);
    }

    @Test
    void aSwapACrashInterruptedIsFinishedAtStartAndAnUnmarkedCopyIsLeftToResume() throws Exception {
        Path db = tmp.resolve("db");
        Files.createDirectories(db);
        Files.writeString(db.resolve("old"), "old");
        Path staging = StagedSwap.staging(db);
        Files.createDirectories(staging);
        Files.writeString(staging.resolve("new"), "new");
        StagedSwap.finishInterrupted(db); // no marker: the copy is incomplete, the old database stays
        assertThat(Files.exists(db.resolve("old"))).isTrue();
        assertThat(Files.exists(staging.resolve("new"))).isTrue();
        Files.createFile(staging.resolve(StagedSwap.MARKER));
        // A crash after the old directory was moved aside: the database directory is missing.
        Files.move(db, db.resolveSibling(".db.fullsync-old"));
        StagedSwap.finishInterrupted(db);
        assertThat(Files.readString(db.resolve("new"))).isEqualTo("new");
        assertThat(Files.exists(db.resolveSibling(".db.fullsync-old"))).isFalse();
        assertThat(Files.exists(staging)).isFalse();
        FileOps.deleteTree(db);
        assertThat(Files.exists(db)).isFalse();
    }
}
