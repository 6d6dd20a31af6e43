package dev.strata.engine.verify;

import dev.strata.engine.util.CfKey;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * One open database's use of the process-wide {@link VerificationTable}: its reads (verify,
 * read-then-publish) and its writes, which the commit tracker reports for every commit to a
 * family opened with the table. Each open gets a new epoch that goes into every key's hash, so
 * versions recorded by an earlier open of the same directory (which another process may have
 * changed since) are never consulted.
 *
 * <p>Writes: {@link #beginWrite} / {@link #beginRangeDelete} run under the commit lock for each
 * op of a record, before it is readable; {@link #endWrites} runs on the same committer thread
 * once the record is visible (or failed), so a thread has at most one record's writes pending.
 */
public final class DatabaseVersions {
    private static final AtomicLong EPOCHS = new AtomicLong();

    private final VerificationTable table;
    private final long epoch;
    private final IntPredicate enabled;
    /** Delete-ranges applied but not yet visible: nothing may be published meanwhile. */
    private final AtomicInteger rangeDeletesInFlight = new AtomicInteger();
    private final ThreadLocal<PendingWrites> pending = ThreadLocal.withInitial(PendingWrites::new);

    /** The writes of the record this thread is committing. */
    private static final class PendingWrites {
        long[] hashes = new long[8];
        int count;
        int rangeDeletes;
    }

    /**
     * @param enabled    the column families opened with the verification table
     * @param anyEnabled whether any is (only then is the process-wide table created)
     */
    public DatabaseVersions(IntPredicate enabled, boolean anyEnabled) {
        this(anyEnabled ? VerificationTable.global() : new VerificationTable(0), enabled);
    }

    DatabaseVersions(VerificationTable table, IntPredicate enabled) {
        this.table = table;
        this.enabled = enabled;
        this.epoch = EPOCHS.incrementAndGet();
    }

    /** Whether writes to {@code cf} must invalidate slots. */
    public boolean enabled(int cf) {
        return table.size() > 0 && enabled.test(cf);
    }

    private long hash(int cf, byte[] buf, int off, int len) {
        return CfKey.mix64(CfKey.hash64(cf, buf, off, len) ^ epoch * 0x9E3779B97F4A7C15L);
    }

    private static long versionBits(byte[] value) {
        if (value == null || value.length < 8) {
            return 0;
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (value[i] & 0xFF);
        }
        return v;
    }

    // ------------------------------------------------------------------ reads

    /** Whether the table vouches that {@code version} is the current version of {@code key}. */
    public boolean verify(int cf, byte[] key, double version) {
        return enabled(cf) && table.verify(hash(cf, key, 0, key.length), Double.doubleToRawLongBits(version));
    }

    /**
     * A read through the table: {@link VerificationTable#FRESH} when {@code options} expects a
     * version the table vouches for; otherwise {@code read}'s value, published when asked.
     */
    public byte[] get(int cf, byte[] key, GetOptions options, Supplier<byte[]> read) {
        if (!enabled(cf)) {
            return read.get();
        }
        long h = hash(cf, key, 0, key.length);
        if (options.hasExpectedVersion() && table.verify(h, Double.doubleToRawLongBits(options.expectedVersion()))) {
            return VerificationTable.FRESH;
        }
        if (!options.populateVersion()) {
            return read.get();
        }
        long observed = table.observe(h);
        boolean quiet = rangeDeletesInFlight.get() == 0; // read after the slot: see DatabaseVersions' protocol
        byte[] value = read.get();
        if (quiet) {
            table.publish(h, observed, versionBits(value));
        }
        return value;
    }

    /**
     * Records {@code version} for {@code key} if it is the key's current version: it reads the
     * value to check (one point read), so a version that a write has superseded is never
     * recorded, whatever the caller read it from. True if recorded.
     */
    public boolean populate(int cf, byte[] key, double version, Supplier<byte[]> read) {
        if (!enabled(cf)) {
            return false;
        }
        long h = hash(cf, key, 0, key.length);
        long observed = table.observe(h);
        boolean quiet = rangeDeletesInFlight.get() == 0;
        long bits = versionBits(read.get());
        return quiet && bits == Double.doubleToRawLongBits(version) && table.publish(h, observed, bits);
    }

    // ------------------------------------------------------------------ writes (the commit tracker)

    /** A put or delete of the key in {@code buf[off, off + len)} is being applied (commit lock held). */
    public void beginWrite(int cf, byte[] buf, int off, int len) {
        long h = hash(cf, buf, off, len);
        table.beginWrite(h);
        PendingWrites p = pending.get();
        if (p.count == p.hashes.length) {
            p.hashes = Arrays.copyOf(p.hashes, p.count * 2);
        }
        p.hashes[p.count++] = h;
    }

    /** A delete-range is being applied (commit lock held): block publishing, then settle every slot. */
    public void beginRangeDelete() {
        rangeDeletesInFlight.incrementAndGet();
        pending.get().rangeDeletes++;
        table.sweep();
    }

    /** The record this thread applied is visible, or failed: its writes end. */
    public void endWrites() {
        PendingWrites p = pending.get();
        for (int i = 0; i < p.count; i++) {
            table.endWrite(p.hashes[i]);
        }
        rangeDeletesInFlight.addAndGet(-p.rangeDeletes);
        p.count = 0;
        p.rangeDeletes = 0;
        if (p.hashes.length > 1024) {
            p.hashes = new long[8];
        }
    }
}
