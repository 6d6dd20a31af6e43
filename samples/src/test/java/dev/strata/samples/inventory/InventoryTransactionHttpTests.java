package dev.strata.samples.inventory;

import dev.strata.engine.StrataDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's transactions and locks over real HTTP: {@code POST /transfers} moves stock between
 * two items in one Strata transaction ({@code @Transactional} on the starter's
 * {@code strataTransactionManager}) or not at all, concurrent transfers and adjustments conserve
 * stock while conflicting commits are retried, and a burst of adjustments on one item queues on
 * the item's lock from {@code StrataLockRegistry} instead of conflicting.
 */
class InventoryTransactionHttpTests extends SampleOverHttp {

    @Autowired
    StrataDatabase db;

    private static String transfer(String from, String to, long quantity) {
        return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"quantity\":" + quantity + ",\"reason\":\"rebalance\"}";
    }

    @Test
    void aTransferMovesStockAndRecordsBothMovementsInOneCommit() {
        http.put("/items/shelf-a", "{\"name\":\"Shelf A\",\"quantity\":10}");
        http.put("/items/shelf-b", "{\"name\":\"Shelf B\",\"quantity\":1}");
        long seqno = db.latestSeqno();

        Http.Response moved = http.post("/transfers", transfer("shelf-a", "shelf-b", 4));
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.body().get("from").get("quantity").asLong()).isEqualTo(6);
        assertThat(moved.body().get("to").get("quantity").asLong()).isEqualTo(5);
        assertThat(db.latestSeqno()).as("two items and two movements, one commit").isEqualTo(seqno + 1);

        assertThat(http.get("/items/shelf-a").body().get("quantity").asLong()).isEqualTo(6);
        assertThat(http.get("/items/shelf-b").body().get("quantity").asLong()).isEqualTo(5);
        JsonNode outOfA = http.get("/items/shelf-a/movements?from=1").body();
        assertThat(outOfA.size()).isEqualTo(1);
        assertThat(outOfA.get(0).get("delta").asLong()).isEqualTo(-4);
        assertThat(outOfA.get(0).get("reason").asString()).isEqualTo("transfer to shelf-b: rebalance");
        JsonNode intoB = http.get("/items/shelf-b/movements?from=1").body();
        assertThat(intoB.get(0).get("delta").asLong()).isEqualTo(4);
        assertThat(intoB.get(0).get("reason").asString()).isEqualTo("transfer from shelf-a: rebalance");
    }

    @Test
    void aFailedTransferChangesNothing() {
        http.put("/items/bin-a", "{\"name\":\"Bin A\",\"quantity\":3}");
        http.put("/items/bin-b", "{\"name\":\"Bin B\",\"quantity\":0}");
        long seqno = db.latestSeqno();

        Http.Response overdrawn = http.post("/transfers", transfer("bin-a", "bin-b", 5));
        assertThat(overdrawn.status()).isEqualTo(409);
        assertThat(overdrawn.body().get("detail").asString()).contains("has 3 in stock");
        assertThat(http.post("/transfers", transfer("bin-a", "nowhere", 1)).status()).isEqualTo(404);
        assertThat(http.post("/transfers", transfer("bin-a", "bin-a", 1)).status()).isEqualTo(400);
        assertThat(http.post("/transfers", transfer("bin-a", "bin-b", 0)).status()).isEqualTo(400);
        assertThat(http.post("/transfers", "{\"from\":\"bin-a\",\"quantity\":1}").status()).isEqualTo(400);

        assertThat(db.latestSeqno()).as("nothing committed").isEqualTo(seqno);
        assertThat(http.get("/items/bin-a").body().get("quantity").asLong()).isEqualTo(3);
        assertThat(http.get("/items/bin-b").body().get("movements").asLong()).isEqualTo(1);
        assertThat(db.transactionStats().aborted()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void concurrentTransfersBothWaysAndAdjustmentsConserveStock() throws Exception {
        http.put("/items/left", "{\"name\":\"Left\",\"quantity\":1000}");
        http.put("/items/right", "{\"name\":\"Right\",\"quantity\":1000}");
        int each = 10;
        List<Callable<Integer>> clients = List.of(
                () -> repeat(each, own -> own.post("/transfers", transfer("left", "right", 1))),
                () -> repeat(each, own -> own.post("/transfers", transfer("left", "right", 1))),
                () -> repeat(each, own -> own.post("/transfers", transfer("right", "left", 1))),
                () -> repeat(each, own -> own.post("/items/left/adjustments", "{\"delta\":1}")));
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (Callable<Integer> client : clients) {
                results.add(pool.submit(client));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(120, TimeUnit.SECONDS)).as("requests answered 200").isEqualTo(each);
            }
        } finally {
            pool.shutdown();
        }
        long left = http.get("/items/left").body().get("quantity").asLong();
        long right = http.get("/items/right").body().get("quantity").asLong();
        assertThat(left + right).as("transfers conserve stock; the adjustments added " + each).isEqualTo(2000 + each);
        assertThat(right).isEqualTo(1000 + each);
        assertThat(http.get("/items/left").body().get("movements").asLong()).isEqualTo(1 + 4L * each);
    }

    private int repeat(int times, java.util.function.Function<Http, Http.Response> call) {
        Http own = new Http(port);
        int ok = 0;
        for (int i = 0; i < times; i++) {
            ok += call.apply(own).status() == 200 ? 1 : 0;
        }
        return ok;
    }

    @Test
    void aBurstOfAdjustmentsOnOneItemQueuesOnItsLockInsteadOfConflicting() throws Exception {
        http.put("/items/hot", "{\"name\":\"Hot item\",\"quantity\":0}");
        long conflictsBefore = db.transactionStats().conflicts();
        int threads = 4;
        int each = 15;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> repeat(each, own -> own.post("/items/hot/adjustments", "{\"delta\":1}"))));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(120, TimeUnit.SECONDS)).isEqualTo(each);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(http.get("/items/hot").body().get("quantity").asLong()).isEqualTo((long) threads * each);
        assertThat(db.transactionStats().conflicts()).as("each adjustment began after the previous one committed")
                .isEqualTo(conflictsBefore);
        assertThat(db.hasLock("item/hot".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isFalse();
    }
}
