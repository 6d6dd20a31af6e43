package dev.strata.engine.wal;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.vfs.FaultStorage;
import dev.strata.engine.vfs.PowerCutDisk;
import dev.strata.engine.vfs.FaultStorage.Event;
import dev.strata.engine.vfs.FaultStorage.Mode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression (found by {@link PowerLossWalTest}, B2): a crash while a WAL segment was being
 * created leaves the newest segment empty or all zeros, which recovery accepts and lists as
 * removable. Open used to create the next segment first and delete the torn one after; a crash
 * (power cut, or a plain kill) between the two left the torn segment in the middle of the WAL,
 * where it is "corruption in a sealed segment", and the database could never be opened again.
 */
class TornSegmentCreationCrashTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 20, 40, 64 << 10})
    void crashAtAnyPointOfRecoveringATornSegmentStillOpens(int tornLength) throws Exception {
        Path base = CrashTesting.scratchDir("strata-torn-segment");
        try {
            Path live = base.resolve("live");
            Path wal = live.resolve("db").resolve("wal");
            try (StrataDatabase db = StrataDatabase.open(live.resolve("db"))) {
                for (int i = 0; i < 10; i++) {
                    db.put(("k" + i).getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) i});
                }
            }
            // A torn creation: the next segment's entry is on disk, its header is not.
            long next = Files.list(wal).mapToLong(p -> WalFormat.parseFileName(p.getFileName().toString())).max().orElseThrow() + 1;
            Files.write(wal.resolve(WalFormat.fileName(next)), new byte[tornLength]);

            FaultStorage fs = new FaultStorage(live);
            try (StrataDatabase db = StrataDatabase.open(live.resolve("db"), StrataOptions.defaults().storage(fs))) {
                assertThat(db.latestSeqno()).isEqualTo(10);
            }
            List<Event> trace = fs.trace();
            PowerCutDisk disk = fs.initialDisk();
            for (int n = 0; n <= trace.size(); n++) {
                for (Mode mode : Mode.values()) {
                    Path img = base.resolve("img");
                    CrashTesting.deleteTree(img);
                    disk.writeImage(mode, new Random(n * 3L + mode.ordinal()), img);
                    try (StrataDatabase db = StrataDatabase.open(img.resolve("db"))) {
                        assertThat(db.latestSeqno()).as("power cut after %s, %s", n == 0 ? "nothing" : trace.get(n - 1), mode)
                                .isEqualTo(10);
                        assertThat(db.put(new byte[] {'x'}, new byte[] {'y'}).seqno()).isEqualTo(11);
                    }
                }
                if (n < trace.size()) {
                    disk.apply(trace.get(n));
                }
            }
        } finally {
            CrashTesting.deleteTree(base);
        }
    }
}
