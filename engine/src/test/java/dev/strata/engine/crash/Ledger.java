package dev.strata.engine.crash;

import dev.strata.engine.CrashTesting;
import dev.strata.engine.KvOp;
import dev.strata.engine.StrataDatabase;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The model of one writer's commits through failures and reopens, and the recovery checks
 * (DESIGN.md lesson 1, "prefix, no holes"). Commits are recorded in seqno order; a commit that
 * failed stays <em>pending</em>: it may have reached the disk before its write or force failed,
 * so the next open may or may not hold it. {@link #opened} resolves it from the recovered seqno
 * and checks that the database holds exactly the replay of commits 1..S.
 *
 * <p>Also the latch rule: once a commit failed, or the database reported a background error, no
 * later commit of the same open may be acknowledged. Used by the I/O-error and disk-full tests,
 * which drive one writer thread; a violation is an {@link AssertionError} naming it.
 */
final class Ledger {
    private final List<KvOp> bySeqno = new ArrayList<>();
    private final TreeMap<String, String> state = new TreeMap<>();
    private KvOp pending;
    private String latchedBy;
    private long acknowledged;
    private long failed;
    private long pendingRecovered;

    /** A commit returned with {@code seqno}. */
    void acknowledged(KvOp op, long seqno) {
        if (latchedBy != null) {
            throw new AssertionError("commit " + op + " was acknowledged (seqno " + seqno + ") after " + latchedBy);
        }
        if (seqno != bySeqno.size() + 1) {
            throw new AssertionError("commit acknowledged as seqno " + seqno + ", expected " + (bySeqno.size() + 1));
        }
        bySeqno.add(op);
        op.applyTo(state);
        acknowledged++;
    }

    /** A commit threw: it is pending if it is the first failure of this open. */
    void failed(KvOp op, RuntimeException e) {
        failed++;
        if (latchedBy == null) {
            pending = op;
            latchedBy = "a failed commit (" + e + ")";
        }
    }

    /** The database reported a background error: nothing more may be acknowledged until reopen. */
    void latched(Throwable backgroundError) {
        if (latchedBy == null) {
            latchedBy = "the background error " + backgroundError;
        }
    }

    boolean isLatched() {
        return latchedBy != null;
    }

    /** The state readers may see now: every acknowledged commit, none pending. */
    TreeMap<String, String> visible() {
        return new TreeMap<>(state);
    }

    long lastSeqno() {
        return bySeqno.size();
    }

    /**
     * A new open of the database: checks S = latestSeqno is the last acknowledged seqno, or one
     * more if a commit was pending (then that commit is now part of the history), and that the
     * contents are the replay of commits 1..S.
     */
    void opened(StrataDatabase db) {
        long s = db.latestSeqno();
        long n = bySeqno.size();
        if (pending != null && s == n + 1) {
            bySeqno.add(pending);
            pending.applyTo(state);
            pendingRecovered++;
        } else if (s != n) {
            throw new AssertionError("recovered seqno " + s + " after " + n + " commits"
                    + (pending != null ? " and one pending" : "") + ": " + (s < n ? "acknowledged commits lost" : "a hole"));
        }
        pending = null;
        latchedBy = null;
        TreeMap<String, String> actual = CrashTesting.contents(db);
        if (!actual.equals(state)) {
            throw new AssertionError("the state after reopen is not the replay of commits 1.." + s + ": "
                    + CrashTesting.diff(state, actual));
        }
    }

    long acknowledgedCount() {
        return acknowledged;
    }

    long failedCount() {
        return failed;
    }

    long pendingRecoveredCount() {
        return pendingRecovered;
    }
}
