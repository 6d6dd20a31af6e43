package dev.strata.engine.lsm;

import dev.strata.engine.memtable.Memtable;

import java.util.List;

/**
 * What a read consults, captured at once: the active memtable, the immutable memtables waiting
 * for flush (newest first) and the current version of the tables. Published as one volatile
 * reference, so a flush that moves data from a memtable to a table is seen all-or-nothing (as
 * RocksDB's SuperVersion).
 */
public record ReadView(Memtable active, List<Memtable> immutables, Version version) {
}
