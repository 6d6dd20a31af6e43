package dev.strata.samples.shutdown;

import dev.strata.autoconfigure.StrataDatabaseLifecycle;
import dev.strata.engine.StrataDatabase;
import dev.strata.samples.inventory.InventoryApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database closes after the web server: a request in flight when shutdown begins still
 * writes to an open database while the server drains, and only then is the database closed.
 */
class ShutdownOrderTests {

    @TempDir
    Path dir;

    @Test
    void aRequestInFlightAtShutdownStillWritesAndTheDatabaseClosesAfterIt() throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(InventoryApplication.class, SlowRequests.class)
                .logStartupInfo(false).run("--server.port=0", "--strata.path=" + dir, "--server.shutdown=graceful");
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        StrataDatabase db = app.getBean(StrataDatabase.class);
        SlowRequests slow = app.getBean(SlowRequests.class);
        CompletableFuture<Void> closing = null;
        try {
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().sendAsync(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/slow/late"))
                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(slow.entered.await(30, TimeUnit.SECONDS)).isTrue();

            closing = CompletableFuture.runAsync(app::close);
            awaitConnectionsRefused(port);
            // The server has stopped accepting and is draining; the database must still be open.
            assertThat(db.isClosed()).isFalse();
            assertThat(closing).isNotDone();
        } finally {
            slow.release.countDown();
            if (closing == null) {
                app.close();
            }
        }
        long seqno = slow.outcome.get(30, TimeUnit.SECONDS);
        closing.get(60, TimeUnit.SECONDS);
        assertThat(db.isClosed()).isTrue();

        try (StrataDatabase reopened = StrataDatabase.open(dir)) {
            assertThat(new String(reopened.get("late".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                    .isEqualTo("written during shutdown");
            assertThat(reopened.latestSeqno()).isGreaterThanOrEqualTo(seqno);
        }
    }

    @Test
    void theLifecyclePhaseIsBelowEveryWebServerLifecycle() {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(InventoryApplication.class)
                .logStartupInfo(false).run("--server.port=0", "--strata.path=" + dir)) {
            var webServerPhases = app.getBeansOfType(SmartLifecycle.class).values().stream()
                    .filter(l -> l.getClass().getName().contains("WebServer")).map(SmartLifecycle::getPhase).toList();
            assertThat(webServerPhases).hasSize(2);
            assertThat(webServerPhases).allSatisfy(phase -> assertThat(StrataDatabaseLifecycle.PHASE).isLessThan(phase));
        }
    }

    /** Polls until a new connection to the port is refused: graceful shutdown has closed the listener. */
    private static void awaitConnectionsRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("localhost", port), 1000);
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the server still accepted connections 30 s after shutdown began");
    }
}
