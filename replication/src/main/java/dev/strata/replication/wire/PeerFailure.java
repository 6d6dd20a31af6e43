package dev.strata.replication.wire;

import io.netty.handler.codec.DecoderException;
import org.slf4j.Logger;

/**
 * How both sessions report a failed connection: the cause without Netty's decoder wrapper, logged
 * at debug when it is the network (a reset, a broken pipe) and as a warning otherwise.
 */
public final class PeerFailure {
    private PeerFailure() {
    }

    /** The failure that matters: the cause a {@link DecoderException} wraps, else {@code t}. */
    public static Throwable unwrap(Throwable t) {
        return t instanceof DecoderException && t.getCause() != null ? t.getCause() : t;
    }

    /** A one-line description for status and logs. */
    public static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    public static void log(Logger log, String what, Object peer, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            log.debug("{} {} failed: {}", what, peer, cause.toString());
        } else {
            log.warn("Closing {} {}: {}", what, peer, cause.toString());
        }
    }
}
