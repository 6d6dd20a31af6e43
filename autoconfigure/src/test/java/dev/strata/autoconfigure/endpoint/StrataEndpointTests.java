package dev.strata.autoconfigure.endpoint;

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
            assertThat(all).containsOnlyKeys("stats", "properties");
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
    void anUnknownOperationIsABadRequest() {
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            assertThat(badRequestReason(() -> new StrataEndpoint(db, null).run("drop"))).contains("flush and compact");
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
}
