package dev.strata.engine.util;

import dev.strata.engine.InvalidArgumentException;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * White-box crash points (RocksDB's {@code TEST_KILL_RANDOM}, issue 12): named places in the
 * write path where a crash leaves a state that recovery must cope with: around a WAL force,
 * between a flush's table and its manifest install, between the manifest's temp file and its
 * rename, at a compaction's install, before a file delete, inside recovery itself, in a
 * transaction's commit, and between the steps of a checkpoint, a backup and a restore. The engine
 * calls {@link #hit} at each, one line per place; crash tests decide what a hit does.
 *
 * <p>Off by default: {@link #hit} then costs one read of a volatile field that holds null. A
 * crash test turns one point on in a child JVM with the system property
 * {@code -Dstrata.crashPoint=<name>:<k>} ({@code :<k>} optional, default 1), read once when this
 * class loads: the k-th time any thread reaches that point, the process stops on the spot with
 * {@link Runtime#halt} and exit status {@link #HALT_STATUS}: no shutdown hook, no close, no
 * further write, which is what {@code kill -9} at that instruction would leave. A test inside one
 * JVM may instead {@link #listen} to every hit (to count them, or to take the disk image a power
 * cut there would leave).
 *
 * <p>{@link #ALL} names every point; a test checks that the engine's sources call exactly these,
 * and the crash-point test crashes at each of them.
 */
public final class CrashPoints {
    /** The system property that arms one point in a child JVM. */
    public static final String PROPERTY = "strata.crashPoint";
    /** The exit status of a process halted at a crash point (any status the JVM does not use itself). */
    public static final int HALT_STATUS = 86;

    /**
     * Every crash point, in the order a write's life reaches them. Recovery points are reached
     * only by an open that finds what a crash left (a WAL tail to cut, a table no manifest names).
     */
    public static final List<String> ALL = List.of(
            "wal.segment.created",       // a new segment has its header and zero tail, not yet forced
            "wal.force.before",          // records written to the OS, force not yet called
            "wal.force.after",           // records forced, the commits not yet acknowledged
            "recovery.tail.truncated",   // open cut the newest segment's tail, not yet forced
            "table.synced",              // a table file is forced, its directory entry is not
            "flush.table.written",       // a flush's table is durable, the manifest does not name it yet
            "recovery.orphans.deleted",  // open deleted tables no manifest names, directory not forced
            "manifest.tmp.written",      // MANIFEST.tmp is forced, not yet renamed
            "manifest.renamed",          // MANIFEST.tmp renamed over MANIFEST, directory not forced
            "flush.installed",           // the manifest names the flushed table, WAL not yet deleted
            "wal.segments.deleted",      // flushed WAL segments unlinked, directory not forced
            "wal.roll.sealed",           // a full segment is forced and truncated, no successor yet
            "compaction.outputs.written",// a compaction's outputs are durable, not yet installed
            "compaction.installed",      // the manifest names the outputs, inputs not yet deleted
            "table.delete",              // an obsolete table is about to be deleted
            "txn.commit.locked",         // a transaction commits, its locks (pessimistic) held, nothing written
            "txn.commit.validated",      // its conflict check passed, seqno reserved, no WAL record yet
            "checkpoint.tables.linked",  // a checkpoint's tables are in its temporary directory, no WAL yet
            "checkpoint.wal.copied",     // its WAL is copied too; no manifest, not renamed into place
            "backup.files.copied",       // a backup's tables, manifest and WAL are forced, no metadata yet
            "backup.tmp.written",        // NEXT_ID, a backup's metadata or a restore's marker forced as a temp file
            "backup.meta.written",       // a backup's metadata is in place (it lists), its work not yet removed
            "restore.staged",            // a restore's staging directory is complete and marked, nothing swapped
            "restore.swap.aside",        // mid-swap: the old database renamed aside, the staging one not yet in place
            "restore.swapped",           // the restored database is in place; its marker and the old one remain
            "txnlog.rewrite.written",    // a log-only copy of a segment is forced, not yet renamed over it
            "txnlog.rewrite.renamed");   // the log-only copy replaced the segment, directory not forced

    /** The points that only an open after a crash reaches (once per open). */
    public static final List<String> RECOVERY = List.of("recovery.tail.truncated", "recovery.orphans.deleted");

    private static volatile Consumer<String> listener = fromProperty(System.getProperty(PROPERTY));

    private CrashPoints() {
    }

    /** Marks that this thread has reached the point {@code name} (one of {@link #ALL}). */
    public static void hit(String name) {
        Consumer<String> l = listener;
        if (l != null) {
            l.accept(name);
        }
    }

    /**
     * Makes every later hit call {@code l} in the hitting thread (null: hits do nothing again).
     * For tests inside one JVM; replaces the listener the system property installed.
     */
    public static void listen(Consumer<String> l) {
        listener = l;
    }

    /** A point and the hit at which it fires, as the system property names them. */
    public record Trigger(String point, long k) {
    }

    /**
     * Parses {@code <name>} or {@code <name>:<k>}: the name must be one of {@link #ALL} and k a
     * positive number.
     *
     * @throws InvalidArgumentException naming what is wrong
     */
    public static Trigger parse(String spec) {
        int colon = spec.lastIndexOf(':');
        String name = colon < 0 ? spec.trim() : spec.substring(0, colon).trim();
        long k = 1;
        if (colon >= 0) {
            try {
                k = Long.parseLong(spec.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                k = 0;
            }
        }
        if (!ALL.contains(name)) {
            throw new InvalidArgumentException(PROPERTY + " names no crash point: '" + name + "'; the points are " + ALL);
        }
        if (k < 1) {
            throw new InvalidArgumentException(PROPERTY + "=" + spec + ": the hit count after ':' must be a positive number");
        }
        return new Trigger(name, k);
    }

    /** A listener that runs {@code action} once, at the {@code t.k()}-th hit of {@code t.point()} by any thread. */
    public static Consumer<String> onNthHit(Trigger t, Runnable action) {
        AtomicLong hits = new AtomicLong();
        return name -> {
            if (name.equals(t.point()) && hits.incrementAndGet() == t.k()) {
                action.run();
            }
        };
    }

    private static Consumer<String> fromProperty(String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        return onNthHit(parse(spec), () -> Runtime.getRuntime().halt(HALT_STATUS));
    }
}
