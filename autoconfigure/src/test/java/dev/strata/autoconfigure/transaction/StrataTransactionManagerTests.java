package dev.strata.autoconfigure.transaction;

import dev.strata.autoconfigure.Eventually;
import dev.strata.autoconfigure.StrataAutoConfiguration;
import dev.strata.autoconfigure.transaction.TransactionalBeans.Inner;
import dev.strata.autoconfigure.transaction.TransactionalBeans.Outer;
import dev.strata.autoconfigure.transaction.TransactionalBeans.SnapshotSeen;
import dev.strata.engine.ErrorCode;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataException;
import dev.strata.engine.txn.TransactionConflictException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.InvalidIsolationLevelException;
import org.springframework.transaction.NestedTransactionNotSupportedException;
import org.springframework.transaction.TransactionTimedOutException;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;

import static dev.strata.autoconfigure.transaction.TransactionalBeans.read;
import static dev.strata.autoconfigure.transaction.TransactionalBeans.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @Transactional} methods on {@link StrataTransactionManager}, through Boot's own
 * {@code TransactionAutoConfiguration} (the proxies an application gets): commit, rollback,
 * rollback-only, each propagation, read-only, timeout, isolation, a commit conflict and its retry
 * with Spring's {@code @Retryable}, and {@code TransactionTemplate}.
 */
class StrataTransactionManagerTests {

    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    @EnableResilientMethods
    static class Beans {
        @Bean
        Inner inner(StrataTemplate template) {
            return new Inner(template);
        }

        @Bean
        Outer outer(StrataTemplate template, StrataDatabase db, Inner inner) {
            return new Outer(template, db, inner);
        }
    }

    private void run(ContextConsumer<AssertableApplicationContext> test) {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(StrataAutoConfiguration.class,
                        StrataTransactionAutoConfiguration.class, TransactionAutoConfiguration.class))
                .withUserConfiguration(Beans.class)
                .withPropertyValues("strata.path=" + dir)
                .run(test);
    }

    @Test
    void aTransactionalMethodCommitsAllItsWritesWhenItReturns() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            long before = db.latestSeqno();
            context.getBean(Outer.class).writeTwo("a", "b");
            assertThat(read(db, "a")).isEqualTo("1");
            assertThat(read(db, "b")).isEqualTo("2");
            assertThat(db.latestSeqno()).as("both writes under one seqno").isEqualTo(before + 1);
            assertThat(TransactionSynchronizationManager.hasResource(db)).isFalse();
        });
    }

    @Test
    void anExceptionRollsEverythingBack() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            assertThatThrownBy(() -> context.getBean(Outer.class).writeThenFail("k"))
                    .isInstanceOf(IllegalStateException.class).hasMessage("business failure");
            assertThat(read(db, "k")).isNull();
            assertThat(db.transactionStats().aborted()).isEqualTo(1);
        });
    }

    @Test
    void rollbackOnlyDiscardsTheWritesWithoutAnException() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            context.getBean(Outer.class).writeThenRollbackOnly("k");
            assertThat(read(db, "k")).isNull();
        });
    }

    @Test
    void aFailedParticipantMakesTheOuterCommitAnUnexpectedRollback() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            assertThatThrownBy(() -> context.getBean(Outer.class).writeAndSwallowInnerFailure("k"))
                    .isInstanceOf(UnexpectedRollbackException.class);
            assertThat(read(db, "k")).isNull();
            assertThat(read(db, "k-inner")).isNull();
        });
    }

    @Test
    void requiredJoinsTheOuterTransaction() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            long before = db.latestSeqno();
            context.getBean(Outer.class).writeWithRequired("k");
            assertThat(read(db, "k")).isEqualTo("outer");
            assertThat(read(db, "k-inner")).isEqualTo("inner");
            assertThat(db.latestSeqno()).isEqualTo(before + 1);
            assertThat(db.transactionStats().committed()).isEqualTo(1);
        });
    }

    @Test
    void requiresNewIsASeparateStrataTransactionThatCommitsOnItsOwn() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            db.put(utf8("k"), utf8("initial"));
            assertThatThrownBy(() -> context.getBean(Outer.class).readThenRequiresNewThenFail("k"))
                    .isInstanceOfSatisfying(SnapshotSeen.class, seen -> {
                        assertThat(seen.before).isEqualTo("initial");
                        // The outer transaction reads at its own snapshot, taken before the inner commit.
                        assertThat(seen.after).isEqualTo("initial");
                    });
            assertThat(read(db, "k")).as("the inner transaction committed").isEqualTo("from inner");
            assertThat(read(db, "k-outer")).as("the outer one rolled back").isNull();
            assertThat(db.transactionStats().committed()).isEqualTo(1);
            assertThat(db.transactionStats().aborted()).isEqualTo(1);
        });
    }

    @Test
    void aKeyTheOuterTransactionReadAndARequiresNewOneCommittedMakesTheOuterCommitConflict() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            assertThatThrownBy(() -> context.getBean(Outer.class).readThenRequiresNewOnTheSameKey("k"))
                    .isInstanceOf(OptimisticLockingFailureException.class);
            assertThat(read(db, "k")).isEqualTo("from inner");
        });
    }

    @Test
    void aTransactionalMethodCalledInsideATemplateCallbackJoinsOrSuspendsTheTemplatesTransaction() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            Inner inner = context.getBean(Inner.class);
            long before = db.latestSeqno();
            context.getBean(StrataTemplate.class).executeWithoutResult(txn -> {
                txn.put(utf8("a"), utf8("1"));
                inner.required("b", "2");
                assertThat(read(db, "b")).as("REQUIRED joined: not committed yet").isNull();
                inner.requiresNew("c", "3");
                assertThat(read(db, "c")).as("REQUIRES_NEW committed on its own").isEqualTo("3");
                assertThat(StrataTransactions.current(db)).as("the template's transaction is bound again").contains(txn);
            });
            assertThat(read(db, "a")).isEqualTo("1");
            assertThat(read(db, "b")).isEqualTo("2");
            assertThat(db.latestSeqno()).as("the inner commit and the template's").isEqualTo(before + 2);
        });
    }

    @Test
    void notSupportedSuspendsTheTransactionSoItsWritesCommitAtOnce() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            boolean[] innerSaw = {true};
            assertThatThrownBy(() -> context.getBean(Outer.class).writeThenNotSupportedThenFail("k", innerSaw))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(innerSaw[0]).as("no transaction inside NOT_SUPPORTED").isFalse();
            assertThat(read(db, "k-inner")).isEqualTo("inner");
            assertThat(read(db, "k")).isNull();
        });
    }

    @Test
    void supportsRunsWithoutATransactionWhenThereIsNone() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            assertThat(context.getBean(Inner.class).supports("k", "v")).isFalse();
            assertThat(read(db, "k")).isEqualTo("v");
            assertThat(db.transactionStats().begun()).isZero();
        });
    }

    @Test
    void mandatoryRefusesToRunOutsideATransactionAndNeverInsideOne() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            assertThatThrownBy(() -> context.getBean(Inner.class).mandatory("k", "v"))
                    .isInstanceOf(IllegalTransactionStateException.class);
            assertThatThrownBy(() -> context.getBean(Outer.class).callNever("k"))
                    .isInstanceOf(IllegalTransactionStateException.class);
            context.getBean(Inner.class).never("free", "v");
            assertThat(read(db, "k")).isNull();
            assertThat(read(db, "free")).isEqualTo("v");
        });
    }

    @Test
    void nestedIsRefusedForTheEngineHasNoSavepoints() {
        run(context -> assertThatThrownBy(() -> context.getBean(Outer.class).callNested("k"))
                .isInstanceOf(NestedTransactionNotSupportedException.class));
    }

    @Test
    void aCommitConflictIsAnOptimisticLockingFailureWithTheEngineCodeAsCause() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            db.put(utf8("k"), utf8("0"));
            assertThatThrownBy(() -> context.getBean(Outer.class).readModifyWriteWithInterference("k"))
                    .isInstanceOf(OptimisticLockingFailureException.class)
                    .hasCauseInstanceOf(TransactionConflictException.class)
                    .satisfies(e -> assertThat(((StrataException) e.getCause()).code()).isEqualTo(ErrorCode.BUSY));
            assertThat(read(db, "k")).isEqualTo("changed");
        });
    }

    @Test
    void retryableAroundTransactionalReRunsTheMethodInANewTransaction() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            Outer outer = context.getBean(Outer.class);
            outer.retriedReadModifyWrite("k");
            assertThat(outer.attempts()).isEqualTo(2);
            assertThat(read(db, "k")).as("the second attempt read the interfering write").isEqualTo("changed+1");
            assertThat(db.transactionStats().conflicts()).isEqualTo(1);
        });
    }

    @Test
    void aReadOnlyTransactionRefusesWritesAndNeverCommits() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            db.put(utf8("k"), utf8("v"));
            Outer outer = context.getBean(Outer.class);
            assertThat(outer.readOnly("k", false)).contains("v");
            assertThatThrownBy(() -> outer.readOnly("k", true))
                    .isInstanceOf(InvalidDataAccessApiUsageException.class)
                    .hasMessageContaining("ERR_READ_ONLY").hasMessageContaining("read-only");
            long seqno = db.latestSeqno();
            outer.readOnlyRawWrite("raw");
            assertThat(read(db, "raw")).as("a raw write in a read-only transaction is discarded").isNull();
            assertThat(db.latestSeqno()).isEqualTo(seqno);
        });
    }

    @Test
    void anOperationAfterTheTimeoutFailsAndNothingCommits() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            long start = System.nanoTime();
            assertThatThrownBy(() -> context.getBean(Outer.class).slow("k",
                    () -> Eventually.await("the 1 s timeout to pass", () -> System.nanoTime() - start > 1_100_000_000L)))
                    .isInstanceOf(TransactionTimedOutException.class);
            assertThat(read(db, "k")).isNull();
        });
    }

    @Test
    void serializableIsRefusedAndWeakerLevelsRunAtSnapshotIsolation() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            Outer outer = context.getBean(Outer.class);
            assertThatThrownBy(() -> outer.serializable("k")).isInstanceOf(InvalidIsolationLevelException.class)
                    .hasMessageContaining("snapshot isolation");
            outer.repeatableRead("k");
            assertThat(read(db, "k")).isEqualTo("v");
        });
    }

    @Test
    void theTemplateJoinsTheTransactionOfTheMethod() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            assertThat(context.getBean(Outer.class).templateJoins("k")).isTrue();
            assertThat(read(db, "k")).isEqualTo("through execute");
            assertThat(db.transactionStats().begun()).isEqualTo(1);
        });
    }

    @Test
    void transactionTemplateRunsOneStrataTransaction() {
        run(context -> {
            StrataDatabase db = context.getBean(StrataDatabase.class);
            StrataTemplate strata = context.getBean(StrataTemplate.class);
            TransactionTemplate tx = context.getBean(TransactionTemplate.class);
            tx.executeWithoutResult(status -> {
                strata.put(null, utf8("a"), utf8("1"));
                assertThat(StrataTransactions.current(db)).isPresent();
            });
            assertThat(read(db, "a")).isEqualTo("1");
            tx.executeWithoutResult(status -> {
                strata.put(null, utf8("b"), utf8("1"));
                status.setRollbackOnly();
            });
            assertThat(read(db, "b")).isNull();
            assertThat(StrataTransactions.current(db)).isEmpty();
        });
    }
}
