package dev.lhn.secureforms.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Node, npm and Chromium for the tests: run them, or skip with the reason; under CI=true they must run. */
final class Tools {
  static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.path", "/usr/bin/chromedriver"));
  static final Path JS = Path.of("js").toAbsolutePath();

  private Tools() {}

  static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Skips (or, under CI=true, fails) unless {@code present}. */
  static void require(boolean present, String why) {
    if (present) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why + "; CI=true requires this test to run");
    }
    System.out.println("SKIPPED " + why);
    org.junit.jupiter.api.Assumptions.abort(why);
  }

  static boolean nodeModulesInstalled() {
    return Files.isDirectory(JS.resolve("node_modules/@hpke/core")) || installNodeModules();
  }

  /**
   * A fresh clone has no js/node_modules: install them from the lockfile ({@code npm ci}) when npm is on the
   * PATH, once per JVM, so that the interop tests run on CI instead of failing for want of a directory.
   */
  private static synchronized boolean installNodeModules() {
    if (Files.isDirectory(JS.resolve("node_modules/@hpke/core"))) {
      return true;
    }
    if (onPath("npm") == null) {
      return false;
    }
    try {
      Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
          .directory(JS.toFile()).redirectErrorStream(true).start();
      p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) && p.exitValue() == 0
          && Files.isDirectory(JS.resolve("node_modules/@hpke/core"));
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
