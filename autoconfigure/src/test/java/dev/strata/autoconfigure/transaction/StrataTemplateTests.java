package dev.strata.autoconfigure.transaction;

import dev.strata.autoconfigure.view.StrataCodecs;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.TransactionAbandonedException;
import dev.strata.engine.txn.TransactionConflictException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.transaction.UnexpectedRollbackException;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.strata.autoconfigure.transaction.TransactionalBeans.read;
import static dev.strata.autoconfigure.transaction.TransactionalBeans.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link StrataTemplate} on its own: its transactions, retries, joining, rollback-only and helpers. */
class StrataTemplateTests {

    @TempDir
    Path dir;

    private StrataDatabase db;

    @BeforeEach
    void open() {
        db = StrataDatabase.open(dir, StrataOptions.defaults());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private StrataTemplate template(int maxRetries, StrataExceptionMapper mapper) {
        return new StrataTemplate(db, maxRetries, false, mapper);
    }

    @Test
    void executeCommitsWhatTheCallbackWroteAndReturnsItsResult() {
        StrataTemplate template = template(3, StrataExceptionMapper.ENGINE);
        String result = template.execute((txn, attempt) -> {
            txn.put(utf8("a"), utf8("1"));
            template.put("b", "2", StrataCodecs.utf8()); // a helper inside the callback joins it
            assertThat(read(db, "a")).isNull();
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(read(db, "a")).isEqualTo("1");
        assertThat(read(db, "b")).isEqualTo("2");
        assertThat(db.transactionStats().committed()).isEqualTo(1);
        assertThat(template.currentTransaction()).isEmpty();
    }

    @Test
    void aThrowingCallbackRollsBackAndTheExceptionPassesUnchanged() {
        StrataTemplate template = template(3, new StrataDataAccessExceptionTranslator());
        IllegalStateException failure = new IllegalStateException("mine");
        assertThatThrownBy(() -> template.executeWithoutResult(txn -> {
            txn.put(utf8("a"), utf8("1"));
            throw failure;
        })).isSameAs(failure);
        assertThat(read(db, "a")).isNull();
    }

    @Test
    void conflictsAreRetriedInANewTransactionThatSeesTheWinningCommit() {
        StrataTemplate template = template(3, StrataExceptionMapper.ENGINE);
        db.put(utf8("counter"), utf8("0"));
        int[] attempts = {0};
        template.execute((txn, attempt) -> {
            attempts[0] = attempt;
            int seen = Integer.parseInt(new String(txn.get(utf8("counter"))));
            if (attempt == 1) {
                db.put(utf8("counter"), utf8("10")); // a concurrent commit in between
            }
            txn.put(utf8("counter"), utf8(String.valueOf(seen + 1)));
            return null;
        });
        assertThat(attempts[0]).isEqualTo(2);
        assertThat(read(db, "counter")).isEqualTo("11");
    }

    @Test
    void afterTheLastRetryTheAbandonIsMappedOrLeftAsTheEngineSays() {
        assertThatThrownBy(() -> template(2, StrataExceptionMapper.ENGINE).execute(this::conflict))
                .isInstanceOf(TransactionAbandonedException.class).hasCauseInstanceOf(TransactionConflictException.class);
        assertThatThrownBy(() -> template(0, new StrataDataAccessExceptionTranslator()).execute(this::conflict))
                .isInstanceOf(ConcurrencyFailureException.class).hasCauseInstanceOf(TransactionAbandonedException.class)
                .hasMessageContaining("ERR_TRANSACTION_ABANDONED");
        assertThat(db.transactionStats().abandoned()).isEqualTo(2);
    }

    private Object conflict(dev.strata.engine.txn.Transaction txn, int attempt) {
        txn.get(utf8("hot"));
        db.put(utf8("hot"), utf8("attempt " + attempt));
        txn.put(utf8("hot"), utf8("mine"));
        return null;
    }

    @Test
    void aNestedExecuteJoinsAndItsFailureMakesTheOuterRollBack() {
        StrataTemplate template = template(3, new StrataDataAccessExceptionTranslator());
        assertThatThrownBy(() -> template.execute((outer, attempt) -> {
            outer.put(utf8("outer"), utf8("1"));
            long outerId = outer.id();
            try {
                template.execute((inner, innerAttempt) -> {
                    assertThat(inner.id()).isEqualTo(outerId);
                    inner.put(utf8("inner"), utf8("1"));
                    throw new IllegalArgumentException("inner fails");
                });
            } catch (IllegalArgumentException expected) {
                // swallowed: the outer transaction is rollback-only all the same
            }
            return null;
        })).isInstanceOf(UnexpectedRollbackException.class).hasMessageContaining("rollback-only");
        assertThat(read(db, "outer")).isNull();
        assertThat(read(db, "inner")).isNull();
        assertThatThrownBy(() -> template(3, StrataExceptionMapper.ENGINE).execute((outer, attempt) -> {
            try {
                template.executeWithoutResult(inner -> {
                    throw new IllegalArgumentException("inner fails");
                });
            } catch (IllegalArgumentException expected) {
                // swallowed
            }
            return null;
        })).isInstanceOf(TransactionAbandonedException.class).hasMessageContaining("rollback-only");
    }

    @Test
    void theTransactionIsBoundOnlyForTheCallbackAndOnlyOnItsThread() throws Exception {
        StrataTemplate template = template(3, StrataExceptionMapper.ENGINE);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            template.execute((txn, attempt) -> {
                assertThat(StrataTransactions.current(db)).contains(txn);
                Future<Boolean> elsewhere = other.submit(() -> StrataTransactions.current(db).isPresent());
                try {
                    assertThat(elsewhere.get(30, TimeUnit.SECONDS)).isFalse();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return null;
            });
            assertThat(StrataTransactions.current(db)).isEmpty();
        } finally {
            other.shutdown();
        }
    }

    @Test
    void helpersOutsideATransactionAreSingleCommits() {
        StrataTemplate template = template(3, new StrataDataAccessExceptionTranslator());
        long before = db.latestSeqno();
        template.put("a", "1", StrataCodecs.utf8());
        template.put("b", "2", StrataCodecs.utf8());
        assertThat(db.latestSeqno()).isEqualTo(before + 2);
        assertThat(template.get("a", StrataCodecs.utf8())).contains("1");
        assertThat(template.getForUpdate(null, utf8("b"))).isEqualTo(utf8("2"));
        List<KeyValue> all = template.range(null, RangeOptions.all().limit(10));
        assertThat(all).extracting(kv -> new String(kv.key())).containsExactly("a", "b");
        template.remove("a");
        assertThat(template.get("a", StrataCodecs.utf8())).isEmpty();
        assertThatThrownBy(() -> template.range(null, RangeOptions.all()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> template.put((String) null, "v", StrataCodecs.utf8()))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> template.put(null, new byte[70_000], utf8("v")))
                .as("an engine refusal, mapped").isInstanceOf(InvalidDataAccessApiUsageException.class)
                .hasMessageContaining("ERR_INVALID_ARGUMENT");
    }

    @Test
    void badArgumentsAreRefusedWithTheEngineCode() {
        assertThatThrownBy(() -> new StrataTemplate(db, -1, false, StrataExceptionMapper.ENGINE))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> new StrataTemplate(null))
                .isInstanceOf(InvalidArgumentException.class);
        StrataTemplate template = new StrataTemplate(db);
        assertThatThrownBy(() -> template.execute(null)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> template.executeWithoutResult(null)).isInstanceOf(InvalidArgumentException.class);
        assertThat(template.maxRetries()).isEqualTo(3);
        assertThat(template.database()).isSameAs(db);
    }
}
