package dev.strata.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One workload on one engine in one run: what a child writes as a JSON line and the parent
 * aggregates. Latencies are microseconds per {@link #latencyUnit} (an op, a batch, a seek...).
 * Byte counts are -1 where not measured; writeAmp is NaN where it does not apply.
 *
 * @param status        ok, n/a (the engine lacks the feature), error, or skipped (an earlier
 *                      workload on the same database failed)
 * @param found         reads that found a value (readrandom: all; readmissing: none), entries
 *                      visited by scans, or ops of writes
 * @param userWriteBytes key + value bytes the workload asked to write (key bytes for deletes)
 * @param ioWriteBytes  bytes the process wrote to files during the workload and the close after
 *                      it (/proc/self/io wchar); -1 where /proc is absent
 * @param diskBytes     size of the database directory after the workload (after close for
 *                      writing workloads)
 */
public record WorkloadResult(
        int run, String engine, String workload, String status, String note, int threads,
        long ops, long found, double seconds, double opsPerSec, double mbPerSec,
        double p50Us, double p99Us, double p999Us, double maxUs, String latencyUnit,
        long userWriteBytes, long ioWriteBytes, double writeAmp, long diskBytes) {

    public static final String OK = "ok";
    public static final String NOT_APPLICABLE = "n/a";
    public static final String ERROR = "error";
    public static final String SKIPPED = "skipped";

    public boolean ok() {
        return OK.equals(status);
    }

    static WorkloadResult notRun(int run, String engine, Workload w, String status, String note) {
        return new WorkloadResult(run, engine, w.id, status, note, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, "", -1, -1, Double.NaN, -1);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", run);
        m.put("engine", engine);
        m.put("workload", workload);
        m.put("status", status);
        m.put("note", note);
        m.put("threads", threads);
        m.put("ops", ops);
        m.put("found", found);
        m.put("seconds", seconds);
        m.put("opsPerSec", opsPerSec);
        m.put("mbPerSec", mbPerSec);
        m.put("p50Us", p50Us);
        m.put("p99Us", p99Us);
        m.put("p999Us", p999Us);
        m.put("maxUs", maxUs);
        m.put("latencyUnit", latencyUnit);
        m.put("userWriteBytes", userWriteBytes);
        m.put("ioWriteBytes", ioWriteBytes);
        m.put("writeAmp", writeAmp);
        m.put("diskBytes", diskBytes);
        return m;
    }

    public String toJson() {
        return Json.object(toMap());
    }

    public static WorkloadResult fromJson(String line) {
        Map<String, Object> m = Json.parseFlat(line);
        return new WorkloadResult((int) num(m, "run"), str(m, "engine"), str(m, "workload"), str(m, "status"),
                str(m, "note"), (int) num(m, "threads"), (long) num(m, "ops"), (long) num(m, "found"),
                num(m, "seconds"), num(m, "opsPerSec"), num(m, "mbPerSec"), num(m, "p50Us"), num(m, "p99Us"),
                num(m, "p999Us"), num(m, "maxUs"), str(m, "latencyUnit"), (long) num(m, "userWriteBytes"),
                (long) num(m, "ioWriteBytes"), num(m, "writeAmp"), (long) num(m, "diskBytes"));
    }

    private static double num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v instanceof Double d ? d : Double.NaN;
    }

    private static String str(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v == null ? "" : v.toString();
    }
}
