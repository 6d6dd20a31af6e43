package dev.strata.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Aggregates per-run results into ranges and writes the table, JSON, CSV and SVG. The ratio
 * Strata/RocksDB is formed per run (both engines measured on the same machine state, minutes
 * apart) and then reported as a range; numbers from different runs are never divided.
 */
final class Report {
    static final String STRATA = "strata";
    static final String ROCKSDB = "rocksdb";

    private final List<WorkloadResult> rows;
    private final List<String> engines;
    private final Map<String, Object> meta;
    private final List<String> workloads = new ArrayList<>();

    Report(List<WorkloadResult> rows, List<String> engines, Map<String, Object> meta) {
        this.rows = rows;
        this.engines = engines;
        this.meta = meta;
        for (Workload w : Workload.values()) {
            if (rows.stream().anyMatch(r -> r.workload().equals(w.id))) {
                workloads.add(w.id);
            }
        }
    }

    List<WorkloadResult> runsOf(String workload, String engine) {
        List<WorkloadResult> out = new ArrayList<>();
        for (WorkloadResult r : rows) {
            if (r.workload().equals(workload) && r.engine().equals(engine)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Strata ops/s over RocksDB ops/s, per run in which both completed, in run order. */
    List<Double> ratios(String workload) {
        Map<Integer, Double> strata = new TreeMap<>();
        Map<Integer, Double> rocks = new TreeMap<>();
        for (WorkloadResult r : rows) {
            if (r.workload().equals(workload) && r.ok()) {
                if (r.engine().equals(STRATA)) {
                    strata.put(r.run(), r.opsPerSec());
                } else if (r.engine().equals(ROCKSDB)) {
                    rocks.put(r.run(), r.opsPerSec());
                }
            }
        }
        List<Double> out = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : strata.entrySet()) {
            Double rv = rocks.get(e.getKey());
            if (rv != null && rv > 0) {
                out.add(e.getValue() / rv);
            }
        }
        return out;
    }

    OptionalDouble ratio(String workload, int run) {
        WorkloadResult s = null;
        WorkloadResult r = null;
        for (WorkloadResult x : rows) {
            if (x.workload().equals(workload) && x.run() == run && x.ok()) {
                if (x.engine().equals(STRATA)) {
                    s = x;
                } else if (x.engine().equals(ROCKSDB)) {
                    r = x;
                }
            }
        }
        return s != null && r != null && r.opsPerSec() > 0
                ? OptionalDouble.of(s.opsPerSec() / r.opsPerSec()) : OptionalDouble.empty();
    }

    static double geoMean(List<Double> xs) {
        double sum = 0;
        for (double x : xs) {
            sum += Math.log(x);
        }
        return Math.exp(sum / xs.size());
    }

    // ---------------------------------------------------------------- table

    String table() {
        String[] head = {"workload", "engine", "ops/s", "MB/s", "p50 us", "p99 us", "p99.9 us", "latency per",
                "disk MB", "write amp", "Strata/RocksDB"};
        List<String[]> lines = new ArrayList<>();
        for (String w : workloads) {
            for (String e : engines) {
                List<WorkloadResult> rs = runsOf(w, e);
                if (rs.isEmpty()) {
                    continue;
                }
                List<WorkloadResult> ok = rs.stream().filter(WorkloadResult::ok).toList();
                String[] line = new String[head.length];
                line[0] = w;
                line[1] = e;
                if (ok.isEmpty()) {
                    String status = rs.get(0).status();
                    String note = rs.get(0).note();
                    line[2] = status + (note.isEmpty() ? "" : " (" + shorten(note, 40) + ")");
                    for (int i = 3; i < head.length; i++) {
                        line[i] = "";
                    }
                } else {
                    String partial = ok.size() < rs.size() ? " [" + ok.size() + "/" + rs.size() + " ok]" : "";
                    line[2] = range(ok, WorkloadResult::opsPerSec, Report::si) + partial;
                    line[3] = range(ok, WorkloadResult::mbPerSec, d -> fixed(d, 1));
                    line[4] = range(ok, WorkloadResult::p50Us, Report::si);
                    line[5] = range(ok, WorkloadResult::p99Us, Report::si);
                    line[6] = range(ok, WorkloadResult::p999Us, Report::si);
                    line[7] = ok.get(0).latencyUnit() + (ok.get(0).threads() > 1 ? ", " + ok.get(0).threads() + " thr" : "");
                    line[8] = range(ok, r -> r.diskBytes() / 1048576.0, d -> fixed(d, 1));
                    line[9] = ok.stream().allMatch(r -> Double.isNaN(r.writeAmp())) ? ""
                            : range(ok.stream().filter(r -> !Double.isNaN(r.writeAmp())).toList(),
                            WorkloadResult::writeAmp, d -> fixed(d, 2));
                    line[10] = "";
                }
                if (e.equals(STRATA)) {
                    List<Double> ratios = ratios(w);
                    line[10] = ratios.isEmpty() ? "n/a" : rangeOf(ratios, d -> fixed(d, 2));
                }
                lines.add(line);
            }
        }
        int[] width = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            width[i] = head[i].length();
            for (String[] l : lines) {
                // A status message (n/a, error) sits in the ops/s column of an otherwise empty
                // row; it may run over into the empty cells instead of widening the column.
                if (i == 2 && l[3].isEmpty()) {
                    continue;
                }
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "size %s (%s keys, %s-byte keys, %s-byte values), %s runs, cache %s MiB "
                        + "(*_cached: %s MiB), engine order per run: %s%n",
                meta.get("size"), meta.get("keys"), Data.KEY_SIZE, Data.VALUE_SIZE, meta.get("runs"),
                meta.get("cacheMb"), meta.get("cachedReadCacheMb"), meta.get("engineOrderPerRun")));
        b.append("ranges are min-max over runs; Strata/RocksDB is ops/s of the same run, min-max over runs\n\n");
        appendRow(b, head, width);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < head.length; i++) {
            rule.append("-".repeat(width[i])).append(i + 1 < head.length ? "  " : "");
        }
        b.append(rule).append('\n');
        String last = null;
        for (String[] l : lines) {
            if (last != null && !last.equals(l[0])) {
                b.append('\n');
            }
            last = l[0];
            appendRow(b, l, width);
        }
        return b.toString();
    }

    private static void appendRow(StringBuilder b, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            boolean leftAlign = i < 2 || i == 7 || c.startsWith("n/a") || c.startsWith("error") || c.startsWith("skipped");
            int pad = Math.max(0, width[i] - c.length());
            if (leftAlign) {
                line.append(c).append(" ".repeat(pad));
            } else {
                line.append(" ".repeat(pad)).append(c);
            }
            if (i + 1 < cells.length) {
                line.append("  ");
            }
        }
        b.append(line.toString().stripTrailing()).append('\n');
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static String range(List<WorkloadResult> rs, ToDoubleFunction<WorkloadResult> f,
                                java.util.function.DoubleFunction<String> fmt) {
        List<Double> xs = new ArrayList<>();
        for (WorkloadResult r : rs) {
            xs.add(f.applyAsDouble(r));
        }
        return rangeOf(xs, fmt);
    }

    private static String rangeOf(List<Double> xs, java.util.function.DoubleFunction<String> fmt) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double x : xs) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        String a = fmt.apply(lo);
        String z = fmt.apply(hi);
        return a.equals(z) ? a : a + "-" + z;
    }

    /** 3 significant digits with k/M suffixes: keeps the columns narrow and readable. */
    static String si(double d) {
        if (Double.isNaN(d)) {
            return "?";
        }
        double a = Math.abs(d);
        if (a >= 1e6) {
            return sig(d / 1e6) + "M";
        }
        if (a >= 1e3) {
            return sig(d / 1e3) + "k";
        }
        return sig(d);
    }

    private static String sig(double d) {
        double a = Math.abs(d);
        int decimals = a >= 100 ? 0 : a >= 10 ? 1 : 2;
        return fixed(d, decimals);
    }

    static String fixed(double d, int decimals) {
        return Double.isNaN(d) ? "?" : String.format(Locale.ROOT, "%." + decimals + "f", d);
    }

    // ---------------------------------------------------------------- JSON and CSV

    String json() {
        StringBuilder b = new StringBuilder("{\n\"meta\": ").append(Json.object(meta)).append(",\n\"results\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> m = rows.get(i).toMap();
            if (rows.get(i).engine().equals(STRATA)) {
                OptionalDouble r = ratio(rows.get(i).workload(), rows.get(i).run());
                m.put("ratioStrataRocksdb", r.isPresent() ? r.getAsDouble() : null);
            }
            b.append("  ").append(Json.object(m)).append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        b.append("],\n\"summary\": [\n");
        List<String> entries = new ArrayList<>();
        for (String w : workloads) {
            for (String e : engines) {
                List<WorkloadResult> rs = runsOf(w, e);
                if (rs.isEmpty()) {
                    continue;
                }
                List<WorkloadResult> ok = rs.stream().filter(WorkloadResult::ok).toList();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("workload", w);
                m.put("engine", e);
                m.put("runs", rs.size());
                m.put("okRuns", ok.size());
                m.put("status", ok.isEmpty() ? rs.get(0).status() : WorkloadResult.OK);
                m.put("note", ok.isEmpty() ? rs.get(0).note() : "");
                put(m, ok, "opsPerSec", WorkloadResult::opsPerSec);
                put(m, ok, "mbPerSec", WorkloadResult::mbPerSec);
                put(m, ok, "p50Us", WorkloadResult::p50Us);
                put(m, ok, "p99Us", WorkloadResult::p99Us);
                put(m, ok, "p999Us", WorkloadResult::p999Us);
                put(m, ok, "diskBytes", r -> r.diskBytes());
                put(m, ok.stream().filter(r -> !Double.isNaN(r.writeAmp())).toList(), "writeAmp", WorkloadResult::writeAmp);
                m.put("latencyUnit", ok.isEmpty() ? "" : ok.get(0).latencyUnit());
                if (e.equals(STRATA)) {
                    List<Double> ratios = ratios(w);
                    m.put("ratioStrataRocksdbMin", ratios.isEmpty() ? null : ratios.stream().min(Double::compare).get());
                    m.put("ratioStrataRocksdbMax", ratios.isEmpty() ? null : ratios.stream().max(Double::compare).get());
                    m.put("ratioStrataRocksdbGeoMean", ratios.isEmpty() ? null : geoMean(ratios));
                }
                entries.add("  " + Json.object(m));
            }
        }
        b.append(String.join(",\n", entries)).append("\n]\n}\n");
        return b.toString();
    }

    private static void put(Map<String, Object> m, List<WorkloadResult> ok, String name,
                            ToDoubleFunction<WorkloadResult> f) {
        if (ok.isEmpty()) {
            m.put(name + "Min", null);
            m.put(name + "Max", null);
            return;
        }
        m.put(name + "Min", ok.stream().mapToDouble(f).min().getAsDouble());
        m.put(name + "Max", ok.stream().mapToDouble(f).max().getAsDouble());
    }

    String csv() {
        StringBuilder b = new StringBuilder("run,engine,workload,status,threads,ops,found,seconds,ops_per_sec,"
                + "mb_per_sec,p50_us,p99_us,p999_us,max_us,latency_unit,user_write_bytes,io_write_bytes,write_amp,"
                + "disk_bytes,ratio_strata_rocksdb,note\n");
        for (WorkloadResult r : rows) {
            OptionalDouble ratio = r.engine().equals(STRATA) ? ratio(r.workload(), r.run()) : OptionalDouble.empty();
            b.append(r.run()).append(',').append(r.engine()).append(',').append(r.workload()).append(',')
                    .append(csvCell(r.status())).append(',').append(r.threads()).append(',').append(r.ops()).append(',')
                    .append(r.found()).append(',').append(num(r.seconds())).append(',').append(num(r.opsPerSec()))
                    .append(',').append(num(r.mbPerSec())).append(',').append(num(r.p50Us())).append(',')
                    .append(num(r.p99Us())).append(',').append(num(r.p999Us())).append(',').append(num(r.maxUs()))
                    .append(',').append(csvCell(r.latencyUnit())).append(',').append(r.userWriteBytes()).append(',')
                    .append(r.ioWriteBytes()).append(',').append(num(r.writeAmp())).append(',').append(r.diskBytes())
                    .append(',').append(ratio.isPresent() ? num(ratio.getAsDouble()) : "").append(',')
                    .append(csvCell(r.note())).append('\n');
        }
        return b.toString();
    }

    private static String num(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "" : String.format(Locale.ROOT, "%.4f", d);
    }

    private static String csvCell(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    // ---------------------------------------------------------------- SVG

    /**
     * A horizontal bar per workload from 1.0 to the geometric mean of the per-run ratios, a
     * whisker over the min-max range, on a log2 axis (2x faster and 2x slower are the same
     * distance from the 1.0 line).
     */
    String svg() {
        int labelW = 170;
        int plotX = 180;
        int plotW = 600;
        int valueX = plotX + plotW + 12;
        int width = valueX + 200;
        int top = 64;
        int rowH = 26;
        int height = top + rowH * Math.max(1, workloads.size()) + 50;
        double lo = 0.5;
        double hi = 2;
        for (String w : workloads) {
            for (double r : ratios(w)) {
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
            }
        }
        double logLo = Math.floor(Math.log(lo) / Math.log(2));
        double logHi = Math.ceil(Math.log(hi) / Math.log(2));
        ToDoubleFunction<Double> x = r -> plotX + (Math.log(r) / Math.log(2) - logLo) / (logHi - logLo) * plotW;

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                esc("Strata / RocksDB throughput (ops/s), same run; > 1 means Strata is faster")));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"42\" fill=\"#555\">%s</text>%n",
                esc("size " + meta.get("size") + ", " + meta.get("keys") + " keys, " + meta.get("runs")
                        + " runs; bar: geometric mean of runs, whisker: min-max over runs; log scale; "
                        + meta.get("started"))));
        int plotBottom = top + rowH * workloads.size();
        for (double t = logLo; t <= logHi; t++) {
            double r = Math.pow(2, t);
            double tx = x.applyAsDouble(r);
            boolean one = t == 0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"%s\"/>%n", tx, top - 6, tx, plotBottom + 4, one ? "#000" : "#ddd", one ? "1.5" : "1"));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#333\">%s</text>%n",
                    tx, plotBottom + 20, r >= 1 ? fixed(r, 0) + "x" : "1/" + fixed(1 / r, 0) + "x"));
        }
        for (int i = 0; i < workloads.size(); i++) {
            String w = workloads.get(i);
            int y = top + i * rowH;
            int cy = y + rowH / 2;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    labelW, cy + 4, esc(w)));
            List<Double> ratios = ratios(w);
            if (ratios.isEmpty()) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\">n/a (%s)</text>%n",
                        plotX + 4, cy + 4, esc(whyNoRatio(w))));
                continue;
            }
            double gm = geoMean(ratios);
            double min = ratios.stream().min(Double::compare).get();
            double max = ratios.stream().max(Double::compare).get();
            double x1 = x.applyAsDouble(1.0);
            double xg = x.applyAsDouble(gm);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    Math.min(x1, xg), y + 5, Math.max(1, Math.abs(xg - x1)), rowH - 10, gm >= 1 ? "#4a8f4a" : "#c0504d"));
            double xa = x.applyAsDouble(min);
            double xb = x.applyAsDouble(max);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>%n",
                    xa, cy, xb, cy));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>%n",
                    xa, cy - 5, xa, cy + 5));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>%n",
                    xb, cy - 5, xb, cy + 5));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", valueX, cy + 4,
                    esc(fixed(gm, 2) + (ratios.size() > 1 ? "  (" + rangeOf(ratios, d -> fixed(d, 2)) + ")" : ""))));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private String whyNoRatio(String w) {
        for (String e : List.of(STRATA, ROCKSDB)) {
            List<WorkloadResult> rs = runsOf(w, e);
            if (rs.isEmpty()) {
                return e + " not run";
            }
            if (rs.stream().noneMatch(WorkloadResult::ok)) {
                WorkloadResult r = rs.get(0);
                // An n/a note already names the engine ("strata has no transactions yet").
                return shorten(r.status().equals(WorkloadResult.NOT_APPLICABLE) && !r.note().isEmpty()
                        ? r.note() : e + " " + r.status() + ": " + r.note(), 70);
            }
        }
        return "no run with both engines ok";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
