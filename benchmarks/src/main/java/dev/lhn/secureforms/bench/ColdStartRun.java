package dev.lhn.secureforms.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cold start (#12): starts {@link ColdStart} in fresh JVMs under each configuration below, round-robin so
 * that the machine's load spreads over all of them, and reports the median, minimum and maximum of each
 * phase in milliseconds: {@code jvm} (process start to {@code main}: JVM boot and loading the main class),
 * then {@code ColdStart}'s phases, and {@code total} (process start to the first sealed submission).
 *
 * <p>Each configuration runs with both of {@link ColdStart}'s KEKs ({@code registry}: {@code AeadConfig.register()}
 * and a keyset; {@code direct}: a Tink primitive without the registry, as a KMS client's). JVM options, all
 * things a user can do without changing code:
 * <ul>
 *   <li>{@code default}: {@code java -cp ...}, the JDK's own class-data sharing archive (JDK classes only);
 *   <li>{@code c1}: {@code -XX:TieredStopAtLevel=1} (only the client compiler: less compile work at start);
 *   <li>{@code appcds}: {@code -XX:SharedArchiveFile} of an archive that one training run of {@link ColdStart}
 *       wrote with {@code -XX:ArchiveClassesAtExit} (the application's classes, Tink's and ours, pre-parsed);
 *   <li>{@code appcds+c1}: both;
 *   <li>{@code appcds+c1+serial}: both, {@code -XX:+UseSerialGC} (G1 sets up more at start) and
 *       {@code -XX:-UsePerfData} (no memory-mapped statistics file).
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.lhn.secureforms.bench.ColdStartRun \
 *     --classpath 'benchmarks/target/cold-start/*' --runs 10 --out cold.md
 * </pre>
 */
public final class ColdStartRun {
  private static final String[] PHASES = {"jvm", "tink", "build", "submit", "total"};
  /** How {@link ColdStart} makes its KEK: through Tink's registry, or directly. */
  private static final String[] KEKS = {"registry", "direct"};

  private ColdStartRun() {}

  /**
   * Runs the configurations and prints (or writes) the Markdown table.
   *
   * @param args {@code --classpath CP} (required: the class path of the cold JVMs), {@code --runs N}
   *     (default 10 per configuration), {@code --out FILE} (default: standard output only)
   * @throws IOException if a JVM cannot be started or its output read
   * @throws InterruptedException if interrupted while waiting for one
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    String classpath = null;
    int runs = 10;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--classpath" -> classpath = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: ColdStartRun --classpath CP [--runs N] [--out FILE]");
      }
    }
    if (classpath == null) {
      throw new IllegalArgumentException("--classpath is required (the class path of the cold JVMs)");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path dir = Files.createTempDirectory("lhn-cold-start");
    Map<String, List<String>> configs = new LinkedHashMap<>();
    Map<String, Double> training = new LinkedHashMap<>();
    for (String kek : KEKS) {
      Path archive = dir.resolve("cold-start-" + kek + ".jsa");
      // the training run: the classes it loads go into the archive at exit
      long[] t = run(List.of(java, "-XX:ArchiveClassesAtExit=" + archive, "-cp", classpath,
          ColdStart.class.getName(), kek));
      training.put(kek, t[PHASES.length - 1] / 1e6);
      if (!Files.isRegularFile(archive)) {
        throw new IllegalStateException("the training run wrote no archive at " + archive);
      }
      String cds = "-XX:SharedArchiveFile=" + archive;
      configs.put(kek + ", default", List.of());
      configs.put(kek + ", c1", List.of("-XX:TieredStopAtLevel=1"));
      configs.put(kek + ", appcds", List.of(cds));
      configs.put(kek + ", appcds+c1", List.of(cds, "-XX:TieredStopAtLevel=1"));
      configs.put(kek + ", appcds+c1+serial", List.of(cds, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          "-XX:-UsePerfData"));
    }

    Map<String, List<long[]>> results = new LinkedHashMap<>();
    configs.keySet().forEach(c -> results.put(c, new ArrayList<>()));
    for (int r = 0; r < runs; r++) {
      for (Map.Entry<String, List<String>> c : configs.entrySet()) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(c.getValue());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(ColdStart.class.getName());
        cmd.add(c.getKey().substring(0, c.getKey().indexOf(',')));
        results.get(c.getKey()).add(run(cmd));
      }
    }

    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "Cold start: new JVM to the first sealed submission, %d runs per"
        + " configuration (round-robin), %s; ms, median (min to max)%n%n", runs, System.getProperty("java.vm.version")));
    md.append("| KEK, JVM options |");
    for (String p : PHASES) {
      md.append(' ').append(p).append(" |");
    }
    md.append("\n|---|").append("---:|".repeat(PHASES.length)).append('\n');
    for (Map.Entry<String, List<long[]>> e : results.entrySet()) {
      md.append("| ").append(e.getKey()).append(" |");
      for (int p = 0; p < PHASES.length; p++) {
        md.append(' ').append(stat(e.getValue(), p)).append(" |");
      }
      md.append('\n');
    }
    md.append('\n');
    training.forEach((kek, ms) -> md.append(String.format(Locale.ROOT,
        "Training run of %s (writing the archive): total %.1f ms.%n", kek, ms)));
    System.out.print(md);
    if (out != null) {
      Files.writeString(out, md, StandardCharsets.UTF_8);
    }
  }

  /** Median (min to max) of phase {@code p}, in ms. */
  private static String stat(List<long[]> runs, int p) {
    double[] ms = runs.stream().mapToDouble(r -> r[p] / 1e6).sorted().toArray();
    int n = ms.length;
    double median = n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
    return String.format(Locale.ROOT, "%.1f (%.1f to %.1f)", median, ms[0], ms[n - 1]);
  }

  /** Starts one cold JVM and returns its phases in ns: jvm, tink, build, submit, total. */
  private static long[] run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    long spawn = System.nanoTime();
    Process proc = pb.start();
    String line = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        if (l.startsWith("cold: ")) {
          line = l;
        }
      }
    }
    int exit = proc.waitFor();
    if (exit != 0 || line == null) {
      throw new IllegalStateException("cold JVM failed (exit " + exit + "): " + String.join(" ", cmd));
    }
    long[] t = new long[4];
    String[] parts = line.substring(6).split(" ");
    for (int i = 0; i < 4; i++) {
      t[i] = Long.parseLong(parts[i].substring(parts[i].indexOf('=') + 1));
    }
    long[] phases = {t[0] - spawn, t[1] - t[0], t[2] - t[1], t[3] - t[2], t[3] - spawn};
    if (Arrays.stream(phases).anyMatch(x -> x < 0)) {
      throw new IllegalStateException("negative phase: the clocks of parent and child differ " + Arrays.toString(phases));
    }
    return phases;
  }
}
