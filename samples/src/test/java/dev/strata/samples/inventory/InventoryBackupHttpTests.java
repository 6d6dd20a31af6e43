package dev.strata.samples.inventory;

import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.backup.Backups;
import dev.strata.engine.backup.RestoreOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample with the {@code backups} profile over real HTTP: scheduled backups (every second
 * here, instead of the profile's five minutes) that the {@code strata} endpoint lists, the
 * {@code strataBackup} health component and the backup meters, and, with the endpoint's write
 * operations enabled, a backup and a purge on demand. A backup restores into a database that
 * holds the items and their movement history.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"strata.backup.schedule=* * * * * *", "management.endpoint.strata.access=unrestricted"})
@ActiveProfiles("backups")
@DirtiesContext
class InventoryBackupHttpTests {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("strata.path", () -> dir.resolve("db").toString());
        registry.add("strata.backup.directory", () -> dir.resolve("backups").toString());
    }

    @Value("${local.server.port}")
    int port;

    private Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void scheduledBackupsAreListedHealthyAndMetered() {
        http.put("/items/lamp", "{\"name\":\"Lamp\",\"quantity\":2}");
        await("a scheduled backup", () -> http.get("/actuator/strata/backups").body().get("successes").asLong() >= 1);
        JsonNode backups = http.get("/actuator/strata/backups").body();
        assertThat(backups.get("keepCount").asInt()).isEqualTo(3);
        assertThat(backups.get("backups").size()).isBetween(1, 3);
        assertThat(backups.get("failures").asLong()).isZero();

        JsonNode health = http.get("/actuator/health").body().get("components").get("strataBackup");
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("details").get("lastBackupId").asLong()).isPositive();

        JsonNode timer = http.get("/actuator/metrics/strata.backup?tag=result:success").body();
        assertThat(timer.get("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(1);
        assertThat(http.get("/actuator/metrics/strata.backup.copied").status()).isEqualTo(200);
    }

    @Test
    void backupAndPurgeOnDemandWhenTheWriteOperationsAreEnabled() {
        http.put("/items/desk", "{\"name\":\"Desk\",\"quantity\":1}");
        http.post("/items/desk/adjustments", "{\"delta\":4,\"reason\":\"delivery\"}");
        Http.Response taken = http.post("/actuator/strata/backup", "");
        assertThat(taken.status()).isEqualTo(200);
        long id = taken.body().get("backup").get("id").asLong();
        assertThat(taken.body().get("backup").get("seqno").asLong()).isPositive();

        Http.Response purged = http.post("/actuator/strata/purge", "");
        assertThat(purged.status()).isEqualTo(200);
        assertThat(purged.body().get("bytesReclaimed").isNumber()).isTrue();
        await("at most keep-count backups", () -> http.get("/actuator/strata/backups").body().get("backups").size() <= 3);

        Path restored = dir.resolve("restored-" + id);
        Backups.restore(dir.resolve("backups"), restored, RestoreOptions.latest());
        try (StrataDatabase copy = StrataDatabase.open(restored)) {
            assertThat(new String(copy.get(bytes("item/desk")), StandardCharsets.UTF_8)).contains("\"quantity\":5");
            assertThat(copy.columnFamily(InventoryStore.MOVEMENTS).count(RangeOptions.prefix(bytes("desk/")))).isEqualTo(2);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 30s: " + what).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
