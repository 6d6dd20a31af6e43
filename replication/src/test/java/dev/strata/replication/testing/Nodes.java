package dev.strata.replication.testing;

import dev.strata.replication.Follower;
import dev.strata.replication.Leader;
import dev.strata.replication.ReplicationConfig;
import dev.strata.replication.epoch.EpochStore;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts leaders and followers over {@link MemoryLog}s in one directory tree on loopback ephemeral
 * ports, with test-sized timeouts, and closes all of them (followers first) at the end.
 */
public final class Nodes implements AutoCloseable {
    public static final byte[] SECRET = "a-test-secret-of-32-bytes-length".getBytes(StandardCharsets.US_ASCII);

    private final Path root;
    private final List<AutoCloseable> open = new ArrayList<>();

    public Nodes(Path root) {
        this.root = root;
    }

    /** Test-sized settings: fast heartbeats and reconnects, real limits. */
    public static ReplicationConfig config() {
        return ReplicationConfig.forCluster("test-cluster").secret(SECRET)
                .heartbeatInterval(Duration.ofMillis(100))
                .idleTimeout(Duration.ofSeconds(5))
                .handshakeTimeout(Duration.ofSeconds(3))
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200));
    }

    public Path dir(String name) {
        return root.resolve(name);
    }

    public MemoryLog log(String name) {
        return MemoryLog.leader(dir(name));
    }

    public Leader leader(String name, dev.strata.replication.spi.ReplicationSource source, ReplicationConfig config) {
        return leader(source, new EpochStore(dir(name)), name, config);
    }

    public Leader leader(dev.strata.replication.spi.ReplicationSource source, EpochStore epochs, String name,
                         ReplicationConfig config) {
        Leader l = Leader.start(source, epochs, root.resolve(name + ".work"),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config);
        open.add(l);
        return l;
    }

    public Follower follower(String name, InetSocketAddress leader, ReplicationConfig config) {
        Follower f = Follower.start(MemoryLog.opener(), dir(name), name, leader, config);
        open.add(0, f);
        return f;
    }

    public static InetSocketAddress address(Leader l) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), l.port());
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing a node failed", e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
