package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is optional (#15): no compiled class of the core may name a Micrometer type except
 * {@link Observations} (and its nested classes), the builder's {@code observationRegistry} method
 * descriptor, and the module descriptor's {@code requires static}. Class names in a class file's constant
 * pool are plain modified-UTF-8, so a byte search finds every link. {@code WithoutMicrometerTest} runs the
 * core without the jar.
 */
class MicrometerIsolationTest {
  private static final byte[] MICROMETER = "io/micrometer/".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MODULE = "micrometer.observation".getBytes(StandardCharsets.US_ASCII);

  @Test
  void onlyObservations_linksMicrometer() throws IOException, URISyntaxException {
    Path classes = Path.of(SecureForms.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> linking;
    try (Stream<Path> files = Files.walk(classes)) {
      linking = files.filter(p -> p.toString().endsWith(".class"))
          .filter(p -> contains(read(p), MICROMETER) || contains(read(p), MODULE))
          .map(p -> classes.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .collect(Collectors.toList());
    }
    assertTrue(linking.contains("dev/lhn/secureforms/Observations.class"), "the scan must see the one class that links: " + linking);
    List<String> unexpected = linking.stream()
        .filter(n -> !n.startsWith("dev/lhn/secureforms/Observations"))
        .filter(n -> !n.equals("dev/lhn/secureforms/SecureForms$Builder.class"))
        .filter(n -> !n.equals("module-info.class"))
        .collect(Collectors.toList());
    assertEquals(List.of(), unexpected, "only Observations may link Micrometer");
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
