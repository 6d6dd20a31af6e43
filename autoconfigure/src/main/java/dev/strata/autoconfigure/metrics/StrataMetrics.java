package dev.strata.autoconfigure.metrics;

import dev.strata.engine.StrataDatabase;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds the database's counters to Micrometer under {@code strata.*}. Work done since open
 * (WAL bytes and forces, flushes, compactions, cache lookups, write stalls) is counted with
 * function counters and a function timer over the engine's own counters; only levels (sizes,
 * file counts, seqnos, open handles) are gauges. Tags are bounded ({@code level}, {@code result},
 * {@code kind}); no key, value or file name is ever a tag. Every meter reads the database when
 * it is published, so nothing here holds state. Created by {@link StrataMetricsAutoConfiguration}.
 *
 * <pre>
 * strata.wal.written          counter  bytes   bytes appended to the WAL
 * strata.wal.syncs            counter          WAL forces (fsync), shared by group commit
 * strata.wal.segments         gauge    files   WAL segment files on disk
 * strata.memtable.size        gauge    bytes   memtables, active and waiting for flush
 * strata.memtable.immutable   gauge            full memtables waiting for flush
 * strata.sst.files{level}     gauge    files   tables per level (0..6)
 * strata.sst.size{level}      gauge    bytes   table bytes per level
 * strata.flushes              counter          memtable flushes
 * strata.flush.written        counter  bytes   bytes flushes wrote
 * strata.compactions          counter          compactions
 * strata.compaction.read      counter  bytes   bytes compactions read
 * strata.compaction.written   counter  bytes   bytes compactions wrote
 * strata.write.stalls         timer            writer stalls and the time writers waited
 * strata.cache.gets{result}   counter          block cache lookups, result=hit|miss
 * strata.seqno.latest         gauge            newest committed seqno readers see
 * strata.seqno.durable        gauge            newest seqno forced to disk
 * strata.handles.open{kind}   gauge            open iterators and snapshots, kind=iterator|snapshot|other
 * strata.writes.refused       gauge            1 while a background error makes the database refuse writes
 * strata.column.families      gauge            column families, the default one included
 * </pre>
 */
public class StrataMetrics implements MeterBinder {

    private static final String FILES = "files";

    private final StrataDatabase db;

    public StrataMetrics(StrataDatabase db) {
        this.db = db;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "strata.wal.written", BaseUnits.BYTES, "Bytes appended to the write-ahead log since open",
                StrataDatabase::walBytesWritten);
        counter(registry, "strata.wal.syncs", null, "Forces (fsync) of the write-ahead log since open",
                StrataDatabase::walSyncCount);
        gauge(registry, "strata.wal.segments", FILES, "Write-ahead log segment files on disk", d -> d.walSegmentCount());
        gauge(registry, "strata.memtable.size", BaseUnits.BYTES, "Bytes in memtables, active and waiting for flush",
                StrataDatabase::memtableBytes);
        gauge(registry, "strata.memtable.immutable", null, "Full memtables waiting for flush",
                d -> d.lsmStats().immutableMemtables());
        int levels = db.lsmStats().levelFiles().length;
        for (int level = 0; level < levels; level++) {
            int l = level;
            Gauge.builder("strata.sst.files", db, d -> d.lsmStats().levelFiles()[l]).tag("level", Integer.toString(l))
                    .baseUnit(FILES).description("Tables in the level").register(registry);
            Gauge.builder("strata.sst.size", db, d -> d.lsmStats().levelBytes()[l]).tag("level", Integer.toString(l))
                    .baseUnit(BaseUnits.BYTES).description("Bytes of the tables in the level").register(registry);
        }
        counter(registry, "strata.flushes", null, "Memtable flushes since open", d -> d.lsmStats().flushes());
        counter(registry, "strata.flush.written", BaseUnits.BYTES, "Bytes written by flushes since open",
                d -> d.lsmStats().bytesFlushed());
        counter(registry, "strata.compactions", null, "Compactions since open", d -> d.lsmStats().compactions());
        counter(registry, "strata.compaction.read", BaseUnits.BYTES, "Bytes read by compactions since open",
                d -> d.lsmStats().compactionBytesRead());
        counter(registry, "strata.compaction.written", BaseUnits.BYTES, "Bytes written by compactions since open",
                d -> d.lsmStats().compactionBytesWritten());
        FunctionTimer.builder("strata.write.stalls", db, d -> d.lsmStats().stalls(), d -> d.lsmStats().stallMillis(),
                        TimeUnit.MILLISECONDS)
                .description("Writer stalls while flushes or level-0 compactions fall behind, and the time writers waited")
                .register(registry);
        FunctionCounter.builder("strata.cache.gets", db, d -> d.lsmStats().cacheHits()).tag("result", "hit")
                .description("Block cache lookups since open").register(registry);
        FunctionCounter.builder("strata.cache.gets", db, d -> d.lsmStats().cacheMisses()).tag("result", "miss")
                .description("Block cache lookups since open").register(registry);
        gauge(registry, "strata.seqno.latest", null, "Seqno of the newest commit readers can see", StrataDatabase::latestSeqno);
        gauge(registry, "strata.seqno.durable", null, "Seqno of the newest commit forced to disk", StrataDatabase::durableSeqno);
        handles(registry, "iterator", d -> d.handleStatus().openIterators());
        handles(registry, "snapshot", d -> d.handleStatus().openSnapshots());
        handles(registry, "other", d -> d.handleStatus().openOther());
        gauge(registry, "strata.writes.refused", null, "1 while a background error makes the database refuse writes, else 0",
                d -> d.backgroundError() != null ? 1 : 0);
        gauge(registry, "strata.column.families", null, "Column families, the default one included",
                d -> d.columnFamilies().size());
        gauge(registry, "strata.txnlog.size", BaseUnits.BYTES, "Bytes of WAL segments on disk (whole and log-only)",
                d -> txnlog(d, "txnlog.totalSizeBytes"));
        gauge(registry, "strata.txnlog.segments", FILES, "WAL segment files on disk", d -> txnlog(d, "txnlog.segments"));
        gauge(registry, "strata.txnlog.log.only.segments", FILES, "WAL segments rewritten to hold transaction-log entries only",
                d -> txnlog(d, "txnlog.logOnlySegments"));
        gauge(registry, "strata.txnlog.entries", null, "Transaction-log entries on disk, every log",
                d -> txnlog(d, "txnlog.entries"));
        gauge(registry, "strata.txnlog.replay.gap", BaseUnits.BYTES, "WAL bytes after the last flushed seqno (what recovery would replay)",
                d -> txnlog(d, "txnlog.replayGapBytes"));
        counter(registry, "strata.txnlog.holds.dropped", null,
                "Follower WAL holds dropped for passing max-follower-retained-bytes (that follower must copy the database)",
                d -> txnlog(d, "txnlog.holdsDropped"));
        counter(registry, "strata.txnlog.retention.failures", null, "Failed transaction-log retention passes",
                d -> txnlog(d, "txnlog.retentionFailures"));
        for (String reason : new String[]{"not_flushed", "wal_keep_size", "not_archived_yet",
                "pinned_by_a_checkpoint_or_backup", "follower", "log_entries_inside_retention"}) {
            Gauge.builder("strata.txnlog.segments.kept", db, d -> txnlog(d, "txnlog.kept." + reason)).tag("reason", reason)
                    .baseUnit(FILES).description("Sealed WAL segments the last retention pass kept, by reason").register(registry);
        }
    }

    /** One {@code txnlog.*} statistic, NaN once the database is closed. */
    private static double txnlog(StrataDatabase d, String key) {
        if (d.isClosed()) {
            return Double.NaN;
        }
        try {
            Long v = d.transactionLogStatistics().get(key);
            return v == null ? Double.NaN : v;
        } catch (dev.strata.engine.ClosedException e) {
            return Double.NaN;
        }
    }

    private void counter(MeterRegistry registry, String name, String unit, String description,
                         ToDoubleFunction<StrataDatabase> value) {
        FunctionCounter.builder(name, db, value).baseUnit(unit).description(description).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
                       ToDoubleFunction<StrataDatabase> value) {
        Gauge.builder(name, db, value).baseUnit(unit).description(description).register(registry);
    }

    private void handles(MeterRegistry registry, String kind, ToDoubleFunction<StrataDatabase> value) {
        Gauge.builder("strata.handles.open", db, value).tag("kind", kind)
                .description("Open iterators and snapshots").register(registry);
    }
}
