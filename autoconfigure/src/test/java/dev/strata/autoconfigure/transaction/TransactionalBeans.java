package dev.strata.autoconfigure.transaction;

import dev.strata.autoconfigure.view.StrataCodecs;
import dev.strata.engine.StrataDatabase;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code @Transactional} beans for {@link StrataTransactionManagerTests}: {@link Outer} calls
 * {@link Inner} through its proxy, so each propagation case crosses a real transaction boundary.
 * Values are UTF-8 strings written through {@link StrataTemplate}.
 */
final class TransactionalBeans {

    private TransactionalBeans() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String read(StrataDatabase db, String key) {
        byte[] value = db.get(utf8(key));
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    static class Inner {
        private final StrataTemplate template;

        Inner(StrataTemplate template) {
            this.template = template;
        }

        @Transactional
        public void required(String key, String value) {
            template.put(key, value, StrataCodecs.utf8());
        }

        @Transactional
        public void requiredThenFail(String key) {
            template.put(key, "partial", StrataCodecs.utf8());
            throw new IllegalStateException("inner failure");
        }

        @Transactional(propagation = Propagation.REQUIRES_NEW)
        public void requiresNew(String key, String value) {
            template.put(key, value, StrataCodecs.utf8());
        }

        @Transactional(propagation = Propagation.NOT_SUPPORTED)
        public boolean notSupported(String key, String value) {
            template.put(key, value, StrataCodecs.utf8());
            return template.currentTransaction().isPresent();
        }

        @Transactional(propagation = Propagation.SUPPORTS)
        public boolean supports(String key, String value) {
            template.put(key, value, StrataCodecs.utf8());
            return template.currentTransaction().isPresent();
        }

        @Transactional(propagation = Propagation.MANDATORY)
        public void mandatory(String key, String value) {
            template.put(key, value, StrataCodecs.utf8());
        }

        @Transactional(propagation = Propagation.NEVER)
        public void never(String key, String value) {
            template.put(key, value, StrataCodecs.utf8());
        }

        @Transactional(propagation = Propagation.NESTED)
        public void nested(String key, String value) {
            template.put(key, value, StrataCodecs.utf8());
        }
    }

    static class Outer {
        private final StrataTemplate template;
        private final StrataDatabase db;
        private final Inner inner;
        private final AtomicInteger attempts = new AtomicInteger();

        Outer(StrataTemplate template, StrataDatabase db, Inner inner) {
            this.template = template;
            this.db = db;
            this.inner = inner;
        }

        /** How many times a read-modify-write ran (a method, so it reaches the target through the proxy). */
        public int attempts() {
            return attempts.get();
        }

        @Transactional
        public void writeTwo(String a, String b) {
            template.put(a, "1", StrataCodecs.utf8());
            // Not yet visible outside the transaction: it commits when this method returns.
            if (read(db, a) != null) {
                throw new AssertionError("a write was visible before the commit");
            }
            template.put(b, "2", StrataCodecs.utf8());
        }

        @Transactional
        public void writeThenFail(String key) {
            template.put(key, "x", StrataCodecs.utf8());
            throw new IllegalStateException("business failure");
        }

        @Transactional
        public void writeThenRollbackOnly(String key) {
            template.put(key, "x", StrataCodecs.utf8());
            TransactionAspectSupport.currentTransactionStatus().setRollbackOnly();
        }

        @Transactional
        public void writeAndSwallowInnerFailure(String key) {
            template.put(key, "outer", StrataCodecs.utf8());
            try {
                inner.requiredThenFail(key + "-inner");
            } catch (IllegalStateException expected) {
                // The inner participant already marked the shared transaction rollback-only.
            }
        }

        @Transactional
        public void writeWithRequired(String key) {
            template.put(key, "outer", StrataCodecs.utf8());
            inner.required(key + "-inner", "inner");
        }

        @Transactional
        public String readThenRequiresNewThenFail(String key) {
            Optional<String> before = template.get(key, StrataCodecs.utf8());
            inner.requiresNew(key, "from inner");
            Optional<String> after = template.get(key, StrataCodecs.utf8());
            template.put(key + "-outer", "outer", StrataCodecs.utf8());
            throw new SnapshotSeen(before.orElse(null), after.orElse(null));
        }

        /** Reads the key, lets a REQUIRES_NEW transaction commit it, then writes it: the outer commit conflicts. */
        @Transactional
        public void readThenRequiresNewOnTheSameKey(String key) {
            template.get(key, StrataCodecs.utf8());
            inner.requiresNew(key, "from inner");
            template.put(key, "from outer", StrataCodecs.utf8());
        }

        @Transactional
        public void writeThenNotSupportedThenFail(String key, boolean[] innerSawTransaction) {
            template.put(key, "outer", StrataCodecs.utf8());
            innerSawTransaction[0] = inner.notSupported(key + "-inner", "inner");
            throw new IllegalStateException("outer fails after the non-transactional inner call");
        }

        @Transactional
        public void callNever(String key) {
            inner.never(key, "v");
        }

        @Transactional
        public void callNested(String key) {
            inner.nested(key, "v");
        }

        /** Reads the key (so the commit checks it), lets a plain write change it, then writes it. */
        @Transactional
        public void readModifyWriteWithInterference(String key) {
            readModifyWrite(key);
        }

        @Retryable(includes = ConcurrencyFailureException.class, maxRetries = 3, delay = 0)
        @Transactional
        public void retriedReadModifyWrite(String key) {
            readModifyWrite(key);
        }

        private void readModifyWrite(String key) {
            String seen = template.get(key, StrataCodecs.utf8()).orElse("0");
            if (attempts.incrementAndGet() == 1) {
                db.put(utf8(key), utf8("changed"));
            }
            template.put(key, seen + "+1", StrataCodecs.utf8());
        }

        @Transactional(readOnly = true)
        public Optional<String> readOnly(String key, boolean write) {
            if (write) {
                template.put(key, "written in a read-only transaction", StrataCodecs.utf8());
            }
            return template.get(key, StrataCodecs.utf8());
        }

        @Transactional(readOnly = true)
        public void readOnlyRawWrite(String key) {
            template.currentTransaction().orElseThrow().put(utf8(key), utf8("raw"));
        }

        @Transactional(timeout = 1)
        public void slow(String key, Runnable waitPastDeadline) {
            template.put(key, "before", StrataCodecs.utf8());
            waitPastDeadline.run();
            template.put(key, "after", StrataCodecs.utf8());
        }

        @Transactional(isolation = Isolation.SERIALIZABLE)
        public void serializable(String key) {
            template.put(key, "v", StrataCodecs.utf8());
        }

        @Transactional(isolation = Isolation.REPEATABLE_READ)
        public void repeatableRead(String key) {
            template.put(key, "v", StrataCodecs.utf8());
        }

        @Transactional
        public boolean templateJoins(String key) {
            long outerId = template.currentTransaction().orElseThrow().id();
            return template.execute((txn, attempt) -> {
                txn.put(utf8(key), utf8("through execute"));
                return txn.id() == outerId && attempt == 1;
            });
        }
    }

    /** Carries what the outer transaction read before and after a REQUIRES_NEW call. */
    static final class SnapshotSeen extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String before;
        final String after;

        SnapshotSeen(String before, String after) {
            super("seen");
            this.before = before;
            this.after = after;
        }
    }
}
