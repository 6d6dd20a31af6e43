package dev.strata.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;

/**
 * One commit of a crash-test workload: a single put, remove or delete-range, a write batch of
 * several, or a transaction of several puts and removes (which first reads a few keys, so that
 * optimistic transactions can conflict with other writers and be retried, and adds an entry to
 * the transaction log {@link #TRANSACTION_LOG}). Each primitive names its column family (null:
 * the default one). Keys and values are ASCII strings; values start with a tag naming who wrote
 * them. A single put in the default family whose value length is a multiple of 5 commits as a
 * transaction that adds its key to the log {@link #PUT_LOG}: the same one commit, with an entry.
 *
 * <p>{@link #applyTo} is the model: ops in order on a sorted map of {@linkplain #modelKey
 * family-qualified keys}, which is the engine's contract (a later op of a record wins, a
 * delete-range removes earlier puts of its record, a transaction's writes land whole);
 * {@link #logEntries} is what it adds to the transaction logs. Durability NONE keeps no WAL and so
 * no log: there the same ops commit without entries.
 */
public record KvOp(Kind kind, List<Prim> prims, List<String> reads, String logEntry) {
    /** The log a transaction op adds its {@link #logEntry} to. */
    public static final String TRANSACTION_LOG = "txns";
    /** The log a single put with a log entry adds its key to. */
    public static final String PUT_LOG = "crash";


    /** How the op commits. */
    public enum Kind { SINGLE, BATCH, TRANSACTION }

    /** 'P' put a=b, 'D' delete a, 'R' delete [a, b); in {@code family} (null: the default). */
    public record Prim(char type, String family, String a, String b) {
        @Override
        public String toString() {
            String where = family == null ? "" : family + ":";
            return switch (type) {
                case 'P' -> "put " + where + a + "=" + b.substring(0, Math.min(b.length(), 16)) + "~" + b.length();
                case 'D' -> "del " + where + a;
                default -> "delrange " + where + "[" + a + "," + b + ")";
            };
        }
    }

    /**
     * The key under which the model holds {@code key} of {@code family}: the key itself in the
     * default family, {@code family + ":" + key} in another, so one sorted map holds every family
     * and a delete-range of one family is a sub-map of it.
     */
    public static String modelKey(String family, String key) {
        return family == null ? key : family + ":" + key;
    }

    /**
     * A random op in the default family over keys {@code prefix + "k00"} ... {@code prefix +
     * "k<keys-1>"}: 40% put, 15% remove, 10% delete-range, 35% batch of 2-6 ops; values are
     * {@code tag} then padding up to {@code maxValue} characters.
     */
    public static KvOp random(Random r, String prefix, int keys, String tag, int maxValue) {
        int k = r.nextInt(100);
        if (k < 65) {
            return single(prim(r, k < 40 ? 'P' : k < 55 ? 'D' : 'R', null, prefix, keys, tag, maxValue));
        }
        return batch(r, null, prefix, keys, tag, maxValue);
    }

    /**
     * A random op of the kill test's mix over the same keys: half are {@link #random} ops in the
     * default family; with {@code family} (not null) 15% are single ops in that family and 15%
     * batches spread over both; the rest (20%, or 50% without a second family) are transactions of
     * 2-5 puts and removes spread over the families, which first read one key of
     * {@code readPrefix} (another writer's keys: an optimistic transaction then conflicts when
     * that writer changes it, and is retried) and add {@code tag} to {@link #TRANSACTION_LOG}.
     */
    public static KvOp randomMixed(Random r, String prefix, int keys, String tag, int maxValue, String family,
                                   String readPrefix) {
        int k = r.nextInt(100);
        if (k < 50) {
            return random(r, prefix, keys, tag, maxValue);
        }
        if (family != null && k < 65) {
            int t = r.nextInt(100);
            return single(prim(r, t < 55 ? 'P' : t < 85 ? 'D' : 'R', family, prefix, keys, tag, maxValue));
        }
        if (family != null && k < 80) {
            return batch(r, family, prefix, keys, tag, maxValue);
        }
        int n = 2 + r.nextInt(4);
        List<Prim> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String f = family != null && r.nextBoolean() ? family : null;
            ps.add(prim(r, r.nextInt(10) < 7 ? 'P' : 'D', f, prefix, keys, tag + "." + i, maxValue));
        }
        return new KvOp(Kind.TRANSACTION, List.copyOf(ps), List.of(key(readPrefix, r.nextInt(keys))), tag);
    }

    private static KvOp single(Prim p) {
        return new KvOp(Kind.SINGLE, List.of(p), List.of(), null);
    }

    /** 2-6 ops, each in the default family or (if not null, half the time) {@code family}. */
    private static KvOp batch(Random r, String family, String prefix, int keys, String tag, int maxValue) {
        int n = 2 + r.nextInt(5);
        List<Prim> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int t = r.nextInt(10);
            String f = family != null && r.nextBoolean() ? family : null;
            ps.add(prim(r, t < 6 ? 'P' : t < 9 ? 'D' : 'R', f, prefix, keys, tag + "." + i, maxValue));
        }
        return new KvOp(Kind.BATCH, List.copyOf(ps), List.of(), null);
    }

    private static Prim prim(Random r, char type, String family, String prefix, int keys, String tag, int maxValue) {
        String a = key(prefix, r.nextInt(keys));
        return switch (type) {
            case 'P' -> {
                StringBuilder v = new StringBuilder(tag).append('|');
                int len = r.nextInt(maxValue + 1);
                while (v.length() < len) {
                    v.append((char) ('a' + r.nextInt(26)));
                }
                yield new Prim('P', family, a, v.toString());
            }
            case 'D' -> new Prim('D', family, a, null);
            default -> {
                String b = key(prefix, r.nextInt(keys));
                yield a.compareTo(b) <= 0 ? new Prim('R', family, a, b) : new Prim('R', family, b, a);
            }
        };
    }

    public static String key(String prefix, int i) {
        return prefix + "k" + (i < 10 ? "0" : "") + i;
    }

    /**
     * Commits the op. A transaction runs in {@code db.transaction} (retried on a conflict, as the
     * database decides) and commits inside the callback so that its seqno is known; when it is
     * given up the {@link TransactionAbandonedException} reaches the caller, and nothing of it
     * was committed.
     */
    public CommitResult commit(StrataDatabase db) {
        return switch (kind) {
            case SINGLE -> commitSingle(db, prims.get(0));
            case BATCH -> {
                WriteBatch wb = new WriteBatch();
                for (Prim p : prims) {
                    ColumnFamily f = family(db, p);
                    switch (p.type) {
                        case 'P' -> wb.put(f, CrashTesting.b(p.a), CrashTesting.b(p.b));
                        case 'D' -> wb.remove(f, CrashTesting.b(p.a));
                        default -> wb.deleteRange(f, CrashTesting.b(p.a), CrashTesting.b(p.b));
                    }
                }
                yield db.write(wb);
            }
            case TRANSACTION -> db.transaction((txn, attempt) -> {
                for (String k : reads) {
                    txn.get(CrashTesting.b(k));
                }
                if (hasWal(db)) {
                    // In every attempt: a retry is a new transaction, and the aborted one's entry is gone.
                    db.useLog(TRANSACTION_LOG).addEntry(CrashTesting.b(logEntry), txn);
                }
                for (Prim p : prims) {
                    ColumnFamily f = family(db, p);
                    if (p.type == 'P') {
                        txn.put(f, CrashTesting.b(p.a), CrashTesting.b(p.b));
                    } else {
                        txn.remove(f, CrashTesting.b(p.a));
                    }
                }
                return txn.commit();
            });
        };
    }

    private static CommitResult commitSingle(StrataDatabase db, Prim p) {
        ColumnFamily f = family(db, p);
        return switch (p.type) {
            case 'P' -> putLogged(p) && hasWal(db) ? putWithLogEntry(db, p) : f.put(CrashTesting.b(p.a), CrashTesting.b(p.b));
            case 'D' -> f.remove(CrashTesting.b(p.a));
            default -> f.deleteRange(CrashTesting.b(p.a), CrashTesting.b(p.b));
        };
    }

    /** Whether a single put commits with a log entry: a default-family put whose value length is a multiple of 5. */
    private static boolean putLogged(Prim p) {
        return p.type == 'P' && p.family == null && p.b.length() % 5 == 0;
    }

    private static boolean hasWal(StrataDatabase db) {
        return db.options().durability() != Durability.NONE;
    }

    /**
     * The same put as a transaction that also adds the key to the transaction log {@link #PUT_LOG}:
     * one commit either way, so the model is unchanged, and the WAL holds log entries for retention
     * to keep (the {@code txnlog.rewrite.*} crash points).
     */
    private static CommitResult putWithLogEntry(StrataDatabase db, Prim p) {
        // Retried: writers of the power-cut harness share keys, and a blind put still conflicts
        // with a commit of its key between its write and its commit.
        return db.transaction((txn, attempt) -> {
            txn.put(CrashTesting.b(p.a), CrashTesting.b(p.b));
            db.useLog(PUT_LOG).addEntry(CrashTesting.b(p.a), txn);
            return txn.commit();
        }, dev.strata.engine.txn.TransactionOptions.defaults().maxRetries(1000));
    }

    /**
     * The entries this op's commit adds to the transaction logs, each as {log name, data}, with a
     * WAL ({@code wal}) or without (none).
     */
    public List<String[]> logEntries(boolean wal) {
        if (!wal) {
            return List.of();
        }
        if (kind == Kind.TRANSACTION) {
            return List.<String[]>of(new String[] {TRANSACTION_LOG, logEntry});
        }
        Prim p = prims.get(0);
        return kind == Kind.SINGLE && putLogged(p) ? List.<String[]>of(new String[] {PUT_LOG, p.a}) : List.of();
    }

    private static ColumnFamily family(StrataDatabase db, Prim p) {
        return p.family == null ? db.defaultColumnFamily() : db.columnFamily(p.family);
    }

    public void applyTo(NavigableMap<String, String> m) {
        for (Prim p : prims) {
            switch (p.type) {
                case 'P' -> m.put(modelKey(p.family, p.a), p.b);
                case 'D' -> m.remove(modelKey(p.family, p.a));
                default -> m.subMap(modelKey(p.family, p.a), true, modelKey(p.family, p.b), false).clear();
            }
        }
    }

    @Override
    public String toString() {
        return (kind == Kind.SINGLE ? "" : kind.name().toLowerCase(java.util.Locale.ROOT))
                + (reads.isEmpty() ? "" : " reading " + reads) + prims;
    }
}
