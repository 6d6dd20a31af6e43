package dev.strata.samples.shutdown;

import dev.strata.engine.StrataDatabase;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request that waits inside the application until the test lets it go, then writes to the
 * database: a request in flight while the application shuts down. What the write did (its seqno,
 * or the exception) is kept in {@link #outcome}, since the client may not see the response: Boot
 * can stop Tomcat between the request's end and the flush of its response. Kept out of the
 * inventory's package so only the shutdown test registers it.
 */
@RestController
public class SlowRequests {

    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CompletableFuture<Long> outcome = new CompletableFuture<>();

    private final StrataDatabase db;

    public SlowRequests(StrataDatabase db) {
        this.db = db;
    }

    @PostMapping("/slow/{key}")
    public long write(@PathVariable String key) throws InterruptedException {
        entered.countDown();
        if (!release.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released the request");
        }
        try {
            long seqno = db.put(key.getBytes(StandardCharsets.UTF_8),
                    "written during shutdown".getBytes(StandardCharsets.UTF_8)).seqno();
            outcome.complete(seqno);
            return seqno;
        } catch (RuntimeException e) {
            outcome.completeExceptionally(e);
            throw e;
        }
    }
}
