package dev.lhn.secureforms.webhooks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM running a main class of the test class path. Its output (stdout and stderr together) is
 * read line by line; nothing of it is inherited, so it cannot disturb the test runner's own streams. (A copy of
 * the JDBC module's test helper of the same name.)
 */
final class Jvm implements AutoCloseable {
  private static final String EOF = "\u0000EOF";

  final String name;
  final Process process;
  private final Writer stdin;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> transcript = new ArrayList<>();

  private Jvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process died; EOF below says so
      }
      lines.add(EOF);
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code main} with the test class path; {@code env} is added to the inherited environment. */
  static Jvm start(String name, Class<?> main, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    return new Jvm(name, pb.start());
  }

  /** Waits for a line starting with {@code prefix} and returns it; fails on timeout or if the JVM ends first. */
  String await(String prefix, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError(name + " printed no '" + prefix + "' within " + timeoutSeconds + " s; output: "
            + transcript);
      }
      if (line.equals(EOF)) {
        lines.add(EOF);
        throw new AssertionError(name + " ended before printing '" + prefix + "'; output: " + transcript);
      }
      transcript.add(line);
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  void send(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** Waits for the JVM to exit and returns its exit code. */
  int waitFor(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeoutSeconds + " s; output: " + transcript);
    }
    return process.exitValue();
  }

  List<String> transcript() {
    return List.copyOf(transcript);
  }

  /** SIGKILL: no shutdown hook, no finally block runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
