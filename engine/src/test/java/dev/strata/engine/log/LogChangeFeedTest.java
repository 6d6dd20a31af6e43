package dev.strata.engine.log;

import dev.strata.engine.LogUnavailableException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.event.ChangeEvent;
import dev.strata.engine.event.ChangeListener;
import dev.strata.engine.event.ChangeType;
import dev.strata.engine.event.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.strata.engine.TestUtil.await;
import static dev.strata.engine.TestUtil.b;
import static dev.strata.engine.TestUtil.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The durable change feed replays from a seqno, follows live commits, and resumes after a restart. */
class LogChangeFeedTest {
    @TempDir
    Path dir;

    private static ChangeListener into(List<ChangeEvent> out) {
        return ChangeListener.of(out::add, o -> out.add(new ChangeEvent(-1, 0, 0, ChangeType.PUT, b("overflow"), null, null, 0)));
    }

    @Test
    void replaysThenFollowsAndResumesAfterRestart() {
        List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
        long lastProcessed;
        try (StrataDatabase db = StrataDatabase.open(dir)) {
            for (int i = 0; i < 50; i++) {
                db.put(b("user/" + i), b("v" + i));
                db.put(b("other/" + i), b("x"));
            }
            db.deleteRange(b("user/40"), b("user/45"));
            try (Subscription sub = db.subscribe(b("user/"), 1, into(seen))) {
                await("the replay", () -> seen.size() == 51);
                db.put(b("user/live"), b("1"));
                db.remove(b("user/0"));
                db.put(b("other/live"), b("1"));
                await("the live commits", () -> seen.size() == 53);
                assertThat(sub.delivered()).isEqualTo(53);
            }
            assertThat(seen.get(0).seqno()).isEqualTo(1);
            assertThat(seen).extracting(ChangeEvent::seqno).isSorted();
            assertThat(seen.get(50).type()).isEqualTo(ChangeType.DELETE_RANGE);
            assertThat(s(seen.get(51).key())).isEqualTo("user/live");
            assertThat(seen.get(52).type()).isEqualTo(ChangeType.REMOVE);
            lastProcessed = seen.get(52).seqno();
            db.put(b("user/while-away"), b("2"));
        }
        List<ChangeEvent> resumed = new CopyOnWriteArrayList<>();
        try (StrataDatabase db = StrataDatabase.open(dir);
             Subscription sub = db.subscribe(b("user/"), lastProcessed + 1, into(resumed))) {
            await("the change made while away", () -> resumed.size() == 1);
            assertThat(s(resumed.get(0).key())).isEqualTo("user/while-away");
            assertThat(sub.isOpen()).isTrue();
        }
    }

    @Test
    void aSeqnoTheWalNoLongerHoldsIsRefused() {
        StrataOptions o = StrataOptions.defaults().walSegmentSize(64 << 10).walKeepSize(0);
        try (StrataDatabase db = StrataDatabase.open(dir, o)) {
            for (int i = 0; i < 500; i++) {
                db.put(b("k" + i), new byte[512]);
            }
            db.flush();
            db.runLogRetention();
            assertThatThrownBy(() -> db.subscribe(b(""), 1, into(new CopyOnWriteArrayList<>())))
                    .isInstanceOf(LogUnavailableException.class)
                    .satisfies(e -> assertThat(((LogUnavailableException) e).oldestAvailable()).isGreaterThan(1));
        }
    }
}
