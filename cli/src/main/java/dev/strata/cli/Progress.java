package dev.strata.cli;

import java.io.PrintWriter;

/**
 * A one-line progress display on stderr for long operations (verify, compact, backup, restore,
 * repair), redrawn in place with a carriage return and erased when done. Shown only when a person is watching
 * ({@link Session#terminal()}); when the output is piped it prints nothing, so logs and scripts
 * see only the result. Thread-safe: a ticker thread may update it while the work runs.
 */
public final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final boolean enabled;
    private int shown;
    private int shownPercent = -1;

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

    /**
     * A bar for {@code done} of {@code total} bytes: {@code label [#######-------------]  35%  1.2 MiB of 3.4 MiB},
     * redrawn only when the whole percentage changes (the engine reports every chunk it copies).
     */
    public synchronized void bar(String label, long done, long total) {
        int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
        if (!enabled || percent == shownPercent) {
            return;
        }
        shownPercent = percent;
        int filled = percent * BAR_WIDTH / 100;
        update(String.format("%s [%s%s] %3d%%  %s of %s", label, "#".repeat(filled), "-".repeat(BAR_WIDTH - filled),
                percent, bytes(done), bytes(total)));
    }

    private static final int BAR_WIDTH = 30;

    /** Erases the line. */
    @Override
    public synchronized void close() {
        if (enabled && shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
        shownPercent = -1;
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
