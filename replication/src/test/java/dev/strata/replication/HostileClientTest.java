package dev.strata.replication;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.replication.testing.Await;
import dev.strata.replication.testing.Frames;
import dev.strata.replication.testing.LeakRecorder;
import dev.strata.replication.testing.MemoryLog;
import dev.strata.replication.testing.Nodes;
import dev.strata.replication.wire.Messages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hostile peers: wrong secrets, other clusters, frames before authentication, absurd lengths,
 * bad checksums, random bytes, silent and one-byte-at-a-time clients, too many connections, a
 * fake leader. The leader stays up, frees each connection within about a second of the violation
 * (the handshake timeout for silent ones), leaks no buffer, and a good follower keeps up meanwhile.
 */
class HostileClientTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void recordLeaks() {
        LeakRecorder.install();
    }

    @Test
    void leaderRefusesToStartWithoutASecretUnlessInsecure() {
        MemoryLog log = MemoryLog.leader(tmp.resolve("l"));
        ReplicationConfig noSecret = ReplicationConfig.forCluster("c");
        assertThatThrownBy(() -> new Nodes(tmp).leader("l", log, noSecret))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("secret is required");
        assertThatThrownBy(() -> ReplicationConfig.forCluster("c").secret(new byte[8]).validate())
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at least 16 bytes");
        try (Nodes nodes = new Nodes(tmp)) {
            Leader leader = nodes.leader("l", log, ReplicationConfig.forCluster("c").insecure(true));
            Follower follower = nodes.follower("f", Nodes.address(leader), ReplicationConfig.forCluster("c").insecure(true)
                    .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)));
            log.put("k", "v");
            Await.until(() -> follower.status().appliedSeqno() == 1, () -> follower.status().toString());
        }
    }

    @Test
    void wrongSecretAndWrongClusterAreRefusedAndNothingIsApplied() {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            log.put("k", "v");
            Leader leader = nodes.leader("leader", log, Nodes.config());
            Follower badSecret = nodes.follower("bad-secret", Nodes.address(leader),
                    Nodes.config().secret("another-secret-of-sixteen+".getBytes()));
            Follower badCluster = nodes.follower("bad-cluster", Nodes.address(leader), Nodes.config().clusterId("other"));
            Await.until(() -> String.valueOf(badSecret.status().lastError()).contains("AUTH_FAILED")
                    && String.valueOf(badCluster.status().lastError()).contains("CLUSTER_MISMATCH"),
                    () -> badSecret.status() + " / " + badCluster.status());
            assertThat(badSecret.status().appliedSeqno()).isZero();
            assertThat(badCluster.status().appliedSeqno()).isZero();
            assertThat(leader.rejectedConnections()).isGreaterThanOrEqualTo(2);
            assertThat(leader.followers()).extracting(FollowerInfo::id).doesNotContain("bad-secret", "bad-cluster");
        }
    }

    @Test
    void malformedTrafficIsCutWithinASecondWhileAGoodFollowerKeepsUp() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            Leader leader = nodes.leader("leader", log, Nodes.config().handshakeTimeout(Duration.ofSeconds(1)));
            Follower good = nodes.follower("good", Nodes.address(leader), Nodes.config());
            Random random = new Random(42);
            int written = 0;
            byte[] hello = Frames.encode(new Messages.Hello("test-cluster", "intruder", 0, 0, 0, 0, -1, 0));
            byte[] badCrc = Frames.encode(new Messages.Auth(new byte[32], new byte[32]));
            badCrc[6] ^= 0x55;
            byte[] hugeLength = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 2, 0, 0, 0, 0};
            byte[] noise = new byte[4096];
            random.nextBytes(noise);
            for (byte[] attack : new byte[][]{hello, badCrc, hugeLength, noise}) {
                long before = leader.protocolErrors();
                try (Socket s = connect(leader)) {
                    readChallenge(s);
                    s.getOutputStream().write(attack);
                    assertClosedWithin(s, Duration.ofSeconds(2));
                }
                Await.until(() -> leader.protocolErrors() > before, () -> "protocol errors " + leader.protocolErrors());
                log.put("between-attacks", "v" + written++);
            }
            // Silent and one-byte-per-interval clients: the handshake timeout frees them.
            long timeoutsBefore = leader.timedOutConnections();
            try (Socket silent = connect(leader); Socket slow = connect(leader)) {
                readChallenge(silent);
                readChallenge(slow);
                byte[] auth = Frames.encode(new Messages.Auth(new byte[32], new byte[32]));
                long start = System.nanoTime();
                OutputStream out = slow.getOutputStream();
                boolean slowClosed = false;
                for (int i = 0; i < auth.length && !slowClosed; i++) {
                    try {
                        out.write(auth[i]);
                        out.flush();
                        slowClosed = isClosedWithin(slow, Duration.ofMillis(200));
                    } catch (IOException e) {
                        slowClosed = true;
                    }
                }
                assertThat(slowClosed).isTrue();
                assertClosedWithin(silent, Duration.ofSeconds(3));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            }
            Await.until(() -> leader.timedOutConnections() >= timeoutsBefore + 2, () -> "timeouts " + leader.timedOutConnections());
            long last = log.put("after-attacks", "v");
            assertThat(good.awaitApplied(last, Duration.ofSeconds(10))).isTrue();
            assertThat(good.status().reconnects()).isZero();
            Await.until(() -> leader.openConnections() == 1, () -> "open connections " + leader.openConnections());
            assertThat(LeakRecorder.leaks()).isEmpty();
        }
    }

    @Test
    void connectionsPastTheCapAreClosedAtAccept() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            Leader leader = nodes.leader("leader", nodes.log("leader"), Nodes.config().maxConnections(2));
            try (Socket a = connect(leader); Socket b = connect(leader)) {
                readChallenge(a);
                readChallenge(b);
                try (Socket c = connect(leader)) {
                    assertClosedWithin(c, Duration.ofSeconds(2));
                }
                assertThat(leader.rejectedConnections()).isEqualTo(1);
            }
        }
    }

    @Test
    void followerRefusesAFakeLeaderThatCannotProveTheSecret() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 5, InetAddress.getLoopbackAddress()); Nodes nodes = new Nodes(tmp)) {
            Follower follower = nodes.follower("f", new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(),
                    fake.getLocalPort()), Nodes.config());
            try (Socket s = fake.accept()) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(Frames.encode(new Messages.Challenge(1, new byte[32])));
                readFrame(s.getInputStream()); // the follower's AUTH
                s.getOutputStream().write(Frames.encode(new Messages.AuthOk(new byte[32])));
                assertClosedWithin(s, Duration.ofSeconds(2)); // no HELLO: the follower hung up
            }
            Await.until(() -> String.valueOf(follower.status().lastError()).contains("AUTH_FAILED"),
                    () -> follower.status().toString());
            assertThat(follower.status().appliedSeqno()).isZero();
        }
    }

    @Test
    void aFollowerCannotAcknowledgeMoreThanItWasSent() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            for (int i = 0; i < 5; i++) {
                log.put("k" + i, "v");
            }
            Leader leader = nodes.leader("leader", log, Nodes.config());
            try (Socket s = connect(leader)) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] challenge = readFrame(in);
                byte[] leaderNonce = java.util.Arrays.copyOfRange(challenge, 11, 43);
                byte[] nonce = dev.strata.replication.wire.Handshake.nonce();
                dev.strata.replication.wire.Handshake h = new dev.strata.replication.wire.Handshake(Nodes.SECRET);
                out.write(Frames.encode(new Messages.Auth(nonce, h.followerProof(leaderNonce, nonce))));
                assertThat(readFrame(in)[4]).isEqualTo((byte) 3); // AUTH_OK
                out.write(Frames.encode(new Messages.Hello("test-cluster", "liar", 0, 0, 0, 0, -1, 0)));
                assertThat(readFrame(in)[4]).isEqualTo((byte) 5); // CONTINUE
                assertThat(readFrame(in)[4]).isEqualTo((byte) 10); // RECORDS 1..5
                out.write(Frames.encode(new Messages.Ack(1_000_000, 1_000_000, 1_000_000)));
                Await.until(() -> leader.followers().get(0).durableSeqno() > 0, () -> leader.followers().toString());
                FollowerInfo info = leader.followers().get(0);
                assertThat(info.durableSeqno()).isLessThanOrEqualTo(5);
                assertThat(info.appliedSeqno()).isLessThanOrEqualTo(5);
                leader.semiSync(1, Duration.ofMillis(200), dev.strata.replication.leader.SemiSync.Policy.FAIL);
                assertThatThrownBy(() -> log.put("sixth", "v")).isInstanceOf(ReplicationException.class);
                leader.asynchronous();
            }
        }
    }

    private static Socket connect(Leader leader) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), leader.port());
        s.setSoTimeout(5000);
        return s;
    }

    private static void readChallenge(Socket s) throws IOException {
        byte[] frame = readFrame(s.getInputStream());
        assertThat(frame[4]).isEqualTo((byte) 1); // CHALLENGE
    }

    private static byte[] readFrame(InputStream in) throws IOException {
        byte[] len = in.readNBytes(4);
        int n = (len[0] & 0xff) | (len[1] & 0xff) << 8 | (len[2] & 0xff) << 16 | (len[3] & 0xff) << 24;
        byte[] frame = new byte[4 + n];
        System.arraycopy(len, 0, frame, 0, 4);
        in.readNBytes(frame, 4, n);
        return frame;
    }

    private static void assertClosedWithin(Socket s, Duration d) throws IOException {
        assertThat(isClosedWithin(s, d)).as("connection closed within %s", d).isTrue();
    }

    /** Whether the peer closed the connection within {@code d} (reads and discards anything it sends). */
    private static boolean isClosedWithin(Socket s, Duration d) throws IOException {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (s.getInputStream().read() < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the peer
            }
        }
        return false;
    }
}
