package dev.strata.engine.lsm;

import dev.strata.engine.manifest.FileMeta;
import dev.strata.engine.util.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the next compaction, LevelDB-style: each level gets a score (L0: tables over the
 * trigger count; deeper levels: bytes over the level's target) and the highest score of at least
 * 1 is compacted. From L0 every table goes, since L0 tables overlap; from a deeper level one
 * table, chosen round-robin through the key space so that every key range gets its turn.
 */
final class CompactionPicker {
    private CompactionPicker() {
    }

    static Compaction pick(Version v, LsmOptions o, byte[][] pointers) {
        double best = 0;
        int bestLevel = -1;
        double l0 = (double) v.fileCount(0) / o.l0CompactionTrigger();
        if (l0 >= 1) {
            best = l0;
            bestLevel = 0;
        }
        for (int level = 1; level < Version.MAX_LEVELS - 1; level++) {
            double score = (double) v.levelBytes(level) / o.levelTarget(level);
            if (score >= 1 && score > best) {
                best = score;
                bestLevel = level;
            }
        }
        if (bestLevel < 0) {
            return null;
        }
        if (bestLevel == 0) {
            return withOverlaps(v, 0, new ArrayList<>(v.level(0)), false);
        }
        List<TableHandle> tables = v.level(bestLevel);
        TableHandle chosen = tables.get(0);
        byte[] pointer = pointers[bestLevel];
        if (pointer != null) {
            for (TableHandle t : tables) {
                if (Bytes.compare(t.meta().smallestKey(), pointer) > 0) {
                    chosen = t;
                    break;
                }
            }
        }
        pointers[bestLevel] = chosen.meta().largestKey();
        List<TableHandle> inputs = new ArrayList<>();
        inputs.add(chosen);
        return withOverlaps(v, bestLevel, inputs, true);
    }

    /**
     * Every table of {@code level} overlapping [start, end] and what it overlaps below, or null.
     * From L0 it takes every table as soon as one overlaps: L0 tables overlap each other, and
     * moving a newer one below an older one left in L0 would let the older version win reads.
     */
    static Compaction forRange(Version v, int level, byte[] start, byte[] end) {
        List<TableHandle> inputs = new ArrayList<>();
        for (TableHandle t : v.level(level)) {
            if (t.meta().overlaps(start, end)) {
                inputs.add(t);
            }
        }
        if (inputs.isEmpty()) {
            return null;
        }
        if (level == 0) {
            inputs = new ArrayList<>(v.level(0));
        }
        return withOverlaps(v, level, inputs, false);
    }

    /**
     * Every table of {@code level} overlapping [start, end], rewritten into the same level: how a
     * manual compaction reaches data already at the bottom (overwritten versions, tombstones and
     * expired entries there are dropped only by rewriting it). Null if none overlaps.
     */
    static Compaction inPlace(Version v, int level, byte[] start, byte[] end) {
        List<TableHandle> inputs = new ArrayList<>();
        for (TableHandle t : v.level(level)) {
            if (t.meta().overlaps(start, end)) {
                inputs.add(t);
            }
        }
        return inputs.isEmpty() ? null : new Compaction(level, level, List.copyOf(inputs), false);
    }

    private static Compaction withOverlaps(Version v, int level, List<TableHandle> inputs, boolean allowMove) {
        byte[] lo = null;
        byte[] hi = null;
        for (TableHandle t : inputs) {
            FileMeta m = t.meta();
            lo = lo == null || Bytes.compare(m.smallestKey(), lo) < 0 ? m.smallestKey() : lo;
            hi = hi == null || Bytes.compare(m.largestKey(), hi) > 0 ? m.largestKey() : hi;
        }
        int out = level + 1;
        List<TableHandle> below = new ArrayList<>();
        for (TableHandle t : v.level(out)) {
            if (t.meta().overlaps(lo, hi)) {
                below.add(t);
            }
        }
        boolean move = allowMove && below.isEmpty() && inputs.size() == 1;
        List<TableHandle> all = new ArrayList<>(inputs);
        all.addAll(below);
        return new Compaction(level, out, List.copyOf(all), move);
    }
}
