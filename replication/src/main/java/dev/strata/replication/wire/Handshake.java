package dev.strata.replication.wire;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The shared-secret challenge-response both peers run before any other frame: each side sends
 * a fresh random nonce and proves it knows the secret with an HMAC-SHA256 over both nonces and
 * a role label (so a proof cannot be replayed in the other direction or on another connection).
 * Proofs are compared with {@link MessageDigest#isEqual}, in constant time. Neither the secret
 * nor anything derived from it but the proofs crosses the wire.
 */
public final class Handshake {
    private static final byte[] FOLLOWER_LABEL = "STRATA-REPL-1 F".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEADER_LABEL = "STRATA-REPL-1 L".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;

    /** {@code secret} must not be empty (the configuration supplies a fixed one in insecure mode). */
    public Handshake(byte[] secret) {
        if (secret == null || secret.length == 0) {
            throw new InvalidArgumentException("the replication secret must not be empty");
        }
        this.secret = secret.clone();
    }

    public static byte[] nonce() {
        byte[] n = new byte[FrameFormat.NONCE_SIZE];
        RANDOM.nextBytes(n);
        return n;
    }

    public byte[] followerProof(byte[] leaderNonce, byte[] followerNonce) {
        return mac(FOLLOWER_LABEL, leaderNonce, followerNonce);
    }

    public byte[] leaderProof(byte[] leaderNonce, byte[] followerNonce) {
        return mac(LEADER_LABEL, leaderNonce, followerNonce);
    }

    /** Throws {@link Reason#AUTH_FAILED} unless {@code actual} equals {@code expected} (constant time). */
    public static void check(byte[] expected, byte[] actual, String who) {
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new ReplicationException(Reason.AUTH_FAILED, who + " failed the shared-secret challenge");
        }
    }

    private byte[] mac(byte[] label, byte[] a, byte[] b) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label);
            mac.update(a);
            mac.update(b);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
