package dev.strata.autoconfigure;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.ColumnFamilyNotFoundException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.handle.HandleStatus;
import dev.strata.engine.lsm.LsmStats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the database says about itself, in the shapes Actuator shows: its {@link State}, the
 * short summary that health details carry, and the full statistics of the {@code strata}
 * endpoint. One place, so health and the endpoint agree on names and meaning. Holds no state;
 * every call reads the database's counters afresh. Never includes a key or a value.
 */
public final class StrataDatabaseReport {

    /** Whether the database takes writes. */
    public enum State {
        /** Open; takes writes unless it was opened read-only. */
        OPEN,
        /** An earlier failure (a failed force, flush or compaction) makes it refuse writes until reopened. */
        REFUSING_WRITES,
        /** Closed: every call fails with {@code ERR_CLOSED}. */
        CLOSED
    }

    private StrataDatabaseReport() {
    }

    public static State state(StrataDatabase db) {
        if (db.isClosed()) {
            return State.CLOSED;
        }
        return db.backgroundError() != null ? State.REFUSING_WRITES : State.OPEN;
    }

    /** The few bounded facts health shows: where, whether writable, how far, how loaded. */
    public static Map<String, Object> summary(StrataDatabase db) {
        LsmStats lsm = db.lsmStats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", db.path().toAbsolutePath().normalize().toString());
        m.put("state", state(db).name());
        m.put("latestSeqno", db.latestSeqno());
        m.put("durableSeqno", db.durableSeqno());
        m.put("memtableBytes", lsm.memtableBytes());
        m.put("level0Files", lsm.levelFiles()[0]);
        m.put("walSegments", db.walSegmentCount());
        m.put("writeStalls", lsm.stalls());
        return m;
    }

    /** Everything the endpoint's {@code stats} shows: the summary, then the WAL, tree, cache and handles. */
    public static Map<String, Object> stats(StrataDatabase db) {
        LsmStats lsm = db.lsmStats();
        HandleStatus handles = db.handleStatus();
        Map<String, Object> m = summary(db);
        if (!db.isClosed()) {
            m.put("estimatedKeys", db.estimatedCount());
        }
        m.put("wal", Map.of("segments", db.walSegmentCount(), "bytesWritten", db.walBytesWritten(),
                "syncs", db.walSyncCount()));
        m.put("memtables", Map.of("bytes", lsm.memtableBytes(), "immutable", lsm.immutableMemtables()));
        m.put("levels", levels(lsm));
        m.put("flushes", Map.of("count", lsm.flushes(), "bytesWritten", lsm.bytesFlushed()));
        m.put("compactions", Map.of("count", lsm.compactions(), "bytesRead", lsm.compactionBytesRead(),
                "bytesWritten", lsm.compactionBytesWritten()));
        m.put("stalls", Map.of("count", lsm.stalls(), "millis", lsm.stallMillis()));
        m.put("blockCache", Map.of("hits", lsm.cacheHits(), "misses", lsm.cacheMisses()));
        m.put("handles", Map.of("openIterators", handles.openIterators(), "openSnapshots", handles.openSnapshots(),
                "openOther", handles.openOther(), "leakedAtClose", handles.leakedAtClose()));
        Throwable refusal = db.backgroundError();
        if (refusal != null) {
            m.put("backgroundError", String.valueOf(refusal.getMessage()));
        }
        return m;
    }

    /**
     * Every column family by name, the default first: its id, estimated keys, memtable and table
     * bytes, and its levels. The work counters (flushes, compactions) are the database's, in
     * {@link #stats}. A family dropped between listing and reading is left out.
     */
    public static Map<String, Object> columnFamilies(StrataDatabase db) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String name : db.columnFamilies()) {
            ColumnFamily family;
            try {
                family = db.columnFamily(name);
            } catch (ColumnFamilyNotFoundException dropped) {
                continue;
            }
            LsmStats lsm = family.stats();
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("id", family.id());
            f.put("estimatedKeys", family.estimatedCount());
            f.put("memtableBytes", lsm.memtableBytes());
            f.put("tableBytes", lsm.tableBytes());
            f.put("levels", levels(lsm));
            m.put(name, f);
        }
        return m;
    }

    private static List<Map<String, Object>> levels(LsmStats lsm) {
        List<Map<String, Object>> levels = new ArrayList<>();
        for (int level = 0; level < lsm.levelFiles().length; level++) {
            levels.add(Map.of("level", level, "files", lsm.levelFiles()[level], "bytes", lsm.levelBytes()[level]));
        }
        return levels;
    }

    /**
     * The transaction logs: each log's figures, the database-wide {@code txnlog.*} statistics, and
     * why the last retention pass kept each WAL segment it kept.
     */
    public static Map<String, Object> transactionLogs(StrataDatabase db) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> logs = new LinkedHashMap<>();
        for (String name : db.listLogs()) {
            dev.strata.engine.log.TransactionLogStats st = db.useLog(name).getStats();
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("files", st.fileCount());
            l.put("bytes", st.totalSizeBytes());
            l.put("entries", st.entriesWritten());
            l.put("transactions", st.transactionsWritten());
            l.put("entryBytes", st.entryBytes());
            l.put("oldestTimestamp", st.oldestTimestamp());
            l.put("newestTimestamp", st.newestTimestamp());
            l.put("oldestSeqno", st.oldestSeqno());
            l.put("newestSeqno", st.newestSeqno());
            l.put("retainedUnflushedFiles", st.retainedUnflushedFiles());
            logs.put(name, l);
        }
        m.put("logs", logs);
        m.put("statistics", db.transactionLogStatistics());
        List<Map<String, Object>> kept = new ArrayList<>();
        for (dev.strata.engine.log.KeptSegment k : db.logRetentionReport().kept()) {
            kept.add(Map.of("segment", k.segment(), "bytes", k.bytes(), "logOnly", k.logOnly(), "reasons", k.reasons()));
        }
        m.put("keptSegments", kept);
        return m;
    }
}
