package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * "Tests run, or they do not exist" (#9): every test class in every module's {@code src/test/java} has a
 * name that the surefire includes of the parent pom match, and every {@code *FuzzTest} has exactly one
 * {@code @FuzzTest} (Jazzer fuzzes one method per JVM; the fuzz execution forks one JVM per class).
 */
class TestsRunTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern TEST_ANNOTATION =
      Pattern.compile("@(Test|Property|FuzzTest|ParameterizedTest|RepeatedTest|TestFactory|Nested)\\b");
  private static final Pattern INCLUDE = Pattern.compile("<include>\\*\\*/([^<]+)\\.java</include>");

  @Test
  void everyTestClass_matchesASurefireInclude() throws IOException {
    List<Pattern> includes = new ArrayList<>();
    Matcher m = INCLUDE.matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (m.find()) {
      includes.add(Pattern.compile(m.group(1).replace("*", "[A-Za-z0-9_$]*")));
    }
    assertTrue(includes.size() >= 5, "the parent pom lists the surefire includes: " + includes);
    List<String> neverRun = new ArrayList<>();
    int seen = 0;
    for (Path f : testSources()) {
      String src = Files.readString(f);
      String name = f.getFileName().toString().replace(".java", "");
      if (!TEST_ANNOTATION.matcher(src).find() || src.contains("abstract class " + name)) {
        continue; // a helper, or a kit that concrete *Test classes extend
      }
      seen++;
      if (includes.stream().noneMatch(p -> p.matcher(name).matches())) {
        neverRun.add(ROOT.relativize(f).toString());
      }
    }
    assertTrue(seen > 20, "found the test sources under " + ROOT + ": " + seen);
    assertEquals(List.of(), neverRun, "test classes that surefire's includes do not match never run");
  }

  @Test
  void everyFuzzTestClass_hasExactlyOneFuzzTarget() throws IOException {
    List<String> wrong = new ArrayList<>();
    for (Path f : testSources()) {
      if (!f.getFileName().toString().endsWith("FuzzTest.java")) {
        continue;
      }
      long targets = Pattern.compile("^\\s*@FuzzTest\\b", Pattern.MULTILINE).matcher(Files.readString(f)).results().count();
      if (targets != 1) {
        wrong.add(ROOT.relativize(f) + " has " + targets);
      }
    }
    assertEquals(List.of(), wrong, "one @FuzzTest per *FuzzTest class, or the others are never fuzzed (docs/FUZZING.md)");
  }

  private static List<Path> testSources() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(Files::isDirectory).toList()) {
        Path tests = module.resolve("src/test/java");
        if (Files.isDirectory(tests)) {
          try (Stream<Path> files = Files.walk(tests)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
          }
        }
      }
    }
    return out;
  }
}
