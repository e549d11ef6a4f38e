package dev.lhn.secureforms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.SubmissionId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Verifies the frozen vectors of format v2 (docs/FORMAT.md, "Version 2") on every build. */
class EnvelopeV2TestVectorsTest {
  private static final String RESOURCE = "/vectors/envelope-v2.json";

  static List<EnvelopeV2Vector> vectors() throws IOException {
    try (InputStream in = EnvelopeV2TestVectorsTest.class.getResourceAsStream(RESOURCE)) {
      return EnvelopeV2Vector.read(in);
    }
  }

  static Stream<EnvelopeV2Vector> opening() throws IOException {
    return vectors().stream().filter(v -> !v.outcome().equals("reject"));
  }

  static Stream<EnvelopeV2Vector> rejected() throws IOException {
    return vectors().stream().filter(v -> v.outcome().equals("reject"));
  }

  /** The vector's epoch keys, counting how often the codec asks. */
  private static Function<KeySlotId, Optional<byte[]>> keys(EnvelopeV2Vector v, AtomicInteger asked) {
    Map<KeySlotId, byte[]> m = new HashMap<>();
    for (EnvelopeV2Vector.Key k : v.epochKeys()) {
      m.put(k.id(), k.key());
    }
    return id -> {
      asked.incrementAndGet();
      return Optional.ofNullable(m.get(id));
    };
  }

  @Test
  void theFrozenSet_isLargeEnough() throws IOException {
    assertTrue(vectors().stream().filter(v -> v.category().equals("positive")).count() >= 10, "10 positives");
    assertTrue(rejected().count() >= 60, "60 rejected");
    assertEquals(vectors().size(), vectors().stream().map(EnvelopeV2Vector::name).distinct().count(), "unique names");
    for (String category : List.of("bit-flip", "truncation", "length", "duplicate", "slot-index", "unknown-version",
        "trailing", "policy", "swapped-dek", "moved-field", "moved-slot", "moved-submission", "wrong-key",
        "wrong-submission")) {
      assertTrue(rejected().anyMatch(v -> v.category().equals(category)), "has " + category);
    }
    assertTrue(vectors().stream().anyMatch(v -> v.outcome().equals("destroyed")), "a destroyed submission");
    assertTrue(vectors().stream().anyMatch(v -> v.outcome().equals("open") && !v.destroyedFields().isEmpty()),
        "a destroyed field");
  }

  @Test
  void theGenerator_stillReproducesTheFrozenFileByteForByte() throws IOException {
    try (InputStream in = EnvelopeV2TestVectorsTest.class.getResourceAsStream(RESOURCE)) {
      assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), GenerateEnvelopeV2Vectors.generateJson());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("opening")
  void opening_givesTheRecordedOutcome(EnvelopeV2Vector v) {
    SubmissionId id = SubmissionId.parse(v.submissionId());
    EnvelopeV2.Parsed parsed = EnvelopeV2.parse(v.envelope());
    assertEquals(id, parsed.id());
    assertEquals(v.policy(), parsed.policy());
    assertEquals(v.fieldSlots(), parsed.fieldSlots());
    assertEquals(List.copyOf(v.fieldSlots().keySet()), List.copyOf(parsed.fieldSlots().keySet()), "envelope order");
    try (EnvelopeV2.Opened o = EnvelopeV2.open(v.envelope(), id, keys(v, new AtomicInteger()), n -> true)) {
      Map<String, String> actual = new LinkedHashMap<>();
      for (int i = 0; i < o.names().size(); i++) {
        actual.put(o.names().get(i), new String(o.valueUtf8(i), StandardCharsets.UTF_8));
      }
      assertEquals(v.plaintext(), actual);
      assertEquals(List.copyOf(v.plaintext().keySet()), o.names(), "envelope order");
      assertEquals(v.destroyedFields(), List.copyOf(o.destroyedFields()));
      assertEquals(v.outcome().equals("destroyed"), o.destroyed());
      if (!o.destroyed()) {
        assertEquals(v.policy(), o.policy());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("opening")
  void opening_headerMatchesTheDocumentedLayout(EnvelopeV2Vector v) {
    byte[] e = v.envelope();
    assertEquals(0x02, e[0], "format version");
    assertArrayEquals(SubmissionId.parse(v.submissionId()).toBytes(), java.util.Arrays.copyOfRange(e, 1, 17));
    EnvelopeV2Layout l = EnvelopeV2Layout.of(e);
    assertArrayEquals(v.policy().encode(), l.policy(), "the policy block is the canonical encoding");
    assertEquals(0, l.slotIndex[0], "slot 0 comes first");
    for (int k = 0; k < l.slotCount; k++) {
      assertEquals(12 + 48, l.slotEnds[k] - l.slotNonceOffsets[k], "nonce, key ciphertext, tag");
    }
    for (int i = 0; i < l.count; i++) {
      String value = v.plaintext().get(l.names[i]);
      if (value != null) {
        assertEquals(value.getBytes(StandardCharsets.UTF_8).length + 16, l.ctLens[i], "ciphertext = value + tag");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void rejected_withTheOneDecryptionError(EnvelopeV2Vector v) {
    AtomicInteger asked = new AtomicInteger();
    DecryptionException e = assertThrows(DecryptionException.class,
        () -> EnvelopeV2.open(v.envelope(), SubmissionId.parse(v.submissionId()), keys(v, asked), n -> true));
    assertNull(e.getCause(), "no provider internals attached");
    assertFalse(e.getMessage().isBlank());
    if (v.structural()) {
      assertEquals(0, asked.get(), "checked before any epoch key is asked for: " + e.getMessage());
      if (!v.category().equals("wrong-submission")) {
        assertThrows(DecryptionException.class, () -> EnvelopeV2.parse(v.envelope()), "parse agrees");
      }
    }
  }
}
