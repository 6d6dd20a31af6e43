package dev.strata.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;

/**
 * One commit of a crash-test workload: a single put, remove or delete-range, a write batch of
 * several, or a transaction of several puts and removes (which first reads a few keys, so that
 * optimistic transactions can conflict with other writers and be retried). Each primitive names
 * its column family (null: the default one). Keys and values are ASCII strings; values start with
 * a tag naming who wrote them.
 *
 * <p>{@link #applyTo} is the model: ops in order on a sorted map of {@linkplain #modelKey
 * family-qualified keys}, which is the engine's contract (a later op of a record wins, a
 * delete-range removes earlier puts of its record, a transaction's writes land whole).
 */
public record KvOp(Kind kind, List<Prim> prims, List<String> reads) {

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
     * that writer changes it, and is retried).
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
        return new KvOp(Kind.TRANSACTION, List.copyOf(ps), List.of(key(readPrefix, r.nextInt(keys))));
    }

    private static KvOp single(Prim p) {
        return new KvOp(Kind.SINGLE, List.of(p), List.of());
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
        return new KvOp(Kind.BATCH, List.copyOf(ps), List.of());
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
            case 'P' -> p.b.length() % 5 == 0 ? putWithLogEntry(db, f, p) : f.put(CrashTesting.b(p.a), CrashTesting.b(p.b));
            case 'D' -> f.remove(CrashTesting.b(p.a));
            default -> f.deleteRange(CrashTesting.b(p.a), CrashTesting.b(p.b));
        };
    }

    /**
     * The same put as a transaction that also adds the key to the transaction log "crash": one
     * commit either way, so the model is unchanged, and the WAL holds log entries for retention
     * to keep (the {@code txnlog.rewrite.*} crash points).
     */
    private static CommitResult putWithLogEntry(StrataDatabase db, ColumnFamily f, Prim p) {
        if (db.options().durability() == Durability.NONE) {
            return f.put(CrashTesting.b(p.a), CrashTesting.b(p.b)); // no WAL, no log
        }
        dev.strata.engine.txn.Transaction t = db.beginTransaction();
        try {
            t.put(f, CrashTesting.b(p.a), CrashTesting.b(p.b));
            db.useLog("crash").addEntry(CrashTesting.b(p.a), t);
            return t.commit();
        } finally {
            t.abort(); // a no-op once committed
        }
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
