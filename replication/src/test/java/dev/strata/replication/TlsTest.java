package dev.strata.replication;

import dev.strata.replication.testing.Await;
import dev.strata.replication.testing.MemoryLog;
import dev.strata.replication.testing.Nodes;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;

import static dev.strata.replication.LeaderFollowerTest.assertSameRecords;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS 1.3 with certificate checks in both directions, through the SslContext the caller builds:
 * a follower with the right certificates replicates; one without TLS, or trusting another
 * certificate, applies nothing.
 */
class TlsTest {
    @TempDir
    Path tmp;

    private static KeyStore good;
    private static KeyStore other;

    @BeforeAll
    static void loadCertificates() throws Exception {
        good = keyStore("good");
        other = keyStore("other");
    }

    /** A self-signed certificate for localhost and 127.0.0.1 (src/test/resources/tls/README.md says how it was made). */
    private static KeyStore keyStore(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = TlsTest.class.getResourceAsStream("/tls/" + name + ".p12")) {
            assertThat(in).as("test key store %s", name).isNotNull();
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    private static KeyManagerFactory kmf(KeyStore ks) throws Exception {
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(ks, "changeit".toCharArray());
        return f;
    }

    private static TrustManagerFactory tmf(KeyStore ks) throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        return f;
    }

    private static SslContext server(KeyStore own, KeyStore trusted) throws Exception {
        return ReplicationTls.leader(kmf(own), tmf(trusted));
    }

    private static SslContext client(KeyStore own, KeyStore trusted) throws Exception {
        return ReplicationTls.follower(kmf(own), tmf(trusted));
    }

    private static Path resource(String name) throws Exception {
        return Path.of(TlsTest.class.getResource("/tls/" + name).toURI());
    }

    @Test
    void pemFilesWorkAndBadOnesAreNamed() throws Exception {
        Path cert = resource("good-cert.pem");
        Path key = resource("good-key.pem");
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            Leader leader = nodes.leader("leader", log, Nodes.config().sslContext(ReplicationTls.leaderFromPem(cert, key, cert)));
            Follower f = nodes.follower("f", Nodes.address(leader), Nodes.config()
                    .sslContext(ReplicationTls.followerFromPem(cert, key, cert)));
            long seqno = log.put("k", "v");
            assertThat(f.awaitApplied(seqno, java.time.Duration.ofSeconds(20))).isTrue();
        }
        Path missing = tmp.resolve("missing.pem");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReplicationTls.leaderFromPem(missing, key, cert))
                .isInstanceOf(dev.strata.engine.InvalidArgumentException.class).hasMessageContaining("missing.pem");
    }

    @Test
    void mutualTls13ReplicatesAndRefusesPeersWithoutTheRightCertificates() throws Exception {
        try (Nodes nodes = new Nodes(tmp)) {
            MemoryLog log = nodes.log("leader");
            Leader leader = nodes.leader("leader", log, Nodes.config().sslContext(server(good, good)));
            Follower ok = nodes.follower("ok", Nodes.address(leader), Nodes.config().sslContext(client(good, good)));
            // A plain follower waits for a challenge the TLS leader never sends in clear: the handshake timeout ends it.
            Follower plain = nodes.follower("plain", Nodes.address(leader), Nodes.config().handshakeTimeout(Duration.ofSeconds(1)));
            Follower untrusting = nodes.follower("untrusting", Nodes.address(leader), Nodes.config().sslContext(client(good, other)));
            Follower untrusted = nodes.follower("untrusted", Nodes.address(leader), Nodes.config().sslContext(client(other, good)));
            for (int i = 0; i < 100; i++) {
                log.put("k" + i, "v" + i);
            }
            Await.until(() -> ok.status().appliedSeqno() == 100, () -> ok.status().toString());
            assertSameRecords(log, (MemoryLog) ok.target());
            Await.until(() -> plain.status().reconnects() >= 1 && untrusting.status().reconnects() >= 1
                    && untrusted.status().reconnects() >= 1, () -> plain.status() + " / " + untrusting.status() + " / " + untrusted.status());
            assertThat(plain.status().appliedSeqno()).isZero();
            assertThat(untrusting.status().appliedSeqno()).isZero();
            assertThat(untrusted.status().appliedSeqno()).isZero();
            assertThat(leader.followers()).extracting(FollowerInfo::id).containsExactly("ok");
        }
    }
}
