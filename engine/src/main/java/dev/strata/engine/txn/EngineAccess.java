package dev.strata.engine.txn;

import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.Snapshot;
import dev.strata.engine.StrataIterator;
import dev.strata.engine.StrataOptions;
import dev.strata.engine.commit.CommitPipeline;
import dev.strata.engine.lsm.LsmTree;
import dev.strata.engine.util.AsyncRunner;

import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * What transactions, locks, events and the verification table need from their database, handed
 * over by its constructor: the engine parts, and the database's own guards (enter/exit count a
 * running call so close waits for it and later calls get {@code ClosedException}).
 *
 * @param trees     the tree of a column family id (0 = the default family)
 * @param ranges    a range iterator of a column family, at the options' snapshot
 * @param snapshots takes a registered snapshot of the latest state (kept from compaction)
 * @param logs      the transaction log of a name ({@code db.useLog})
 */
public record EngineAccess(Path dir, StrataOptions options, CommitPipeline pipeline, IntFunction<LsmTree> trees,
                           Runnable enter, Runnable exit, AsyncRunner async, RangeReader ranges,
                           Supplier<Snapshot> snapshots,
                           java.util.function.Function<String, dev.strata.engine.log.TransactionLog> logs) {

    /** A range iterator over one column family. */
    @FunctionalInterface
    public interface RangeReader {
        StrataIterator<KeyValue> iterator(int cf, RangeOptions range);
    }
}
