package dev.strata.replication.leader;

import dev.strata.replication.FollowerInfo;
import dev.strata.replication.ReplicationConfig;
import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import dev.strata.replication.epoch.EpochStore;
import dev.strata.replication.spi.ReplicationSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every session of one leader shares: the source, the epoch history, the registered
 * followers, the full-sync checkpoints, the semi-sync gate and the shipper threads. The public
 * {@code Leader} owns one and adds the Netty server; {@link LeaderSession}s use it.
 *
 * <p>Invariants: the registry is guarded by {@code this}; it never holds more than
 * {@code maxFollowers} registrations.
 */
public final class LeaderCore {
    final ReplicationSource source;
    final EpochStore epochs;
    final ReplicationConfig config;
    final FullSyncFiles fullSyncs;
    private final Map<String, Registration> registry = new LinkedHashMap<>();
    private final ExecutorService shippers;
    private volatile SemiSync semiSync;
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong protocolErrors = new AtomicLong();
    final AtomicLong fullSyncsStarted = new AtomicLong();
    final AtomicLong fullSyncsResumed = new AtomicLong();
    /** The newest epoch a follower reported that is newer than this leader's; 0 if none. */
    final AtomicLong newerEpochSeen = new AtomicLong();

    public LeaderCore(ReplicationSource source, EpochStore epochs, Path workDir, ReplicationConfig config) {
        this.source = source;
        this.epochs = epochs;
        this.config = config;
        this.fullSyncs = new FullSyncFiles(source, workDir, config.fullSyncRetention().toMillis());
        AtomicInteger n = new AtomicInteger();
        this.shippers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "strata-repl-ship-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        epochs.historyForLeader(); // a leader always has a history (epoch 1 from seqno 1 when new)
    }

    /** The registration of {@code id}, created if there is room. */
    synchronized Registration register(String id) {
        Registration r = registry.get(id);
        if (r == null) {
            if (registry.size() >= config.maxFollowers()) {
                throw new ReplicationException(Reason.TOO_MANY_FOLLOWERS, "this leader serves at most "
                        + config.maxFollowers() + " followers");
            }
            r = new Registration(id);
            registry.put(id, r);
        }
        return r;
    }

    /** Forgets follower {@code id}: closes its connection and releases its log hold. */
    public boolean unregister(String id) {
        Registration r;
        synchronized (this) {
            r = registry.remove(id);
        }
        if (r == null) {
            return false;
        }
        LeaderSession s = r.session();
        if (s != null) {
            s.close("unregistered");
        }
        r.closeHold();
        return true;
    }

    public synchronized List<FollowerInfo> followers() {
        long durable = source.durableSeqno();
        List<FollowerInfo> out = new ArrayList<>(registry.size());
        for (Registration r : registry.values()) {
            out.add(r.info(durable));
        }
        return out;
    }

    /** The durable seqnos every registered follower acknowledged (for the semi-sync gate). */
    synchronized long[] acknowledgedDurable() {
        long[] out = new long[registry.size()];
        int i = 0;
        for (Registration r : registry.values()) {
            out[i++] = r.durable();
        }
        return out;
    }

    void onAck() {
        SemiSync s = semiSync;
        if (s != null) {
            s.onAck();
        }
    }

    /** Installs (or with null removes) the semi-synchronous gate on the source's commits. */
    public void semiSync(SemiSync gate) {
        this.semiSync = gate;
        source.commitGate(gate);
    }

    public SemiSync semiSync() {
        return semiSync;
    }

    void ship(Runnable shipper) {
        shippers.execute(shipper);
    }

    public long fullSyncsStarted() {
        return fullSyncsStarted.get();
    }

    public long fullSyncsResumed() {
        return fullSyncsResumed.get();
    }

    public long newerEpochSeen() {
        return newerEpochSeen.get();
    }

    public long rejected() {
        return rejected.get();
    }

    public long timeouts() {
        return timeouts.get();
    }

    public long protocolErrors() {
        return protocolErrors.get();
    }

    /** Stops the shippers (their sessions are closed by the server first) and deletes checkpoints. */
    public void close() {
        semiSync(null);
        List<Registration> all;
        synchronized (this) {
            all = new ArrayList<>(registry.values());
        }
        for (Registration r : all) {
            r.closeHold();
        }
        shippers.shutdown();
        try {
            shippers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fullSyncs.close();
    }
}
