package dev.strata.replication;

import dev.strata.engine.InvalidArgumentException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;

/**
 * The TLS set-up replication recommends, as {@link SslContext}s for
 * {@link ReplicationConfig#sslContext}: TLS 1.3 only, certificates checked in both directions
 * (the leader requires a client certificate its trust store accepts; the follower checks the
 * leader's certificate and that it names the host it dialled). From PEM files (a certificate
 * chain, a PKCS#8 private key, the trusted certificates) or from key and trust manager factories
 * (a keystore; what a Spring SSL bundle provides). A file that cannot be read or parsed is an
 * {@link InvalidArgumentException} naming it.
 */
public final class ReplicationTls {
    private static final String TLS13 = "TLSv1.3";

    private ReplicationTls() {
    }

    public static SslContext leader(KeyManagerFactory keys, TrustManagerFactory trusted) {
        return build(() -> SslContextBuilder.forServer(keys).trustManager(trusted).clientAuth(ClientAuth.REQUIRE)
                .protocols(TLS13).build(), "the leader's key and trust managers");
    }

    public static SslContext follower(KeyManagerFactory keys, TrustManagerFactory trusted) {
        return build(() -> SslContextBuilder.forClient().keyManager(keys).trustManager(trusted)
                .endpointIdentificationAlgorithm("HTTPS").protocols(TLS13).build(), "the follower's key and trust managers");
    }

    public static SslContext leaderFromPem(Path certificateChain, Path privateKey, Path trustedCertificates) {
        return build(() -> SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
                .trustManager(trustedCertificates.toFile()).clientAuth(ClientAuth.REQUIRE).protocols(TLS13).build(),
                certificateChain + ", " + privateKey + ", " + trustedCertificates);
    }

    public static SslContext followerFromPem(Path certificateChain, Path privateKey, Path trustedCertificates) {
        return build(() -> SslContextBuilder.forClient().keyManager(certificateChain.toFile(), privateKey.toFile())
                .trustManager(trustedCertificates.toFile()).endpointIdentificationAlgorithm("HTTPS").protocols(TLS13).build(),
                certificateChain + ", " + privateKey + ", " + trustedCertificates);
    }

    private interface Builder {
        SslContext build() throws SSLException;
    }

    private static SslContext build(Builder b, String from) {
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new InvalidArgumentException("cannot set up TLS from " + from + ": " + e.getMessage(), e);
        }
    }
}
