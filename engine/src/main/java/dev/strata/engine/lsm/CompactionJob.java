package dev.strata.engine.lsm;

import dev.strata.engine.iterator.InternalIterator;
import dev.strata.engine.iterator.MergingIterator;
import dev.strata.engine.memtable.RangeTombstones;
import dev.strata.engine.sst.BlockCache;
import dev.strata.engine.sst.RangeTombstone;
import dev.strata.engine.util.Bytes;
import dev.strata.engine.vfs.Storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Merges a compaction's input tables into new tables on the output level, dropping what no reader
 * can see any more.
 *
 * <p>What is kept. Readers read at an open snapshot or at the newest visible seqno; these seqnos
 * (the boundaries) cut the seqno line into stripes. Within a stripe only the newest version of a
 * key can be read, so older versions in the same stripe are dropped. A version is also dropped if
 * a range tombstone of the inputs in the same stripe covers it. Point and range tombstones are
 * dropped once they are in the oldest stripe and the output is the bottom of the tree for its key
 * range (nothing below they could hide). Versions newer than the newest visible seqno (committed
 * but not yet acknowledged) are all kept.
 *
 * <p>Outputs are cut at about the target file size, never between versions of one key. Range
 * tombstones are clipped to each output's share of the key space, so tables of one level stay
 * disjoint (they may touch at one boundary key, which {@link Version#get} allows for).
 */
final class CompactionJob {
    private final Compaction c;
    private final Version base;
    private final LsmOptions options;
    private final long[] boundaries;
    private final LongSupplier fileNumbers;
    private final LongFunction<Path> paths;
    private final Storage storage;
    private final BlockCache cache;
    private final long now;
    private long bytesRead;
    private long bytesWritten;

    CompactionJob(Compaction c, Version base, LsmOptions options, long[] boundaries, LongSupplier fileNumbers,
                  LongFunction<Path> paths, Storage storage, BlockCache cache, long now) {
        this.now = now;
        this.c = c;
        this.base = base;
        this.options = options;
        this.boundaries = boundaries;
        this.fileNumbers = fileNumbers;
        this.paths = paths;
        this.storage = storage;
        this.cache = cache;
    }

    long bytesRead() {
        return bytesRead;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    /** The index of the stripe of {@code seqno}: the first boundary at or above it; -1 if above all. */
    private int stripe(long seqno) {
        int i = Arrays.binarySearch(boundaries, seqno);
        if (i < 0) {
            i = -i - 1;
        }
        return i < boundaries.length ? i : -1;
    }

    List<TableHandle> run() throws IOException {
        byte[] lo = null;
        byte[] hi = null;
        List<InternalIterator> children = new ArrayList<>();
        RangeTombstones tombstones = new RangeTombstones();
        List<RangeTombstone> allTombstones = new ArrayList<>();
        for (TableHandle t : c.inputs()) {
            bytesRead += t.meta().fileSize();
            children.add(new TableInternalIterator(t));
            for (RangeTombstone r : t.reader().rangeTombstones()) {
                tombstones.add(r.start(), r.end(), r.seqno());
                allTombstones.add(r);
            }
            lo = lo == null || Bytes.compare(t.meta().smallestKey(), lo) < 0 ? t.meta().smallestKey() : lo;
            hi = hi == null || Bytes.compare(t.meta().largestKey(), hi) > 0 ? t.meta().largestKey() : hi;
        }
        boolean bottom = true;
        for (int level = c.outputLevel() + 1; level < Version.MAX_LEVELS && bottom; level++) {
            for (TableHandle t : base.level(level)) {
                if (t.meta().overlaps(lo, hi)) {
                    bottom = false;
                    break;
                }
            }
        }
        long oldest = boundaries[0];
        List<RangeTombstone> keptTombstones = new ArrayList<>();
        for (RangeTombstone r : allTombstones) {
            if (!(bottom && r.seqno() <= oldest)) {
                keptTombstones.add(r);
            }
        }

        List<TableHandle> outputs = new ArrayList<>();
        TableBuilder out = null;
        byte[] lower = null;
        boolean ok = false;
        try (MergingIterator it = new MergingIterator(children)) {
            it.seekToFirst();
            byte[] currentKey = null;
            int lastStripe = Integer.MIN_VALUE;
            while (it.valid()) {
                byte[] key = it.key();
                long seqno = it.seqno();
                boolean newKey = currentKey == null || !Arrays.equals(key, currentKey);
                if (newKey) {
                    currentKey = key;
                    lastStripe = Integer.MIN_VALUE;
                    if (out != null && out.estimatedSize() >= options.targetFileSize()) {
                        outputs.add(finish(out, lower, key, keptTombstones));
                        out = null;
                        lower = key;
                    }
                }
                boolean keep;
                // An expired put reads as deleted: it is kept (or dropped) as a point tombstone,
                // never just dropped, or an older version under it would come back.
                long expiresAt = it.isTombstone() ? 0L : it.expiresAt();
                boolean tombstone = it.isTombstone() || (expiresAt != 0 && expiresAt <= now);
                int s = stripe(seqno);
                if (s < 0) {
                    keep = true; // newer than anything visible: every version stays
                } else if (s == lastStripe) {
                    keep = false; // an older version in a stripe whose newest version was seen
                } else {
                    lastStripe = s;
                    long covering = tombstones.maxCoveringSeqno(key, boundaries[s]);
                    if (covering > seqno) {
                        keep = false;
                    } else {
                        keep = !(tombstone && bottom && s == 0);
                    }
                }
                if (keep) {
                    if (out == null) {
                        out = newOutput();
                    }
                    out.add(key, seqno, tombstone, tombstone ? null : it.value(), tombstone ? 0L : expiresAt);
                }
                it.next();
            }
            if (out == null && !keptTombstones.isEmpty()) {
                out = newOutput();
            }
            if (out != null) {
                outputs.add(finish(out, lower, null, keptTombstones));
                out = null;
            }
            ok = true;
            return outputs;
        } finally {
            if (!ok) {
                if (out != null) {
                    out.close();
                }
                for (TableHandle t : outputs) {
                    t.ref();
                    t.unref(); // closes and deletes the unfinished compaction's outputs
                }
            }
        }
    }

    private TableBuilder newOutput() throws IOException {
        long number = fileNumbers.getAsLong();
        return new TableBuilder(storage, paths.apply(number), number, options.tablesFor(c.outputLevel()));
    }

    /** Adds the tombstones clipped to [lower, upper) (null for open) and finishes the table. */
    private TableHandle finish(TableBuilder out, byte[] lower, byte[] upper, List<RangeTombstone> kept) throws IOException {
        for (RangeTombstone r : kept) {
            byte[] s = lower != null && Bytes.compare(r.start(), lower) < 0 ? lower : r.start();
            byte[] e = upper != null && Bytes.compare(r.end(), upper) > 0 ? upper : r.end();
            if (Bytes.compare(s, e) < 0) {
                out.addRangeTombstone(s, e, r.seqno());
            }
        }
        TableHandle t = out.finish(cache);
        bytesWritten += t.meta().fileSize();
        return t;
    }
}
