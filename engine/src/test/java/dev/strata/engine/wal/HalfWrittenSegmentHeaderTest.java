package dev.strata.engine.wal;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIOException;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.vfs.FaultStorage.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Regression (found by {@code IoErrorTest}): when the write of a new WAL segment's header failed
 * half done (an I/O error or a full disk), the open failed as it should, but the 20-byte stub it
 * left made every later open fail with "segment shorter than its 40-byte header": the database
 * could never be opened again. A newest segment shorter than its header is a creation cut short;
 * it holds no record and is removed like an all-zero one.
 */
class HalfWrittenSegmentHeaderTest {
    @TempDir
    Path base;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A database with one commit, cleanly closed (so segment 1 is sealed and 2 is the empty newest). */
    private FaultStorage oneCommit(String name) throws Exception {
        FaultStorage fs = new FaultStorage(base.resolve(name));
        try (StrataDatabase db = StrataDatabase.open(fs.root().resolve("db"), StrataOptions.defaults().storage(fs))) {
            db.put(b("a"), b("1"));
        }
        return fs;
    }

    @Test
    void aSegmentWhoseHeaderWriteFailedHalfDoneIsRemovedAtTheNextOpen() throws Exception {
        FaultStorage fs = oneCommit("live");
        Path dir = fs.root().resolve("db");
        // The next open creates segment 3 (close rolled to 2); its first write is the header.
        fs.failNth(Kind.WRITE, fs.count(Kind.WRITE) + 1, false);
        assertThatThrownBy(() -> StrataDatabase.open(dir, StrataOptions.defaults().storage(fs)))
                .isInstanceOf(StrataIOException.class);
        Path stub = dir.resolve("wal").resolve(WalFormat.fileName(3));
        assertThat(Files.size(stub)).as("the failed write left half a header").isEqualTo(WalFormat.HEADER_SIZE / 2);

        fs.clearFaults();
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults().storage(fs))) {
            assertThat(db.get(b("a"))).isEqualTo(b("1"));
            assertThat(db.put(b("b"), b("2")).seqno()).isEqualTo(2);
        }
        assertThat(Files.exists(stub)).as("the stub is removed").isFalse();
    }

    @Test
    void aShortHeaderInASealedSegmentIsStillCorruption() throws Exception {
        Path dir = oneCommit("sealed").root().resolve("db");
        Path first = dir.resolve("wal").resolve(WalFormat.fileName(1));
        byte[] whole = Files.readAllBytes(first);
        Files.write(first, java.util.Arrays.copyOf(whole, 20));
        assertThatThrownBy(() -> StrataDatabase.open(dir))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining(first.getFileName().toString());
    }
}
