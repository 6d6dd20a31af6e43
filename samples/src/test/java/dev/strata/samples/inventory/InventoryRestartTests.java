package dev.strata.samples.inventory;

import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stop the sample and start it again on the same directory: everything written is still there.
 * The second run also enables the endpoint's write operations, which then work over HTTP.
 */
class InventoryRestartTests {

    @TempDir
    Path dir;

    /** Command-line arguments, so nothing in application.properties can override them. */
    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--strata.path=" + dir));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(InventoryApplication.class).logStartupInfo(false).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void dataWrittenBeforeARestartIsServedAfterIt() {
        try (ConfigurableApplicationContext first = start()) {
            Http http = new Http(port(first));
            assertThat(http.put("/items/chair", "{\"name\":\"Chair\",\"quantity\":8}").status()).isEqualTo(200);
            assertThat(http.post("/items/chair/adjustments", "{\"delta\":-5,\"reason\":\"sold\"}").status()).isEqualTo(200);
            assertThat(http.put("/items/desk", "{\"name\":\"Desk\",\"quantity\":2}").status()).isEqualTo(200);
            assertThat(http.delete("/items/desk").status()).isEqualTo(204);
        }

        try (ConfigurableApplicationContext second = start("--management.endpoint.strata.access=unrestricted")) {
            Http http = new Http(port(second));
            Http.Response chair = http.get("/items/chair");
            assertThat(chair.status()).isEqualTo(200);
            assertThat(chair.body().get("quantity").asLong()).isEqualTo(3);
            assertThat(http.get("/items/chair/movements").body().get(1).get("reason").asString()).isEqualTo("sold");
            assertThat(http.get("/items/desk").status()).isEqualTo(404);
            assertThat(http.get("/actuator/strata/stats").body().get("latestSeqno").asLong()).isGreaterThanOrEqualTo(4);

            http.put("/items/lamp", "{\"name\":\"Lamp\",\"quantity\":1}");
            Http.Response flushed = http.post("/actuator/strata/flush", "");
            assertThat(flushed.status()).isEqualTo(200);
            assertThat(flushed.body().get("operation").asString()).isEqualTo("flush");
            // One flush per column family written: the item's and the movement history's.
            assertThat(flushed.body().get("stats").get("flushes").get("count").asLong()).isEqualTo(2);
            Http.Response compacted = http.post("/actuator/strata/compact", "");
            assertThat(compacted.status()).isEqualTo(200);
            assertThat(compacted.body().get("stats").get("compactions").get("count").asLong()).isPositive();
            assertThat(http.get("/items/lamp").body().get("name").asString()).isEqualTo("Lamp");
        }

        // Closed cleanly: the directory is free, and everything is in tables.
        try (StrataDatabase db = StrataDatabase.open(dir, StrataOptions.defaults().readOnly(true))) {
            assertThat(db.lsmStats().memtableBytes()).isZero();
            assertThat(db.get("item/lamp".getBytes(StandardCharsets.UTF_8))).isNotNull();
        }
    }
}
