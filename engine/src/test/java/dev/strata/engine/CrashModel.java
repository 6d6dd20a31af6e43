package dev.strata.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the crash tests know a database holds after cycles of {@link CrashKillChild} writers: one
 * map per writer thread of its family-qualified keys ({@link KvOp#modelKey}), plus the parent's
 * probe keys, as of {@link #base()}, the seqno the last verified cycle ended at. {@link #check}
 * decides whether a state (the reopened database, or a checkpoint, backup or restore taken during
 * the cycle) is the replay of commits 1..x:
 * <ul>
 *   <li>each thread writes only its own keys and runs its ops in order, so the commits of thread
 *       t up to x are its acknowledged ops with seqnos up to x, plus possibly the next op it had
 *       not resolved (the one in flight when the child died), never an op it gave up;</li>
 *   <li>the ops found in flight and visible must number exactly x minus base minus the
 *       acknowledged ones: no holes, nothing lost in between.</li>
 * </ul>
 * Used by {@link CrashCycles} and {@link CrashAdminChecks}.
 */
public final class CrashModel {
    private static final String PROBE_PREFIX = "parent/";

    private final long seed;
    private final int threads;
    /** Per thread, then (index threads) the parent's own probe keys. */
    private List<TreeMap<String, String>> states;
    private long base;

    /** A state that matched: per thread the model it equals, and how many of its commits were acknowledged or in flight. */
    public record Match(List<TreeMap<String, String>> states, long acknowledged, long inFlight) {
    }

    public CrashModel(long seed, int threads) {
        this.seed = seed;
        this.threads = threads;
        reset();
    }

    /** An empty database at seqno {@code base} (a new directory whose set-up commits wrote no keys). */
    public void reset(long startSeqno) {
        states = new ArrayList<>();
        for (int t = 0; t <= threads; t++) {
            states.add(new TreeMap<>());
        }
        base = startSeqno;
    }

    private void reset() {
        reset(0);
    }

    /** The seqno at which the next cycle's child must open. */
    public long base() {
        return base;
    }

    /**
     * Checks that {@code actual} (every family, as {@link CrashTesting#contentsOfEveryFamily} reads
     * it) is the replay of commits 1..x of the model and of the cycle's child ({@code log},
     * writing {@code family} besides the default one, or only the default when null); with
     * {@code everyAcknowledged}, also that no acknowledged commit is above x. Fails naming
     * {@code what}; returns the match.
     */
    public Match check(String what, int cycle, String family, long x, TreeMap<String, String> actual, CrashChildLog log,
                       boolean everyAcknowledged) {
        assertThat(x).as("%s: its seqno is at or after the state the cycle started from (%d)", what, base)
                .isGreaterThanOrEqualTo(base);
        List<TreeMap<String, String>> without = new ArrayList<>();
        List<TreeMap<String, String>> with = new ArrayList<>();
        List<List<Integer>> choices = new ArrayList<>();
        long acked = 0;
        for (int t = 0; t < threads; t++) {
            CrashChildLog.ThreadLog l = log.threads[t];
            TreeMap<String, String> m = new TreeMap<>(states.get(t));
            long lastIncluded = 0;
            int included = 0;
            for (long[] a : l.acks) {
                if (a[1] > x) {
                    break;
                }
                op(cycle, t, a[0], family).applyTo(m);
                lastIncluded = a[0];
                included++;
            }
            if (everyAcknowledged) {
                assertThat(included).as("%s thread %d: every acknowledged commit is at or below S = %d (last %s)", what, t,
                        x, l.acks.isEmpty() ? "none" : l.acks.get(l.acks.size() - 1)[1]).isEqualTo(l.acks.size());
            }
            acked += included;
            long next = lastIncluded + 1;
            while (l.skipped(next)) {
                next++;
            }
            TreeMap<String, String> m2 = null;
            if (next == l.inFlight()) {
                m2 = new TreeMap<>(m);
                op(cycle, t, next, family).applyTo(m2);
            }
            TreeMap<String, String> mine = ownKeys(actual, t);
            List<Integer> ok = new ArrayList<>();
            if (mine.equals(m)) {
                ok.add(0);
            }
            if (m2 != null && mine.equals(m2)) {
                ok.add(1);
            }
            assertThat(ok).as("%s thread %d (%d ops acknowledged, %d of them up to %d, in flight %d): its keys are its "
                    + "acknowledged ops (+ the one in flight); %s", what, t, l.acks.size(), included, x, l.inFlight(),
                    CrashTesting.diff(m2 != null && !mine.equals(m) ? m2 : m, mine)).isNotEmpty();
            without.add(m);
            with.add(m2);
            choices.add(ok);
        }
        long unacked = x - base - acked;
        int[] pick = choose(choices, unacked);
        assertThat(pick).as("%s: seqno %d, cycle base %d, %d acknowledged up to it: %d un-acknowledged commits must be "
                + "in-flight ops that are visible (choices %s) - a hole or a lost commit", what, x, base, acked, unacked,
                choices).isNotNull();
        List<TreeMap<String, String>> chosen = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            chosen.add(pick[t] == 1 ? with.get(t) : without.get(t));
        }
        chosen.add(states.get(threads));
        assertThat(actual.subMap(PROBE_PREFIX, "parent0")).as("%s: the parent's probes", what).isEqualTo(states.get(threads));
        assertThat(actual.size()).as("%s: no key outside the model", what)
                .isEqualTo(chosen.stream().mapToInt(TreeMap::size).sum());
        return new Match(chosen, acked, unacked);
    }

    /**
     * Takes {@code m} (the reopened database's match at seqno s) as the model, and commits the
     * parent's probe into {@code db}, which must get s + 1; the next cycle starts after it.
     */
    public void adopt(Match m, StrataDatabase db, int cycle, long s) {
        states = new ArrayList<>(m.states());
        states.set(threads, new TreeMap<>(states.get(threads)));
        String probe = PROBE_PREFIX + "c" + cycle;
        assertThat(db.put(CrashTesting.b(probe), CrashTesting.b("S=" + s)).seqno()).as("cycle %d: a new commit after "
                + "recovering S = %d", cycle, s).isEqualTo(s + 1);
        states.get(threads).put(probe, "S=" + s);
        base = s + 1;
    }

    private KvOp op(int cycle, int thread, long opId, String family) {
        return CrashKillChild.op(seed, cycle, thread, opId, threads, family);
    }

    /**
     * Thread t's keys: "t&lt;t&gt;/..." in the default family and in the second one (which a NONE
     * cycle does not write, but earlier cycles did).
     */
    private static TreeMap<String, String> ownKeys(TreeMap<String, String> all, int t) {
        String family = CrashKillChild.FAMILY;
        TreeMap<String, String> mine = new TreeMap<>(all.subMap("t" + t + "/", "t" + t + "0"));
        mine.putAll(all.subMap(KvOp.modelKey(family, "t" + t + "/"), KvOp.modelKey(family, "t" + t + "0")));
        return mine;
    }

    /** A 0/1 per thread from its allowed choices summing to {@code total}, or null. */
    private static int[] choose(List<List<Integer>> choices, long total) {
        int n = choices.size();
        for (int mask = 0; mask < 1 << n; mask++) {
            int[] pick = new int[n];
            long sum = 0;
            boolean ok = true;
            for (int t = 0; t < n && ok; t++) {
                pick[t] = (mask >> t) & 1;
                ok = choices.get(t).contains(pick[t]);
                sum += pick[t];
            }
            if (ok && sum == total) {
                return pick;
            }
        }
        return null;
    }
}
