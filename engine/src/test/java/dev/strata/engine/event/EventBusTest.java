package dev.strata.engine.event;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.txn.Transaction;
import dev.strata.engine.txn.TransactionEvents;
import dev.strata.engine.txn.TransactionMode;
import dev.strata.engine.txn.TransactionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.strata.engine.TestUtil.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The emitter API (on, once, off, listeners, notify's answer), asynchronous delivery in
 * registration and notification order on the bus's own thread, a failing listener not stopping
 * the others, process-wide versus per-database buses, and the transaction events in order with
 * their ids and seqnos.
 */
class EventBusTest {
    @TempDir
    Path dir;

    @Test
    void listenersRunAsynchronouslyInRegistrationOrder() throws Exception {
        EventBus bus = new EventBus("test-bus");
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch gate = new CountDownLatch(1);
        EventListener first = args -> {
            try {
                gate.await(10, TimeUnit.SECONDS); // holds delivery until notify has returned
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            threads.add(Thread.currentThread().getName());
            got.add("first " + List.of(args));
        };
        EventListener second = args -> got.add("second " + List.of(args));
        assertThat(bus.notify("foo")).as("no listener").isFalse();
        assertThat(bus.hasListeners()).isFalse();
        bus.on("foo", first);
        bus.addListener("foo", second);
        assertThat(bus.hasListeners()).isTrue();
        assertThat(bus.listeners("foo")).isEqualTo(2);
        assertThat(bus.listeners("bar")).isZero();
        assertThat(bus.notify("foo", "a", 1)).isTrue();
        assertThat(bus.notify("foo", "b", 2)).isTrue();
        assertThat(got).as("nothing ran on the notifying thread").isEmpty();
        gate.countDown();
        await("four deliveries", () -> got.size() == 4);
        assertThat(got).containsExactly("first [a, 1]", "second [a, 1]", "first [b, 2]", "second [b, 2]");
        assertThat(threads).allMatch(t -> t.startsWith("test-bus"));
        assertThat(bus.removeListener("foo", first)).isTrue();
        assertThat(bus.off("foo", first)).as("already removed").isFalse();
        assertThat(bus.off("nothing", first)).isFalse();
        assertThat(bus.listeners("foo")).isEqualTo(1);
        assertThat(bus.off("foo", second)).isTrue();
        assertThat(bus.notify("foo")).isFalse();
        bus.close();
        bus.on("foo", second);
        assertThat(bus.notify("foo")).as("closed").isFalse();
    }

    @Test
    void onceRunsOnceAndAFailingListenerDoesNotStopTheOthers() {
        EventBus bus = new EventBus("test-once");
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        bus.once("e", args -> got.add("once"));
        bus.on("e", args -> {
            throw new IllegalStateException("listener failure (expected in this test)");
        });
        bus.on("e", args -> got.add("after the failing one"));
        assertThat(bus.notify("e")).isTrue();
        assertThat(bus.notify("e")).isTrue();
        await("three deliveries", () -> got.size() == 3);
        assertThat(got).containsExactly("once", "after the failing one", "after the failing one");
        assertThat(bus.listeners("e")).isEqualTo(2);
        EventBus onlyOnce = new EventBus("test-only-once");
        onlyOnce.once("x", args -> got.add("x"));
        assertThat(onlyOnce.notify("x")).isTrue();
        assertThat(onlyOnce.notify("x")).as("the once listener is gone").isFalse();
        assertThat(onlyOnce.hasListeners()).isFalse();
        assertThatThrownBy(() -> bus.on(null, args -> { })).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> bus.on("e", null)).isInstanceOf(InvalidArgumentException.class);
        bus.close();
        onlyOnce.close();
    }

    @Test
    void theGlobalBusIsSeparateFromDatabaseBuses() {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        EventListener global = args -> got.add("global " + args[0]);
        EventBus.global().on("strata.test.shared", global);
        try (StrataDatabase db = StrataDatabase.open(dir.resolve("db"))) {
            db.events().on("strata.test.shared", args -> got.add("db " + args[0]));
            assertThat(db.events()).isNotSameAs(EventBus.global());
            assertThat(db.events().notify("strata.test.shared", 1)).isTrue();
            assertThat(EventBus.global().notify("strata.test.shared", 2)).isTrue();
            await("two deliveries", () -> got.size() == 2);
            assertThat(got).containsExactlyInAnyOrder("db 1", "global 2");
        } finally {
            assertThat(EventBus.global().off("strata.test.shared", global)).isTrue();
        }
    }

    @Test
    void transactionEventsArriveInOrderWithIdAndSeqno() {
        try (StrataDatabase db = StrataDatabase.open(dir.resolve("db"),
                StrataOptions.defaults().transactionMode(TransactionMode.OPTIMISTIC))) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            for (String e : new String[] {TransactionEvents.BEGIN, TransactionEvents.BEFORE_COMMIT,
                    TransactionEvents.COMMITTED, TransactionEvents.AFTER_COMMIT}) {
                db.events().on(e, args -> got.add(e + " " + List.of(args)));
            }
            long[] ids = new long[2];
            db.transaction((txn, attempt) -> {
                ids[0] = txn.id();
                txn.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
                return null;
            });
            long seqno = db.latestSeqno();
            // A conflict: begin and beforecommit, no committed; then the retry commits.
            db.transaction((txn, attempt) -> {
                ids[1] = txn.id();
                txn.get("k".getBytes(StandardCharsets.UTF_8));
                if (attempt == 1) {
                    db.put("k".getBytes(StandardCharsets.UTF_8), "x".getBytes(StandardCharsets.UTF_8));
                }
                txn.put("j".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
                return null;
            }, new TransactionOptions().coordinatedRetry(true));
            Transaction explicit = db.beginTransaction();
            explicit.abort();
            long retryId = ids[1];
            await("all events", () -> got.size() == 11);
            assertThat(got).containsExactly(
                    "begin-transaction [" + ids[0] + "]",
                    "beforecommit [" + ids[0] + "]",
                    "committed [" + ids[0] + ", " + seqno + "]",
                    "aftercommit [" + ids[0] + ", " + seqno + "]",
                    "begin-transaction [" + (retryId - 1) + "]",
                    "beforecommit [" + (retryId - 1) + "]",
                    "begin-transaction [" + retryId + "]",
                    "beforecommit [" + retryId + "]",
                    "committed [" + retryId + ", " + (seqno + 2) + "]",
                    "aftercommit [" + retryId + ", " + (seqno + 2) + "]",
                    "begin-transaction [" + explicit.id() + "]");
        }
    }
}
