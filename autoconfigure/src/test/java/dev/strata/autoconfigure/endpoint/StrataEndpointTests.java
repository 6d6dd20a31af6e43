package dev.strata.autoconfigure.endpoint;

import dev.strata.autoconfigure.backup.StrataBackups;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint's operations, called as Actuator calls them. */
class StrataEndpointTests {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The value at a path of nested maps, as the endpoint's JSON has them. */
    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> map, String... path) {
        Object o = map;
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> levels(Map<String, Object> answer) {
        return (List<Map<String, Object>>) at(answer, "stats", "levels");
    }

    /** The reason of the {@link InvalidEndpointRequestException} (Actuator's 400) the call throws. */
    private static String badRequestReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(InvalidEndpointRequestException.class);
        return ((InvalidEndpointRequestException) thrown).getReason();
    }

    @Test
    void readsShowStatsAndThePropertiesInEffect() {
        StrataOptions options = StrataOptions.defaults().memtableSize(8L << 20);
        try (StrataDatabase db = StrataDatabase.open(dir, options)) {
            db.put(bytes("a"), bytes("1"));
            StrataEndpoint endpoint = new StrataEndpoint(db, options);
            Map<String, Object> all = endpoint.strata();
            assertThat(all).containsOnlyKeys("stats", "properties", "column-families", "transaction-logs");
            assertThat(at(all, "stats", "latestSeqno")).isEqualTo(1L);
            assertThat(at(all, "stats", "state")).isEqualTo("OPEN");
            assertThat(at(all, "stats", "estimatedKeys")).isEqualTo(1L);
            assertThat(at(all, "properties", "strata.memtable-size")).isEqualTo(8L << 20);
            assertThat(at(all, "properties", "strata.durability")).isEqualTo("SYNC");
            assertThat(at(all, "properties", "strata.path")).isEqualTo(dir.toString());
            assertThat(endpoint.section("stats")).containsEntry("latestSeqno", 1L).containsKeys("wal", "levels",
                    "flushes", "compactions", "stalls", "blockCache", "handles");
            assertThat(endpoint.section("properties")).containsEntry("strata.memtable-size", 8L << 20);
            assertThat(endpoint.section("nothing")).isNull();
        }
    }

    @Test
    void withoutKnownOptionsThePropertiesShowOnlyThePath() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(new StrataEndpoint(db, null).section("properties")).containsOnlyKeys("strata.path");
        }
    }

    @Test
    void flushAndCompactRunAndAnswerWithTheStatsAfterwards() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            StrataEndpoint endpoint = new StrataEndpoint(db, null);
            db.put(bytes("a"), bytes("1"));
            Map<String, Object> flushed = endpoint.run("flush");
            assertThat(flushed).containsEntry("operation", "flush").containsKey("millis");
            assertThat(at(flushed, "stats", "flushes", "count")).isEqualTo(1L);
            assertThat(levels(flushed).get(0)).containsEntry("level", 0).containsEntry("files", 1);

            db.put(bytes("a"), bytes("2"));
            db.flush();
            Map<String, Object> compacted = endpoint.run("compact");
            assertThat(compacted).containsEntry("operation", "compact");
            assertThat((Long) at(compacted, "stats", "compactions", "count")).isPositive();
            assertThat(levels(compacted).get(0)).containsEntry("files", 0);
            assertThat(db.get(bytes("a"))).isEqualTo(bytes("2"));
        }
    }

    @Test
    void theTransactionLogSectionShowsEachLogAndWhySegmentsAreKept() {
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults().walKeepSize(0).walSegmentSize(64 << 10))) {
            db.transaction((txn, attempt) -> {
                txn.put(bytes("k"), bytes("v"));
                db.useLog("audit").addEntry(bytes("entry"), txn);
                return null;
            });
            for (int i = 0; i < 200; i++) {
                db.put(bytes("filler" + i), new byte[1024]); // seals the segment holding the entry
            }
            db.flush();
            StrataEndpoint endpoint = new StrataEndpoint(db, null);
            Map<String, Object> logs = endpoint.section("transaction-logs");
            assertThat(at(logs, "logs", "audit", "entries")).isEqualTo(1L);
            assertThat(at(logs, "statistics", "txnlog.entries")).isEqualTo(1L);
            Map<String, Object> purged = endpoint.run("purge-logs");
            assertThat(purged).containsEntry("operation", "purge-logs").containsKey("files");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> kept = (List<Map<String, Object>>) endpoint.section("transaction-logs").get("keptSegments");
            assertThat(kept).singleElement().satisfies(k -> assertThat(k.get("reasons")).asList()
                    .containsExactly("log entries inside retention"));
        }
    }

    @Test
    void anUnknownOperationIsABadRequest() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(badRequestReason(() -> new StrataEndpoint(db, null).run("drop"))).contains("flush, compact, backup, purge and purge-logs");
        }
    }

    @Test
    void aReadOnlyDatabaseRefusesFlushAsABadRequest() {
        StrataDatabase.open(dir).close();
        StrataOptions readOnly = StrataOptions.defaults().readOnly(true);
        try (StrataDatabase db = StrataDatabase.open(dir, readOnly)) {
            assertThat(badRequestReason(() -> new StrataEndpoint(db, readOnly).run("flush"))).contains("read-only");
        }
    }

    @Test
    void aClosedDatabaseStillReportsItsState() {
        StrataDatabase db = StrataDatabase.open(dir);
        db.close();
        Map<String, Object> stats = new StrataEndpoint(db, null).section("stats");
        assertThat(stats).containsEntry("state", "CLOSED").doesNotContainKey("estimatedKeys");
    }

    @Test
    void columnFamiliesShowEachFamilysOwnShape() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            db.put(bytes("a"), bytes("1"));
            db.createColumnFamily("history").put(bytes("h"), bytes("1"));
            db.columnFamily("history").put(bytes("i"), bytes("2"));
            db.flush();
            Map<String, Object> families = new StrataEndpoint(db, null).section("column-families");
            assertThat(families.keySet()).containsExactly(db.columnFamilies().toArray(new String[0]));
            assertThat(at(families, "history", "id")).isEqualTo(db.columnFamily("history").id());
            assertThat(at(families, "history", "estimatedKeys")).isEqualTo(2L);
            assertThat((Long) at(families, "history", "tableBytes")).isPositive();
            assertThat(at(families, db.defaultColumnFamily().name(), "estimatedKeys")).isEqualTo(1L);
            assertThat(new StrataEndpoint(db, null).strata()).containsKey("column-families").doesNotContainKey("backups");
        }
    }

    @Test
    void withoutBackupsTheSectionIsNotFoundAndBackupIsABadRequest() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            StrataEndpoint endpoint = new StrataEndpoint(db, null);
            assertThat(endpoint.section("backups")).isNull();
            assertThat(badRequestReason(() -> endpoint.run("backup"))).contains("strata.backup.directory");
            assertThat(badRequestReason(() -> endpoint.run("purge"))).contains("strata.backup.directory");
        }
    }

    @Test
    void backupTakesOneAndPurgeKeepsKeepCountAndTheSectionListsThem() {
        try (StrataDatabase db = StrataDatabase.open(dir.resolve("db"))) {
            StrataBackups backups = new StrataBackups(db, dir.resolve("backups"), 1, true);
            StrataEndpoint endpoint = new StrataEndpoint(db, null, backups);
            db.put(bytes("a"), bytes("1"));
            Map<String, Object> taken = endpoint.run("backup");
            assertThat(taken).containsEntry("operation", "backup").containsKey("millis");
            assertThat((Long) at(taken, "backup", "bytesCopied")).isPositive();
            long first = (Long) at(taken, "backup", "id");

            Map<String, Object> section = endpoint.section("backups");
            assertThat(section).containsEntry("keepCount", 1).containsEntry("successes", 1L)
                    .containsEntry("failures", 0L);
            assertThat(backupList(section)).singleElement().satisfies(b -> {
                assertThat(b).containsEntry("id", first).containsEntry("seqno", 1L).containsKeys("timestamp", "files");
                assertThat((Long) b.get("sizeBytes")).isPositive();
            });

            db.put(bytes("b"), bytes("2"));
            long second = (Long) at(endpoint.run("backup"), "backup", "id");
            assertThat(backupList(endpoint.section("backups"))).extracting(b -> b.get("id")).containsExactly(second);
            assertThat(endpoint.run("purge")).containsEntry("operation", "purge").containsEntry("bytesReclaimed", 0L);
            assertThat(endpoint.strata()).containsKey("backups");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> backupList(Map<String, Object> section) {
        return (List<Map<String, Object>>) section.get("backups");
    }
}
