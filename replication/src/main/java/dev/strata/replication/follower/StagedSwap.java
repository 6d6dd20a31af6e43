package dev.strata.replication.follower;

import dev.strata.engine.StrataIOException;
import dev.strata.replication.io.FileOps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a full sync is staged beside the follower's database directory, and how the complete
 * copy replaces it: {@code <parent>/.<name>.fullsync} receives the files; once every file is
 * verified a {@value #MARKER} file is written there, the database is closed, the old directory
 * is renamed to {@code .<name>.fullsync-old}, the staging directory to {@code <name>}, the parent
 * forced, and the old copy deleted. A crash anywhere leaves either the old database (no marker
 * yet) or a marked staging directory that {@link #finishInterrupted} moves into place at the next
 * start: the follower never opens a half-copied database.
 */
public final class StagedSwap {
    private static final Logger LOG = LoggerFactory.getLogger(StagedSwap.class);
    public static final String MARKER = "SYNC_COMPLETE";

    private StagedSwap() {
    }

    public static Path staging(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return abs.resolveSibling("." + abs.getFileName() + ".fullsync");
    }

    static Path aside(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return abs.resolveSibling("." + abs.getFileName() + ".fullsync-old");
    }

    /** Swaps a complete, marked staging directory in place of {@code dir} (whose database is closed). */
    public static void swap(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        Path staging = staging(target);
        Path aside = aside(target);
        try {
            FileOps.deleteTree(aside);
            if (Files.exists(target)) {
                Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            FileOps.forceDirectory(target.getParent());
            Files.deleteIfExists(target.resolve(MARKER));
            FileOps.deleteTree(aside);
        } catch (IOException e) {
            throw new StrataIOException("cannot swap the full sync " + staging + " into " + target, e);
        }
    }

    /** Finishes a swap a crash interrupted (a marked staging directory), and removes a leftover old copy. */
    public static void finishInterrupted(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(staging(target).resolve(MARKER))) {
            LOG.warn("Finishing an interrupted full-sync swap into {}", target);
            swap(target);
        } else if (Files.exists(aside(target)) && Files.exists(target)) {
            try {
                FileOps.deleteTree(aside(target));
            } catch (IOException e) {
                throw new StrataIOException("cannot delete the replaced copy " + aside(target), e);
            }
        }
    }
}
