package dev.strata.replication.leader;

import dev.strata.engine.StrataIOException;
import dev.strata.replication.epoch.EpochHistory;
import dev.strata.replication.io.FileOps;
import dev.strata.replication.spi.LogHold;
import dev.strata.replication.spi.ReplicationSource;
import dev.strata.replication.wire.Messages.SyncFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The checkpoints a leader sends in full syncs, kept in its work directory for
 * {@code fullSyncRetention} so a follower whose connection broke mid-copy resumes by file and
 * offset instead of starting over. Each checkpoint is taken after a log hold from the leader's
 * durable seqno + 1, so every record after the checkpoint stays on disk until the follower
 * continues from it.
 *
 * <p>Invariants: guarded by {@code this}; a checkpoint directory is deleted only when it is past
 * its retention and no session is streaming it, or at close.
 */
final class FullSyncFiles {
    private static final Logger LOG = LoggerFactory.getLogger(FullSyncFiles.class);
    private static final SecureRandom IDS = new SecureRandom();

    /** One checkpoint ready to send. */
    record Prepared(long syncId, long seqno, EpochHistory history, Path directory, List<SyncFile> files, long createdAt) {
    }

    private final ReplicationSource source;
    private final Path workDir;
    private final long retentionMillis;
    private final Map<Long, Prepared> prepared = new LinkedHashMap<>();
    private final Map<Long, Integer> streaming = new LinkedHashMap<>();

    FullSyncFiles(ReplicationSource source, Path workDir, long retentionMillis) {
        this.source = source;
        this.workDir = workDir;
        this.retentionMillis = retentionMillis;
    }

    /** The retained checkpoint {@code syncId}, or null; marks it streamed until {@link #release}. */
    synchronized Prepared resume(long syncId) {
        Prepared p = prepared.get(syncId);
        if (p != null) {
            streaming.merge(syncId, 1, Integer::sum);
        }
        return p;
    }

    /**
     * Takes a new checkpoint for {@code holder}: holds the log from the durable seqno + 1, writes
     * the checkpoint, lists its files with their CRC32C. The hold is handed to {@code registration}.
     */
    Prepared create(Registration registration, EpochHistory history) {
        expire();
        long syncId;
        synchronized (this) {
            do {
                syncId = IDS.nextLong() & Long.MAX_VALUE;
            } while (syncId == 0 || prepared.containsKey(syncId));
        }
        LogHold hold = source.hold("follower:" + registration.id, source.durableSeqno() + 1);
        try {
            Files.createDirectories(workDir);
            ReplicationSource.Checkpoint cp = source.checkpoint(workDir.resolve("sync-" + Long.toUnsignedString(syncId, 16)));
            Prepared p = new Prepared(syncId, cp.seqno(), history, cp.directory(), list(cp.directory()), System.currentTimeMillis());
            registration.replaceHold(hold);
            synchronized (this) {
                prepared.put(syncId, p);
                streaming.merge(syncId, 1, Integer::sum);
            }
            LOG.info("Full sync {} for follower {}: checkpoint at seqno {}, {} files", Long.toHexString(syncId),
                    registration.id, cp.seqno(), p.files().size());
            return p;
        } catch (IOException e) {
            hold.close();
            throw new StrataIOException("cannot prepare a full sync in " + workDir, e);
        } catch (RuntimeException e) {
            hold.close();
            throw e;
        }
    }

    synchronized void release(long syncId) {
        streaming.computeIfPresent(syncId, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Deletes checkpoints past their retention that no session streams. */
    void expire() {
        List<Prepared> old = new ArrayList<>();
        long now = System.currentTimeMillis();
        synchronized (this) {
            for (Prepared p : prepared.values()) {
                if (now - p.createdAt() > retentionMillis && !streaming.containsKey(p.syncId())) {
                    old.add(p);
                }
            }
            old.forEach(p -> prepared.remove(p.syncId()));
        }
        old.forEach(p -> deleteQuietly(p.directory()));
    }

    /** Deletes every retained checkpoint (the leader is closing). */
    void close() {
        List<Prepared> all;
        synchronized (this) {
            all = new ArrayList<>(prepared.values());
            prepared.clear();
        }
        all.forEach(p -> deleteQuietly(p.directory()));
    }

    /** Every regular file under {@code dir} (but the lock file), relative names with '/', sorted. */
    static List<SyncFile> list(Path dir) throws IOException {
        List<Path> paths;
        try (Stream<Path> s = Files.walk(dir)) {
            paths = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("LOCK")).sorted().toList();
        }
        List<SyncFile> files = new ArrayList<>(paths.size());
        for (Path p : paths) {
            String name = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
            files.add(new SyncFile(name, Files.size(p), FileOps.crc(p)));
        }
        return files;
    }

    static void deleteQuietly(Path dir) {
        try {
            FileOps.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("Cannot delete the full-sync checkpoint {}: {}", dir, e.toString());
        }
    }
}
