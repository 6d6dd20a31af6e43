package dev.strata.replication.epoch;

import java.nio.file.Path;

/**
 * The epoch history of one database directory, cached in memory and written through to its
 * {@link EpochFile}. Shared by the follower that keeps the directory and a leader serving
 * followers from it (chaining), so both see one history. A directory with no file reads as
 * {@link #NO_EPOCH} for a follower (it has followed no one yet) and gets
 * {@link EpochHistory#initial()} when a leader starts on it.
 *
 * <p>Thread-safe: every method is synchronized; writes are durable before they return.
 */
public final class EpochStore {
    /** The epoch a follower that has never followed anyone reports. */
    public static final long NO_EPOCH = 0;

    private final Path dir;
    private EpochHistory history;

    public EpochStore(Path dir) {
        this.dir = dir;
        this.history = EpochFile.read(dir);
    }

    /** The history, or null when this directory has none yet. */
    public synchronized EpochHistory history() {
        return history;
    }

    /** The current epoch, or {@link #NO_EPOCH}. */
    public synchronized long currentEpoch() {
        return history == null ? NO_EPOCH : history.current();
    }

    /** The history, created as {@link EpochHistory#initial()} (and written) if there is none. */
    public synchronized EpochHistory historyForLeader() {
        if (history == null) {
            replace(EpochHistory.initial());
        }
        return history;
    }

    /** Makes {@code h} this directory's history (durably), unless it already is. */
    public synchronized void replace(EpochHistory h) {
        if (!h.equals(history)) {
            EpochFile.write(dir, h);
            history = h;
        }
    }

    /** Starts a new epoch at {@code startSeqno} (a promotion), durably; returns the new history. */
    public synchronized EpochHistory promote(long startSeqno) {
        EpochHistory base = history == null ? EpochHistory.initial() : history;
        replace(base.promote(startSeqno));
        return history;
    }

    /** Reads the file again (after a full sync replaced the directory's contents). */
    public synchronized void reload() {
        history = EpochFile.read(dir);
    }

    public Path directory() {
        return dir;
    }
}
