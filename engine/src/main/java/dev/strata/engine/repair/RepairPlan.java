package dev.strata.engine.repair;

import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.manifest.ManifestState;
import dev.strata.engine.vfs.DirectoryLock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link DatabaseRepair} found in a database and will do about it, before it changes
 * anything: every damage with its file, offset and consequence, every file it will move into
 * {@link #lostDirectory()}, and the manifest it will write. Holds the database's write lock from
 * {@link DatabaseRepair#plan} until {@link #execute} or {@link #close}, so what was found cannot
 * change before it is acted on; a caller may show the plan and ask before executing it.
 *
 * <p>Not thread-safe; execute at most once.
 */
public final class RepairPlan implements AutoCloseable {

    /**
     * One damage and what it costs the database.
     *
     * @param file         the damaged file (absolute), or the manifest for what its loss causes
     * @param offset       where the damage was found, or -1 when it concerns the whole file
     *                     (a table that is missing, a table in no known column family)
     * @param columnFamily the column family of the damaged table, when known; otherwise null
     * @param damage       what is wrong
     * @param consequence  what the repair does about it and what the database loses ("nothing"
     *                     when every commit involved is in the tables)
     * @param losesData    whether the database loses data the files held
     */
    public record Finding(Path file, long offset, String columnFamily, String damage, String consequence,
                          boolean losesData) {
    }

    /** How a file goes into the lost directory. */
    public enum MoveKind {
        /** Moved: the database no longer has it. */
        MOVE,
        /** Copied whole, then the original is cut to {@link Move#keepBytes()} (the WAL segment holding the damage). */
        CUT,
        /** Copied whole, then the original is replaced (the damaged manifest, by the rebuilt one). */
        REWRITE
    }

    /** A file that goes into the lost directory ({@code to}), and why. */
    public record Move(Path from, Path to, MoveKind kind, long keepBytes, String why) {
    }

    /** How the manifest was found: readable, damaged (rebuilt from what could be read), or absent. */
    public enum ManifestStatus { SOUND, DAMAGED, ABSENT }

    private final Path dir;
    private final ManifestStatus manifestStatus;
    private final List<Finding> findings;
    private final List<String> notes;
    private final List<Move> moves;
    private final Path lostDirectory;
    private final ManifestState newManifest;
    private final int keptTables;
    private final long walReplaysTo;
    private final boolean needsEmptyCommit;
    private final List<String> familiesToCompact;
    private final DatabaseRepair repair;
    private DirectoryLock lock;

    RepairPlan(DatabaseRepair repair, DirectoryLock lock, ManifestStatus manifestStatus, List<Finding> findings,
               List<String> notes, List<Move> moves, Path lostDirectory, ManifestState newManifest, int keptTables,
               long walReplaysTo, boolean needsEmptyCommit, List<String> familiesToCompact) {
        this.repair = repair;
        this.dir = repair.dir();
        this.lock = lock;
        this.manifestStatus = manifestStatus;
        this.findings = List.copyOf(findings);
        this.notes = List.copyOf(notes);
        this.moves = List.copyOf(moves);
        this.lostDirectory = lostDirectory;
        this.newManifest = newManifest;
        this.keptTables = keptTables;
        this.walReplaysTo = walReplaysTo;
        this.needsEmptyCommit = needsEmptyCommit;
        this.familiesToCompact = List.copyOf(familiesToCompact);
    }

    /** The database directory. */
    public Path directory() {
        return dir;
    }

    /** Whether anything is damaged; when not, {@link #execute} changes nothing. */
    public boolean needed() {
        return !findings.isEmpty();
    }

    public ManifestStatus manifestStatus() {
        return manifestStatus;
    }

    /** Every damage found, in the order manifest, tables, WAL. */
    public List<Finding> findings() {
        return findings;
    }

    /**
     * What the repair does that is not damage: tables no manifest names moved aside, tables
     * whose level is unknown placed on L0 (and compacted), a torn WAL tail recovery drops, an
     * empty commit that lets every column family continue from one seqno.
     */
    public List<String> notes() {
        return notes;
    }

    /** Every file moved (or copied and cut) into {@link #lostDirectory()}. */
    public List<Move> moves() {
        return moves;
    }

    /** {@code <db>/lost/<n>}: where this repair puts what it takes out of the database. Never deleted by Strata. */
    public Path lostDirectory() {
        return lostDirectory;
    }

    /** The manifest the repair writes, or null when the current one stays. */
    public ManifestState newManifest() {
        return newManifest;
    }

    /** Tables the repaired database keeps. */
    public int keptTables() {
        return keptTables;
    }

    /** The last seqno the kept WAL replays (the smallest flushed seqno when it replays none). */
    public long walReplaysTo() {
        return walReplaysTo;
    }

    boolean needsEmptyCommit() {
        return needsEmptyCommit;
    }

    List<String> familiesToCompact() {
        return familiesToCompact;
    }

    /**
     * Carries the plan out: moves files into the lost directory, cuts the WAL, writes the new
     * manifest, then releases the lock and opens the database, which replays the kept WAL, and
     * flushes it (so the repaired database does not depend on its WAL), and finally checks every
     * file with {@code DatabaseChecker}. Another process could take the lock in the instant
     * between the release and the open; the open then fails with {@code DatabaseLockedException}
     * and the files are already repaired.
     */
    public RepairResult execute() {
        if (lock == null) {
            throw new InvalidArgumentException("this repair plan of " + dir + " was executed or closed already");
        }
        return repair.execute(this);
    }

    /** Called by the repair once the files are changed, before it opens the database. */
    void releaseLock() throws IOException {
        DirectoryLock held = lock;
        lock = null;
        if (held != null) {
            held.close();
        }
    }

    /** Releases the lock without doing anything (if {@link #execute} did not run). */
    @Override
    public void close() throws IOException {
        releaseLock();
    }
}
