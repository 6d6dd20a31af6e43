package dev.strata.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;

/**
 * One commit of a crash-test workload: a single put, remove or delete-range, or a write batch of
 * several. Keys and values are ASCII strings; values start with a tag naming who wrote them.
 * {@link #applyTo} is the model: ops in order on a sorted map, which is the engine's contract
 * (a later op of a record wins, a delete-range removes earlier puts of its record).
 */
public record KvOp(boolean batch, List<Prim> prims) {

    /** 'P' put a=b, 'D' delete a, 'R' delete [a, b). */
    public record Prim(char type, String a, String b) {
        @Override
        public String toString() {
            return switch (type) {
                case 'P' -> "put " + a + "=" + b.substring(0, Math.min(b.length(), 16)) + "~" + b.length();
                case 'D' -> "del " + a;
                default -> "delrange [" + a + "," + b + ")";
            };
        }
    }

    /**
     * A random op over keys {@code prefix + "k00"} ... {@code prefix + "k<keys-1>"}: 40% put, 15%
     * remove, 10% delete-range, 35% batch of 2-6 ops; values are {@code tag} then padding up to
     * {@code maxValue} characters.
     */
    public static KvOp random(Random r, String prefix, int keys, String tag, int maxValue) {
        int k = r.nextInt(100);
        if (k < 65) {
            return new KvOp(false, List.of(prim(r, k < 40 ? 'P' : k < 55 ? 'D' : 'R', prefix, keys, tag, maxValue)));
        }
        int n = 2 + r.nextInt(5);
        List<Prim> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int t = r.nextInt(10);
            ps.add(prim(r, t < 6 ? 'P' : t < 9 ? 'D' : 'R', prefix, keys, tag + "." + i, maxValue));
        }
        return new KvOp(true, ps);
    }

    private static Prim prim(Random r, char type, String prefix, int keys, String tag, int maxValue) {
        String a = key(prefix, r.nextInt(keys));
        return switch (type) {
            case 'P' -> {
                StringBuilder v = new StringBuilder(tag).append('|');
                int len = r.nextInt(maxValue + 1);
                while (v.length() < len) {
                    v.append((char) ('a' + r.nextInt(26)));
                }
                yield new Prim('P', a, v.toString());
            }
            case 'D' -> new Prim('D', a, null);
            default -> {
                String b = key(prefix, r.nextInt(keys));
                yield a.compareTo(b) <= 0 ? new Prim('R', a, b) : new Prim('R', b, a);
            }
        };
    }

    public static String key(String prefix, int i) {
        return prefix + "k" + (i < 10 ? "0" : "") + i;
    }

    public CommitResult commit(StrataDatabase db) {
        if (batch) {
            WriteBatch wb = new WriteBatch();
            for (Prim p : prims) {
                switch (p.type) {
                    case 'P' -> wb.put(CrashTesting.b(p.a), CrashTesting.b(p.b));
                    case 'D' -> wb.remove(CrashTesting.b(p.a));
                    default -> wb.deleteRange(CrashTesting.b(p.a), CrashTesting.b(p.b));
                }
            }
            return db.write(wb);
        }
        Prim p = prims.get(0);
        return switch (p.type) {
            case 'P' -> p.b.length() % 5 == 0 ? putWithLogEntry(db, p) : db.put(CrashTesting.b(p.a), CrashTesting.b(p.b));
            case 'D' -> db.remove(CrashTesting.b(p.a));
            default -> db.deleteRange(CrashTesting.b(p.a), CrashTesting.b(p.b));
        };
    }

    /**
     * The same put as a transaction that also adds the key to the transaction log "crash": one
     * commit either way, so the model is unchanged, and the WAL holds log entries for retention
     * to keep (the {@code txnlog.rewrite.*} crash points).
     */
    private static CommitResult putWithLogEntry(StrataDatabase db, Prim p) {
        if (db.options().durability() == Durability.NONE) {
            return db.put(CrashTesting.b(p.a), CrashTesting.b(p.b)); // no WAL, no log
        }
        dev.strata.engine.txn.Transaction t = db.beginTransaction();
        t.put(CrashTesting.b(p.a), CrashTesting.b(p.b));
        db.useLog("crash").addEntry(CrashTesting.b(p.a), t);
        return t.commit();
    }

    public void applyTo(NavigableMap<String, String> m) {
        for (Prim p : prims) {
            switch (p.type) {
                case 'P' -> m.put(p.a, p.b);
                case 'D' -> m.remove(p.a);
                default -> m.subMap(p.a, true, p.b, false).clear();
            }
        }
    }

    @Override
    public String toString() {
        return (batch ? "batch" : "") + prims;
    }
}
