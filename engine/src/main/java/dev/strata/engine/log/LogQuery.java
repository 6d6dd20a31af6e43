package dev.strata.engine.log;

import dev.strata.engine.InvalidArgumentException;

import java.time.Instant;

/**
 * What a transaction-log query returns ({@link TransactionLog#query}). Every bound is optional;
 * by default a query returns every entry of the log that is durable, oldest first. Build with
 * the fluent setters: {@code LogQuery.all().start(t).end(u)}.
 *
 * <ul>
 *   <li>{@code start} / {@code end}: commit timestamps in ms since the epoch; entries with
 *       {@code start <= timestamp < end}. With {@code exclusiveStart}, {@code timestamp > start}.</li>
 *   <li>{@code exactStart}: begin at the first transaction whose timestamp is exactly
 *       {@code start} (with {@code exclusiveStart}: just after the transactions with that
 *       timestamp); if no transaction has it, the query returns nothing. Timestamps are in ms
 *       and several transactions can share one: to resume exactly where a consumer stopped, use
 *       {@code fromSeqno(lastSeqno + 1)}, which is unambiguous.</li>
 *   <li>{@code fromSeqno} / {@code toSeqno}: seqno bounds, both inclusive.</li>
 *   <li>{@code readUncommitted}: also entries written to the WAL but not yet forced (ASYNC mode
 *       acknowledges a commit before its force; such entries can still be lost by a power cut).
 *       Without it a query stops at the durable seqno, so it never returns an entry a crash can
 *       take back.</li>
 *   <li>{@code startFromLastFlushed}: only entries of transactions whose data is not yet in
 *       SSTables (seqno above the oldest flushed seqno of any column family): what recovery
 *       would replay, for rebuilding a derived structure that was persisted with the tables.</li>
 * </ul>
 */
public final class LogQuery {
    private long start = Long.MIN_VALUE;
    private long end = Long.MAX_VALUE;
    private boolean exclusiveStart;
    private boolean exactStart;
    private long fromSeqno = 1;
    private long toSeqno = Long.MAX_VALUE;
    private boolean readUncommitted;
    private boolean startFromLastFlushed;

    private LogQuery() {
    }

    /** Every durable entry. */
    public static LogQuery all() {
        return new LogQuery();
    }

    public LogQuery start(long epochMillis) {
        this.start = epochMillis;
        return this;
    }

    public LogQuery start(Instant t) {
        return start(t.toEpochMilli());
    }

    public LogQuery end(long epochMillis) {
        this.end = epochMillis;
        return this;
    }

    public LogQuery end(Instant t) {
        return end(t.toEpochMilli());
    }

    public LogQuery exclusiveStart(boolean b) {
        this.exclusiveStart = b;
        return this;
    }

    public LogQuery exactStart(boolean b) {
        this.exactStart = b;
        return this;
    }

    public LogQuery fromSeqno(long seqno) {
        this.fromSeqno = seqno;
        return this;
    }

    public LogQuery toSeqno(long seqno) {
        this.toSeqno = seqno;
        return this;
    }

    public LogQuery readUncommitted(boolean b) {
        this.readUncommitted = b;
        return this;
    }

    public LogQuery startFromLastFlushed(boolean b) {
        this.startFromLastFlushed = b;
        return this;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public boolean exclusiveStart() {
        return exclusiveStart;
    }

    public boolean exactStart() {
        return exactStart;
    }

    public long fromSeqno() {
        return fromSeqno;
    }

    public long toSeqno() {
        return toSeqno;
    }

    public boolean readUncommitted() {
        return readUncommitted;
    }

    public boolean startFromLastFlushed() {
        return startFromLastFlushed;
    }

    void validate() {
        if (exactStart && start == Long.MIN_VALUE) {
            throw new InvalidArgumentException("exactStart needs a start timestamp");
        }
        if (fromSeqno < 0 || toSeqno < fromSeqno - 1) {
            throw new InvalidArgumentException("seqno range [" + fromSeqno + ", " + toSeqno + "] is invalid");
        }
        if (end < start) {
            throw new InvalidArgumentException("end " + end + " is before start " + start);
        }
    }
}
