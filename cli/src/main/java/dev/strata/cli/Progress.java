package dev.strata.cli;

import java.io.PrintWriter;

/**
 * A one-line progress display on stderr for long operations (verify, compact), redrawn in
 * place with a carriage return and erased when done. Shown only when a person is watching
 * ({@link Session#terminal()}); when the output is piped it prints nothing, so logs and scripts
 * see only the result. Thread-safe: a ticker thread may update it while the work runs.
 */
public final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final boolean enabled;
    private int shown;

    public Progress(Session session) {
        this.err = session.err();
        this.enabled = session.terminal();
    }

    public synchronized void update(String text) {
        if (!enabled) {
            return;
        }
        err.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
        err.flush();
        shown = text.length();
    }

    /** Erases the line. */
    @Override
    public synchronized void close() {
        if (enabled && shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }

    /** {@code bytes} as a short human figure: 512 B, 1.5 KiB, 3.2 MiB. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
