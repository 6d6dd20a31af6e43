package dev.strata.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The workloads, in the order they run (each engine, each run, the same order). Names follow
 * db_bench where db_bench has the workload. See bench/README.md for what each one measures.
 */
public enum Workload {
    FILLSEQ("fillseq", "write all keys in key order, fresh database", true),
    FILLBATCH("fillbatch", "write all keys in key order, 1,000 per write batch (latency per batch)", true),
    FILLSYNC1("fillsync1", "random writes, each acknowledged after fsync, 1 thread", true),
    FILLSYNC4("fillsync4", "random writes, each acknowledged after fsync, 4 threads (group commit)", true),
    TRANSACTIONS("transactions", "optimistic transactions of 1 random put each, fresh database", true),
    FILLRANDOM("fillrandom", "write all keys once in random order; the database the reads below use", true),
    READRANDOM1("readrandom1", "random point reads of existing keys, 1 thread, default cache", false),
    READRANDOM2("readrandom2", "random point reads of existing keys, 2 threads, default cache", false),
    READMISSING("readmissing", "random point reads of absent keys (between existing ones)", false),
    SEEKRANDOM("seekrandom", "seek to a random key and read the next 10 entries (latency per seek)", false),
    READSEQ("readseq", "iterate the whole database in key order (latency per entry)", false),
    READRANDOM_CACHED("readrandom_cached", "random point reads, cache large enough for the whole data set, warmed", false),
    OVERWRITE("overwrite", "rewrite every key in a new random order with new values", true),
    MIXED("mixed90_10", "90% random reads / 10% random overwrites, 1 thread", true),
    DELETERANDOM("deleterandom", "delete every key in random order", true);

    public final String id;
    public final String description;
    public final boolean writes;

    Workload(String id, String description, boolean writes) {
        this.id = id;
        this.description = description;
        this.writes = writes;
    }

    public static Workload byId(String id) {
        for (Workload w : values()) {
            if (w.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + id + "'; known: " + ids(EnumSet.allOf(Workload.class)));
    }

    /** Parses "all" or a comma-separated list of ids. */
    public static Set<Workload> parse(String list) {
        if (list == null || list.isBlank() || list.trim().equals("all")) {
            return EnumSet.allOf(Workload.class);
        }
        Set<Workload> set = EnumSet.noneOf(Workload.class);
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                set.add(byId(s));
            }
        }
        return set;
    }

    public static String ids(Set<Workload> set) {
        List<String> out = new ArrayList<>();
        for (Workload w : set) {
            out.add(w.id);
        }
        return String.join(",", out);
    }
}
