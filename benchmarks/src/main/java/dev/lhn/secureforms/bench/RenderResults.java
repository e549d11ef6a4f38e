package dev.lhn.secureforms.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders JMH JSON result files ({@code -rf json}) to the Markdown table of the README's "Benchmarks"
 * section, with every variant's ratio against its group's baseline.
 *
 * <p>Benchmarks are named {@code group_variant}. A group is the class, the group prefix and the
 * {@code @Param} values; its variant {@code floor} is the baseline, and a variant starting with
 * {@code lhn} is ours (one ending in {@code Before} is an earlier version of ours, kept for a before/after
 * comparison). Ratios are in time per operation (throughput is inverted), so {@code 1.40x} means
 * 40% more time than the floor; for throughput modes the share of the floor's throughput is shown too.
 * The error of a ratio combines both scores' relative errors (99.9% intervals, as JMH reports them).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.lhn.secureforms.bench.RenderResults \
 *     [--out FILE] results/2026-11-29-ci-2core-crypto.json ...
 * </pre>
 */
public final class RenderResults {
  private RenderResults() {}

  /** One JMH result row. */
  record Row(String file, String clazz, String group, String variant, Map<String, String> params,
      String mode, double score, double error, String unit, int threads, int forks, int iterations,
      double cpuNanos, double cpuError, double allocBytes) {

    String groupKey() {
      return clazz + "." + group + params;
    }

    /** Seconds (or the unit's time) per operation, for ratios: throughput is inverted. */
    double cost() {
      return mode.equals("thrpt") ? 1.0 / score : score;
    }

    double relError() {
      return score == 0 || Double.isNaN(error) ? 0 : Math.abs(error / score);
    }

    double cpuRelError() {
      return cpuNanos == 0 || Double.isNaN(cpuError) ? 0 : Math.abs(cpuError / cpuNanos);
    }
  }

  public static void main(String[] args) throws IOException {
    Path out = null;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out")) {
        out = Path.of(args[++i]);
      } else {
        files.add(Path.of(args[i]));
      }
    }
    if (files.isEmpty()) {
      System.err.println("usage: RenderResults [--out FILE] result.json...");
      System.exit(2);
    }
    List<Row> rows = new ArrayList<>();
    for (Path f : files) {
      rows.addAll(read(f));
    }
    String md = render(rows);
    if (out == null) {
      System.out.print(md);
    } else {
      Files.writeString(out, md, StandardCharsets.UTF_8);
    }
  }

  // ------------------------------------------------------------------ rendering

  static String render(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row r : rows) {
      groups.computeIfAbsent(r.groupKey(), k -> new ArrayList<>()).add(r);
    }
    boolean cpu = rows.stream().anyMatch(r -> !Double.isNaN(r.cpuNanos));
    boolean alloc = rows.stream().anyMatch(r -> !Double.isNaN(r.allocBytes));
    sb.append("| benchmark | variant | score | ± (99.9%) | unit | vs floor | ours vs this |")
        .append(cpu ? " CPU ns/op | CPU vs floor |" : "").append(alloc ? " alloc B/op |" : "").append('\n');
    sb.append("|---|---|---:|---:|---|---:|---:|").append(cpu ? "---:|---:|" : "").append(alloc ? "---:|" : "")
        .append('\n');
    List<String> checks = new ArrayList<>();
    for (List<Row> g : groups.values()) {
      Row floor = g.stream().filter(r -> r.variant.equals("floor")).findFirst().orElse(null);
      Row ours = g.stream().filter(r -> r.variant.startsWith("lhn") && !r.variant.endsWith("Before"))
          .findFirst().orElse(null);
      for (Row r : g) {
        sb.append("| ").append(label(r)).append(" | ").append(r.variant.equals("floor") ? "**floor**" : r.variant)
            .append(" | ").append(num(r.score)).append(" | ").append(num(r.error)).append(" | ")
            .append(r.unit).append(extra(r)).append(" | ");
        if (floor != null && r != floor) {
          sb.append(ratio(r, floor));
          if (r.mode.equals("thrpt")) {
            sb.append(String.format(Locale.ROOT, " (%.0f%% of floor ops/s)", 100 * r.score / floor.score));
          }
        }
        sb.append(" | ");
        if (ours != null && r != ours && r != floor) {
          double x = r.cost() / ours.cost();
          sb.append(x >= 1 ? String.format(Locale.ROOT, "%.2fx faster", x)
              : String.format(Locale.ROOT, "%.2fx slower", 1 / x));
        }
        sb.append(" |");
        if (cpu) {
          sb.append(' ').append(num(r.cpuNanos)).append(" | ");
          if (floor != null && r != floor && !Double.isNaN(r.cpuNanos) && !Double.isNaN(floor.cpuNanos)) {
            double x = r.cpuNanos / floor.cpuNanos;
            sb.append(String.format(Locale.ROOT, "%.2fx ± %.2f", x,
                x * Math.hypot(r.cpuRelError(), floor.cpuRelError())));
          }
          sb.append(" |");
        }
        if (alloc) {
          sb.append(' ').append(Double.isNaN(r.allocBytes) ? "" : String.format(Locale.ROOT, "%,.0f", r.allocBytes))
              .append(" |");
        }
        sb.append('\n');
      }
      checks.addAll(Targets.check(g, floor, ours));
    }
    if (!checks.isEmpty()) {
      sb.append("\n| target | measured | met |\n|---|---:|:---:|\n");
      checks.forEach(c -> sb.append(c).append('\n'));
    }
    Row any = rows.get(0);
    sb.append(String.format(Locale.ROOT, "%nJMH: %d fork(s) x %d measurement iterations per benchmark; ratios are"
        + " time per operation relative to the group's floor (± combines both 99.9%% errors)%s.%n",
        any.forks, any.iterations, cpu ? "; CPU ns/op is the worker threads' CPU time per operation"
            + " (CpuTimeProfiler), steadier than wall time on a shared machine" : ""));
    return sb.toString();
  }

  private static String label(Row r) {
    StringBuilder s = new StringBuilder(r.clazz.replace("Benchmark", "")).append(' ').append(r.group);
    if (!r.params.isEmpty()) {
      s.append(' ').append(r.params.toString().replace("{", "[").replace("}", "]"));
    }
    if (r.threads > 1) {
      s.append(", ").append(r.threads).append(" threads");
    }
    return s.toString();
  }

  /** For single-shot runs over a known number of rows: rows per second. */
  private static String extra(Row r) {
    String rows = r.params.get("rows");
    if (rows != null && r.mode.equals("ss")) {
      double seconds = r.score * unitSeconds(r.unit);
      return String.format(Locale.ROOT, " (%s rows/s)", num(Double.parseDouble(rows) / seconds));
    }
    return "";
  }

  private static double unitSeconds(String unit) {
    String u = unit.split("/")[0];
    return switch (u) {
      case "ns" -> 1e-9;
      case "us" -> 1e-6;
      case "ms" -> 1e-3;
      case "s" -> 1;
      default -> 1;
    };
  }

  static String ratio(Row r, Row base) {
    double x = r.cost() / base.cost();
    double err = x * Math.sqrt(r.relError() * r.relError() + base.relError() * base.relError());
    return String.format(Locale.ROOT, "%.2fx ± %.2f", x, err);
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /** The figures issues #5, #10 and #12 ask for, checked where their group is present. */
  static final class Targets {
    private Targets() {}

    static List<String> check(List<Row> g, Row floor, Row ours) {
      List<String> out = new ArrayList<>();
      if (floor == null || ours == null) {
        return out;
      }
      double x = ours.cost() / floor.cost();
      String group = ours.group;
      String where = ours.params.isEmpty() ? "" : " " + ours.params;
      switch (group) {
        case "seal" -> {
          out.add(row("seal ≤ 1.3x six raw AES-GCM encryptions (#12; #5: ≤ 1.6x)" + where, fmt(x),
              x <= 1.3 ? "yes" : x <= 1.6 ? "#5's only" : "**no**"));
          g.stream().filter(r -> r.variant.equals("tinkKmsEnvelopePerField")).findFirst().ifPresent(k -> {
            double s = k.cost() / ours.cost();
            out.add(row("seal ≥ 3x faster than per-field KmsEnvelopeAead" + where, fmt(s) + " faster",
                s >= 3 ? "yes" : "**no**"));
          });
        }
        case "open" -> out.add(row("open ≤ 1.6x six raw decryptions (#12; #5: ≤ 2.0x)" + where, fmt(x),
            x <= 1.6 ? "yes" : x <= 2.0 ? "#5's only" : "**no**"));
        case "roundTrip" -> {
          double share = floor.cost() / ours.cost();
          String store = ours.params.get("store");
          if ("postgresql".equals(store) || "mariadb".equals(store)) {
            out.add(row("e2e round trips (journal on) ≥ 70% of plain INSERT + DELETE (#12; #5: PostgreSQL ≥ 50%)"
                + where, String.format(Locale.ROOT, "%.0f%%", 100 * share),
                share >= 0.7 ? "yes" : share >= 0.5 && "postgresql".equals(store) ? "#5's only" : "**no**"));
          } else {
            out.add(row("e2e round trips" + where + " (no target)",
                String.format(Locale.ROOT, "%.0f%%", 100 * share), "–"));
          }
        }
        case "kmsRoundTrip" -> {
          double share = floor.cost() / ours.cost();
          out.add(row("round trips with a 10 ms KEK ≥ 90% of a local KEK's (#10)" + where,
              String.format(Locale.ROOT, "%.0f%%", 100 * share), share >= 0.9 ? "yes" : "**no**"));
        }
        case "purge" -> {
          double share = floor.cost() / ours.cost();
          out.add(row("purge rows/s (journal on) ≥ 50% of one plain DELETE (#12)" + where,
              String.format(Locale.ROOT, "%.0f%%", 100 * share), share >= 0.5 ? "yes" : "**no**"));
          g.stream().filter(r -> r.variant.equals("floorWithJournal")).findFirst().ifPresent(j -> {
            double js = j.cost() / ours.cost();
            out.add(row("purge rows/s vs one DELETE plus its journal rows in SQL (no target)" + where,
                String.format(Locale.ROOT, "%.0f%%", 100 * js), "–"));
          });
        }
        default -> { }
      }
      return out;
    }

    private static String fmt(double x) {
      return String.format(Locale.ROOT, "%.2fx", x);
    }

    private static String row(String what, String measured, String met) {
      return "| " + what + " | " + measured + " | " + met + " |";
    }
  }

  // ------------------------------------------------------------------ JMH JSON

  static List<Row> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Object tree = parse(new JsonFactory().createParser(in));
      List<Row> rows = new ArrayList<>();
      if (!(tree instanceof List<?> list)) {
        throw new IOException(file + ": not a JMH JSON result (expected an array)");
      }
      for (Object o : list) {
        Map<?, ?> m = (Map<?, ?>) o;
        String bench = (String) m.get("benchmark");
        int dot = bench.lastIndexOf('.');
        String method = bench.substring(dot + 1);
        String clazz = bench.substring(bench.lastIndexOf('.', dot - 1) + 1, dot);
        int us = method.indexOf('_');
        String group = us < 0 ? method : method.substring(0, us);
        String variant = us < 0 ? method : method.substring(us + 1);
        Map<String, String> params = new LinkedHashMap<>();
        if (m.get("params") instanceof Map<?, ?> p) {
          p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
        }
        Map<?, ?> pm = (Map<?, ?>) m.get("primaryMetric");
        // single-shot iterations include the per-iteration setup in the worker's CPU time: not per op
        Map<?, ?> cpu = "ss".equals(m.get("mode")) ? null : secondary(m, "cpu.time.norm");
        Map<?, ?> alloc = secondary(m, "gc.alloc.rate.norm");
        rows.add(new Row(file.getFileName().toString(), clazz, group, variant, params,
            (String) m.get("mode"), toDouble(pm.get("score")), toDouble(pm.get("scoreError")),
            (String) pm.get("scoreUnit"), ((Number) m.get("threads")).intValue(),
            ((Number) m.get("forks")).intValue(), ((Number) m.get("measurementIterations")).intValue(),
            cpu == null ? Double.NaN : toDouble(cpu.get("score")),
            cpu == null ? Double.NaN : toDouble(cpu.get("scoreError")),
            alloc == null ? Double.NaN : toDouble(alloc.get("score"))));
      }
      return rows;
    }
  }

  /** A secondary metric by label; JMH prefixes profiler labels with a middle dot. */
  private static Map<?, ?> secondary(Map<?, ?> result, String label) {
    if (result.get("secondaryMetrics") instanceof Map<?, ?> all) {
      for (Map.Entry<?, ?> e : all.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (k.equals(label) || k.endsWith("\u00b7" + label) || k.endsWith(":" + label)) {
          return (Map<?, ?>) e.getValue();
        }
      }
    }
    return null;
  }

  private static double toDouble(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    return Double.NaN; // JMH writes "NaN" as a string
  }

  private static Object parse(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    return value(p, t);
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          l.add(value(p, e));
        }
        return l;
      }
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_OBJECT; e = p.nextToken()) {
          String name = p.currentName();
          m.put(name, value(p, p.nextToken()));
        }
        return m;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  static void print(PrintStream out, String md) {
    out.print(md);
  }
}
