package dev.strata.replication;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.replication.wire.FrameFormat;
import dev.strata.replication.wire.Messages;
import io.netty.handler.ssl.SslContext;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How a leader listens or a follower connects. A mutable builder; {@link Leader#start} and
 * {@link Follower#start} validate it and read it from then on, so do not change it afterwards.
 *
 * <p>Security: a shared {@link #secret} (HMAC challenge-response) is required unless
 * {@link #insecure} is set, in which case anyone who reaches the port can read the whole database
 * and a fake leader can feed a follower; a warning is logged. TLS comes from a Netty
 * {@link SslContext} the caller builds (a server context on the leader, a client context on the
 * follower; the Spring layer maps an SSL bundle to it).
 */
public final class ReplicationConfig {
    /** The secret both sides use in insecure mode, so the handshake is the same code path. */
    static final byte[] INSECURE_SECRET = "strata-insecure-no-secret".getBytes(StandardCharsets.US_ASCII);

    private String clusterId;
    private byte[] secret;
    private boolean insecure;
    private SslContext sslContext;
    private int maxFrameSize = FrameFormat.DEFAULT_MAX_FRAME_SIZE;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration heartbeatInterval = Duration.ofSeconds(1);
    private int maxConnections = 64;
    private int maxFollowers = 16;
    private int writeBufferLowWaterMark = 512 << 10;
    private int writeBufferHighWaterMark = 2 << 20;
    private int batchBytes = 256 << 10;
    private int chunkBytes = 256 << 10;
    private int applyQueueBytes = 16 << 20;
    private Duration reconnectMin = Duration.ofMillis(100);
    private Duration reconnectMax = Duration.ofSeconds(10);
    private Duration fullSyncRetention = Duration.ofMinutes(10);
    private boolean compression;

    public static ReplicationConfig forCluster(String clusterId) {
        return new ReplicationConfig().clusterId(clusterId);
    }

    /** Names the cluster; a follower of another cluster is refused. 1 to 255 UTF-8 bytes. */
    public ReplicationConfig clusterId(String clusterId) {
        this.clusterId = clusterId;
        return this;
    }

    /** The shared secret of the challenge-response, at least 16 bytes. */
    public ReplicationConfig secret(byte[] secret) {
        this.secret = secret == null ? null : secret.clone();
        return this;
    }

    /** Allows running without a secret (logged as a warning). Off by default. */
    public ReplicationConfig insecure(boolean insecure) {
        this.insecure = insecure;
        return this;
    }

    /** TLS: a server context on the leader, a client context on the follower; null for none. */
    public ReplicationConfig sslContext(SslContext sslContext) {
        this.sslContext = sslContext;
        return this;
    }

    /** Largest frame accepted or sent, length field included; default 16 MiB. */
    public ReplicationConfig maxFrameSize(int bytes) {
        this.maxFrameSize = bytes;
        return this;
    }

    /** Time from connect to a finished hello before the connection is closed; default 10 s. */
    public ReplicationConfig handshakeTimeout(Duration timeout) {
        this.handshakeTimeout = timeout;
        return this;
    }

    /** Time without a frame from the peer before the connection is closed; default 60 s. */
    public ReplicationConfig idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    /** How often an otherwise quiet leader sends its durable seqno; default 1 s. */
    public ReplicationConfig heartbeatInterval(Duration interval) {
        this.heartbeatInterval = interval;
        return this;
    }

    /** Open connections a leader accepts at once (others are closed at accept); default 64. */
    public ReplicationConfig maxConnections(int n) {
        this.maxConnections = n;
        return this;
    }

    /** Followers a leader registers (each pins log); default 16. */
    public ReplicationConfig maxFollowers(int n) {
        this.maxFollowers = n;
        return this;
    }

    /** Outbound bytes queued per connection before the sender waits (Netty write-buffer water marks). */
    public ReplicationConfig writeBufferWaterMarks(int low, int high) {
        this.writeBufferLowWaterMark = low;
        this.writeBufferHighWaterMark = high;
        return this;
    }

    /** Target size of one RECORDS frame; default 256 KiB. */
    public ReplicationConfig batchBytes(int bytes) {
        this.batchBytes = bytes;
        return this;
    }

    /** Size of one FILE_CHUNK frame of a full sync; default 256 KiB. */
    public ReplicationConfig chunkBytes(int bytes) {
        this.chunkBytes = bytes;
        return this;
    }

    /** Bytes a follower queues for its applier before it stops reading the socket; default 16 MiB. */
    public ReplicationConfig applyQueueBytes(int bytes) {
        this.applyQueueBytes = bytes;
        return this;
    }

    /** Reconnect backoff: first delay and cap (exponential, with jitter); default 100 ms and 10 s. */
    public ReplicationConfig reconnectBackoff(Duration min, Duration max) {
        this.reconnectMin = min;
        this.reconnectMax = max;
        return this;
    }

    /** How long a leader keeps a full-sync checkpoint for a follower to resume; default 10 min. */
    public ReplicationConfig fullSyncRetention(Duration retention) {
        this.fullSyncRetention = retention;
        return this;
    }

    /** zstd-compress record batches the leader sends (worth it on slow links); default off. */
    public ReplicationConfig compression(boolean on) {
        this.compression = on;
        return this;
    }

    /** Checks every setting; throws {@link InvalidArgumentException} naming the first bad one. */
    public void validate() {
        require(clusterId != null && !clusterId.isEmpty()
                && clusterId.getBytes(StandardCharsets.UTF_8).length <= 255, "clusterId must be 1 to 255 UTF-8 bytes, was " + clusterId);
        require(secret == null || secret.length >= 16, "secret must be at least 16 bytes");
        require(secret != null || insecure, "a replication secret is required (set insecure(true) to run without one)");
        require(maxFrameSize >= FrameFormat.MIN_MAX_FRAME_SIZE && maxFrameSize <= FrameFormat.MAX_MAX_FRAME_SIZE,
                "maxFrameSize must be in [64 KiB, 1 GiB], was " + maxFrameSize);
        requirePositive(handshakeTimeout, "handshakeTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(heartbeatInterval, "heartbeatInterval");
        require(heartbeatInterval.compareTo(idleTimeout) < 0, "heartbeatInterval must be shorter than idleTimeout");
        require(maxConnections >= 1, "maxConnections must be >= 1, was " + maxConnections);
        require(maxFollowers >= 1, "maxFollowers must be >= 1, was " + maxFollowers);
        require(writeBufferLowWaterMark >= 1 && writeBufferHighWaterMark > writeBufferLowWaterMark,
                "write buffer water marks must satisfy 0 < low < high, were " + writeBufferLowWaterMark + ", " + writeBufferHighWaterMark);
        int room = maxFrameSize - 64 - Messages.MAX_STRING;
        require(batchBytes >= 1 && batchBytes <= room, "batchBytes must be in [1, maxFrameSize - 1088], was " + batchBytes);
        require(chunkBytes >= 1 && chunkBytes <= room, "chunkBytes must be in [1, maxFrameSize - 1088], was " + chunkBytes);
        require(applyQueueBytes >= 64 << 10, "applyQueueBytes must be at least 64 KiB, was " + applyQueueBytes);
        requirePositive(reconnectMin, "reconnectBackoff min");
        require(reconnectMax != null && reconnectMax.compareTo(reconnectMin) >= 0, "reconnectBackoff max must be >= min");
        requirePositive(fullSyncRetention, "fullSyncRetention");
    }

    private static void requirePositive(Duration d, String name) {
        require(d != null && !d.isNegative() && !d.isZero(), name + " must be positive, was " + d);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidArgumentException(message);
        }
    }

    public String clusterId() {
        return clusterId;
    }

    /** The secret the handshake uses: the configured one, or the fixed insecure one. */
    public byte[] effectiveSecret() {
        return secret != null ? secret.clone() : INSECURE_SECRET.clone();
    }

    public boolean hasSecret() {
        return secret != null;
    }

    public boolean insecure() {
        return insecure;
    }

    public SslContext sslContext() {
        return sslContext;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxFollowers() {
        return maxFollowers;
    }

    public int writeBufferLowWaterMark() {
        return writeBufferLowWaterMark;
    }

    public int writeBufferHighWaterMark() {
        return writeBufferHighWaterMark;
    }

    public int batchBytes() {
        return batchBytes;
    }

    public int chunkBytes() {
        return chunkBytes;
    }

    public int applyQueueBytes() {
        return applyQueueBytes;
    }

    public Duration reconnectMin() {
        return reconnectMin;
    }

    public Duration reconnectMax() {
        return reconnectMax;
    }

    public Duration fullSyncRetention() {
        return fullSyncRetention;
    }

    public boolean compression() {
        return compression;
    }
}
