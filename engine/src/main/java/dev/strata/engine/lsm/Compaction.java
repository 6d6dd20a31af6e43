package dev.strata.engine.lsm;

import java.util.List;

/**
 * One unit of compaction work: the input tables (from {@code level} and the overlapping ones of
 * {@code outputLevel}) and where the result goes. A trivial move relinks a single table one level
 * down without rewriting it, because nothing below overlaps it.
 */
record Compaction(int level, int outputLevel, List<TableHandle> inputs, boolean isTrivialMove) {
}
