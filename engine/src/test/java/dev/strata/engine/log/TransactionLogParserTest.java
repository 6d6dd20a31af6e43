package dev.strata.engine.log;

import dev.strata.engine.CorruptionException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.TestFiles;
import dev.strata.engine.event.EventBus;
import dev.strata.engine.event.EventListener;
import dev.strata.engine.wal.WalFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static dev.strata.engine.TestUtil.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The segment parser for tools, and damage to a log segment found at open: warned, then reported by queries. */
class TransactionLogParserTest {
    @TempDir
    Path dir;

    private StrataOptions options() {
        return StrataOptions.defaults().walSegmentSize(64 << 10).walKeepSize(0).transactionLogRetention(Duration.ofDays(1));
    }

    private void fill(StrataDatabase db) {
        for (int i = 0; i < 400; i++) {
            int k = i;
            db.transaction((txn, a) -> {
                txn.put(b("k" + k), new byte[500]);
                if (k % 4 == 0) {
                    db.useLog("p").addEntry(b("entry-" + k), txn);
                }
                return null;
            });
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(WalFormat.DIRECTORY))) {
            return s.filter(p -> p.toString().endsWith(WalFormat.SUFFIX)).sorted().toList();
        }
    }

    @Test
    void parsesEverySegmentWithItsEntries() throws IOException {
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            fill(db);
        }
        long entries = 0;
        long lastSeqno = 0;
        for (Path p : segments()) {
            TransactionLogParser.Parsed parsed = TransactionLogParser.parse(p);
            assertThat(parsed.damage()).isNull();
            assertThat(parsed.version()).isEqualTo(WalFormat.VERSION);
            assertThat(parsed.size()).isEqualTo(Files.size(p));
            for (TransactionLogParser.ParsedRecord r : parsed.records()) {
                assertThat(r.seqno()).isEqualTo(lastSeqno + 1);
                lastSeqno = r.seqno();
                entries += r.entries().size();
                r.entries().forEach(e -> assertThat(e.log()).isEqualTo("p"));
            }
        }
        assertThat(entries).isEqualTo(100);
        assertThat(lastSeqno).isEqualTo(400);
    }

    @Test
    void damageIsReportedWithItsOffsetNotThrown() throws IOException {
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            fill(db);
        }
        Path first = segments().get(0);
        TestFiles.flip(first, 200);
        TransactionLogParser.Parsed parsed = TransactionLogParser.parse(dev.strata.engine.vfs.LocalStorage.INSTANCE, first, false);
        assertThat(parsed.damage()).isNotNull();
        assertThat(parsed.damage().offset()).isLessThanOrEqualTo(200);
        assertThat(parsed.damage().message()).contains("checksum");
    }

    @Test
    void aDamagedLogOnlySegmentIsWarnedAtOpenAndQueriesReportIt() throws IOException {
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            fill(db);
            db.flush();
            assertThat(db.runLogRetention().rewritten()).isNotEmpty();
        }
        Path logOnly = segments().stream().filter(p -> TransactionLogParser.parse(p).logOnly()).findFirst().orElseThrow();
        Files.deleteIfExists(Path.of(logOnly.toString().replace(WalFormat.SUFFIX, ".sum")));
        TestFiles.flip(logOnly, 60);
        List<Object[]> warnings = new CopyOnWriteArrayList<>();
        EventListener l = warnings::add;
        EventBus.global().on("log.warn", l);
        try (StrataDatabase db = StrataDatabase.open(dir, options())) {
            dev.strata.engine.TestUtil.await("the log.warn event", () -> !warnings.isEmpty());
            assertThat(warnings.get(0)[0].toString()).isEqualTo(logOnly.toString());
            assertThat(db.get(b("k399"))).hasSize(500);
            assertThatThrownBy(() -> {
                try (LogEntryIterator it = db.useLog("p").query()) {
                    it.forEachRemaining(e -> { });
                }
            }).isInstanceOf(CorruptionException.class).hasMessageContaining(logOnly.getFileName().toString());
        } finally {
            EventBus.global().off("log.warn", l);
        }
    }
}
