package dev.strata.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The workloads, in the order they run (each engine, each run, the same order). Names follow
 * db_bench where db_bench has the workload. See bench/README.md for what each one measures.
 *
 * <p>Every read workload runs twice: at the default cache size, and as a {@code *_cached} twin
 * with a cache that holds the whole data set, warmed by a full scan before the timed part. The
 * twin reads the same keys in the same order, so the two rows differ only in the cache: the
 * first shows cache policy and block reads, the second the per-call cost of the engine alone.
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
    READRANDOM_CACHED("readrandom_cached", "readrandom1 with the whole data set cached (warmed)", false),
    READRANDOM2_CACHED("readrandom2_cached", "readrandom2 with the whole data set cached (warmed)", false),
    READMISSING_CACHED("readmissing_cached", "readmissing with the whole data set cached (warmed)", false),
    SEEKRANDOM_CACHED("seekrandom_cached", "seekrandom with the whole data set cached (warmed)", false),
    READSEQ_CACHED("readseq_cached", "readseq with the whole data set cached (warmed)", false),
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

    /**
     * The workload this one repeats with the whole data set cached, or this workload itself when
     * it runs at the default cache size.
     */
    public Workload uncached() {
        return switch (this) {
            case READRANDOM_CACHED -> READRANDOM1;
            case READRANDOM2_CACHED -> READRANDOM2;
            case READMISSING_CACHED -> READMISSING;
            case SEEKRANDOM_CACHED -> SEEKRANDOM;
            case READSEQ_CACHED -> READSEQ;
            default -> this;
        };
    }

    /** Whether this workload runs with a cache that holds the whole data set, warmed. */
    public boolean wholeSetCached() {
        return uncached() != this;
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
