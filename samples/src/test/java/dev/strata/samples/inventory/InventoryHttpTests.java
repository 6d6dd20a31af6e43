package dev.strata.samples.inventory;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample over real HTTP on a random port: the inventory API, then health, metrics and the
 * {@code strata} endpoint as Actuator serves them, with the endpoint's write operations refused
 * because the application does not enable them.
 */
class InventoryHttpTests extends SampleOverHttp {

    @Test
    void itemsAreCreatedAdjustedListedAndDeleted() {
        Http.Response created = http.put("/items/mug-1", "{\"name\":\"Mug\",\"quantity\":5}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().get("quantity").asLong()).isEqualTo(5);
        http.put("/items/mug-2", "{\"name\":\"Mug, large\",\"quantity\":1}");

        Http.Response adjusted = http.post("/items/mug-1/adjustments", "{\"delta\":-2,\"reason\":\"order 7\"}");
        assertThat(adjusted.status()).isEqualTo(200);
        assertThat(adjusted.body().get("quantity").asLong()).isEqualTo(3);

        Http.Response item = http.get("/items/mug-1");
        assertThat(item.body().get("name").asString()).isEqualTo("Mug");
        assertThat(item.body().get("quantity").asLong()).isEqualTo(3);
        assertThat(item.body().get("movements").asLong()).isEqualTo(2);

        JsonNode movements = http.get("/items/mug-1/movements").body();
        assertThat(movements.size()).isEqualTo(2);
        assertThat(movements.get(0).get("reason").asString()).isEqualTo("created");
        assertThat(movements.get(1).get("delta").asLong()).isEqualTo(-2);
        assertThat(movements.get(1).get("reason").asString()).isEqualTo("order 7");
        assertThat(movements.get(1).get("quantityAfter").asLong()).isEqualTo(3);
        assertThat(movements.get(1).get("at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(http.get("/items/mug-1/movements?from=1").body().size()).isEqualTo(1);

        assertThat(skus(http.get("/items?limit=1000").body())).containsSubsequence("mug-1", "mug-2");
        assertThat(skus(http.get("/items?after=mug-1").body())).doesNotContain("mug-1").contains("mug-2");

        assertThat(http.delete("/items/mug-2").status()).isEqualTo(204);
        assertThat(http.get("/items/mug-2").status()).isEqualTo(404);
        assertThat(http.delete("/items/mug-2").status()).isEqualTo(404);
    }

    @Test
    void badRequestsAreAnsweredWithProblemDetails() {
        http.put("/items/pen", "{\"name\":\"Pen\",\"quantity\":1}");
        Http.Response tooMany = http.post("/items/pen/adjustments", "{\"delta\":-2}");
        assertThat(tooMany.status()).isEqualTo(409);
        assertThat(tooMany.body().get("detail").asString()).contains("has 1 in stock");
        assertThat(http.get("/items/pen").body().get("quantity").asLong()).isEqualTo(1);

        Http.Response badSku = http.put("/items/" + "x".repeat(65), "{\"name\":\"x\",\"quantity\":1}");
        assertThat(badSku.status()).isEqualTo(400);
        assertThat(badSku.body().get("detail").asString()).contains("a SKU is 1 to 64 letters");
        assertThat(http.put("/items/ok", "{\"quantity\":1}").status()).isEqualTo(400);
        assertThat(http.put("/items/ok", "{\"name\":\"x\",\"quantity\":-1}").body().get("detail").asString())
                .contains("quantity must be 0 or more");
        assertThat(http.post("/items/pen/adjustments", "{\"delta\":0}").status()).isEqualTo(400);
        assertThat(http.post("/items/absent/adjustments", "{\"delta\":1}").status()).isEqualTo(404);
        assertThat(http.get("/items?limit=0").status()).isEqualTo(400);
        assertThat(http.put("/items/ok", "not json").status()).isEqualTo(400);
    }

    @Test
    void concurrentAdjustmentsOfOneItemAllCount() throws Exception {
        http.put("/items/bolt", "{\"name\":\"Bolt\",\"quantity\":0}");
        int threads = 4;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    Http own = new Http(port);
                    int ok = 0;
                    for (int i = 0; i < each; i++) {
                        ok += own.post("/items/bolt/adjustments", "{\"delta\":1}").status() == 200 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(each);
            }
        } finally {
            pool.shutdown();
        }
        JsonNode bolt = http.get("/items/bolt").body();
        assertThat(bolt.get("quantity").asLong()).isEqualTo(threads * each);
        assertThat(bolt.get("movements").asLong()).isEqualTo(threads * each + 1);
        JsonNode movements = http.get("/items/bolt/movements?limit=1000").body();
        assertThat(movements.size()).isEqualTo(threads * each + 1);
        for (int n = 0; n < movements.size(); n++) {
            assertThat(movements.get(n).get("number").asLong()).isEqualTo(n);
            assertThat(movements.get(n).get("quantityAfter").asLong()).isEqualTo(n);
        }
    }

    @Test
    void healthIsUpWithTheDatabasesDetails() {
        http.put("/items/cup", "{\"name\":\"Cup\",\"quantity\":2}");
        Http.Response health = http.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        JsonNode strata = health.body().get("components").get("strata");
        assertThat(strata.get("status").asString()).isEqualTo("UP");
        assertThat(strata.get("details").get("state").asString()).isEqualTo("OPEN");
        assertThat(strata.get("details").get("path").asString()).isEqualTo(dir.toAbsolutePath().normalize().toString());
        assertThat(strata.get("details").get("latestSeqno").asLong()).isPositive();
    }

    @Test
    void metricsFollowTheWrites() {
        long before = metric("strata.seqno.latest");
        double walBefore = metric("strata.wal.written");
        http.put("/items/fork", "{\"name\":\"Fork\",\"quantity\":3}");
        http.post("/items/fork/adjustments", "{\"delta\":1}");
        assertThat(metric("strata.seqno.latest")).isEqualTo(before + 2);
        assertThat((double) metric("strata.wal.written")).isGreaterThan(walBefore);
        JsonNode sstFiles = http.get("/actuator/metrics/strata.sst.files").body();
        assertThat(sstFiles.get("baseUnit").asString()).isEqualTo("files");
        assertThat(sstFiles.get("availableTags").get(0).get("tag").asString()).isEqualTo("level");
        assertThat(http.get("/actuator/metrics/strata.write.stalls").status()).isEqualTo(200);
    }

    @Test
    void theStrataEndpointReadsButRefusesWritesUntilEnabled() {
        http.put("/items/plate", "{\"name\":\"Plate\",\"quantity\":4}");
        JsonNode all = http.get("/actuator/strata").body();
        assertThat(all.get("stats").get("state").asString()).isEqualTo("OPEN");
        assertThat(all.get("properties").get("strata.path").asString()).isEqualTo(dir.toString());
        assertThat(all.get("properties").get("strata.durability").asString()).isEqualTo("SYNC");
        JsonNode stats = http.get("/actuator/strata/stats").body();
        assertThat(stats.get("levels").size()).isEqualTo(7);
        assertThat(http.get("/actuator/strata/nothing").status()).isEqualTo(404);

        long flushes = stats.get("flushes").get("count").asLong();
        assertThat(http.post("/actuator/strata/flush", "").status()).isEqualTo(405);
        assertThat(http.post("/actuator/strata/compact", "").status()).isEqualTo(405);
        assertThat(http.post("/actuator/strata/backup", "").status()).isEqualTo(405);
        assertThat(http.post("/actuator/strata/purge", "").status()).isEqualTo(405);
        // No strata.backup.directory in the default profile: no backups section.
        assertThat(all.has("backups")).isFalse();
        assertThat(http.get("/actuator/strata/backups").status()).isEqualTo(404);
        assertThat(http.get("/actuator/strata/stats").body().get("flushes").get("count").asLong()).isEqualTo(flushes);
    }

    @Test
    void theMovementHistoryIsInItsOwnColumnFamily() {
        http.put("/items/spoon", "{\"name\":\"Spoon\",\"quantity\":6}");
        http.post("/items/spoon/adjustments", "{\"delta\":-1}");
        JsonNode families = http.get("/actuator/strata/column-families").body();
        assertThat(families.has("movements")).isTrue();
        assertThat(families.size()).isEqualTo(2);
        assertThat(families.get("movements").get("estimatedKeys").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(http.get("/actuator/strata").body().get("column-families").has("movements")).isTrue();
        assertThat(metric("strata.column.families")).isEqualTo(2);
        assertThat(http.get("/items/spoon/movements").body().size()).isEqualTo(2);
    }

    private long metric(String name) {
        Http.Response r = http.get("/actuator/metrics/" + name);
        assertThat(r.status()).as(name).isEqualTo(200);
        return (long) r.body().get("measurements").get(0).get("value").asDouble();
    }

    private static List<String> skus(JsonNode items) {
        List<String> skus = new ArrayList<>();
        items.forEach(i -> skus.add(i.get("sku").asString()));
        return skus;
    }
}
