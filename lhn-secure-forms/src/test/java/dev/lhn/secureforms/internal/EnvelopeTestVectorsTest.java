package dev.lhn.secureforms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.testing.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Verifies the frozen vectors of format v1 (docs/FORMAT.md) on every build. */
class EnvelopeTestVectorsTest {
  static List<EnvelopeVector> vectors() throws IOException {
    try (InputStream in = EnvelopeTestVectorsTest.class.getResourceAsStream("/vectors/envelope-v1.json")) {
      return EnvelopeVector.read(in);
    }
  }

  static Stream<EnvelopeVector> positives() throws IOException {
    return vectors().stream().filter(EnvelopeVector::valid);
  }

  static Stream<EnvelopeVector> negatives() throws IOException {
    return vectors().stream().filter(v -> !v.valid());
  }

  @Test
  void theFrozenSet_isLargeEnough() throws IOException {
    assertTrue(positives().count() >= 20, "at least 20 positive vectors");
    assertTrue(negatives().count() >= 100, "at least 100 negative vectors");
    assertEquals(vectors().size(), vectors().stream().map(EnvelopeVector::name).distinct().count(),
        "vector names are unique");
    for (String category : List.of("bit-flip", "truncation", "moved-field", "moved-submission",
        "swapped-dek", "wrong-form", "unknown-version", "length")) {
      assertTrue(negatives().anyMatch(v -> v.category().equals(category)), "has " + category);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("positives")
  void positive_opensToTheRecordedPlaintext(EnvelopeVector v) {
    Envelope envelope = new Envelope(TestKeys.vectorKek());
    Envelope.Opened opened = envelope.open(v.envelope(), SubmissionId.parse(v.submissionId()), v.formId(),
        v.schemaVersion(), name -> true);
    Map<String, String> actual = new LinkedHashMap<>();
    for (int i = 0; i < opened.names().length; i++) {
      actual.put(opened.names()[i], new String(opened.values()[i], StandardCharsets.UTF_8));
    }
    assertEquals(v.plaintext(), actual);
    assertEquals(List.copyOf(v.plaintext().keySet()), Arrays.asList(Envelope.fieldNames(v.envelope())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("positives")
  void positive_headerMatchesTheDocumentedLayout(EnvelopeVector v) {
    byte[] e = v.envelope();
    assertEquals(0x01, e[0], "format version");
    assertArrayEquals(SubmissionId.parse(v.submissionId()).toBytes(), Arrays.copyOfRange(e, 1, 17));
    int formLength = e[17] & 0xFF;
    assertEquals(v.formId(), new String(e, 18, formLength, StandardCharsets.US_ASCII));
    int p = 18 + formLength;
    int version = ((e[p] & 0xFF) << 24) | ((e[p + 1] & 0xFF) << 16) | ((e[p + 2] & 0xFF) << 8) | (e[p + 3] & 0xFF);
    assertEquals(v.schemaVersion(), version);
    EnvelopeLayout l = EnvelopeLayout.of(e);
    assertEquals(v.plaintext().size(), l.count);
    for (int i = 0; i < l.count; i++) {
      int ptLen = v.plaintext().get(l.names[i]).getBytes(StandardCharsets.UTF_8).length;
      assertEquals(ptLen + 16, l.ctLens[i], "ciphertext = plaintext + 16-byte tag");
      assertTrue((e[l.nonceOffsets[i]] & 0xFF) < 64, "nonce index");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("negatives")
  void negative_isRejectedWithTheOneDecryptionError(EnvelopeVector v) {
    TestKeys.FlakyKek kek = new TestKeys.FlakyKek(TestKeys.vectorKek());
    Envelope envelope = new Envelope(kek);
    DecryptionException e = assertThrows(DecryptionException.class, () -> envelope.open(v.envelope(),
        SubmissionId.parse(v.submissionId()), v.formId(), v.schemaVersion(), name -> true));
    assertNull(e.getCause(), "no provider internals attached");
    if (v.structural()) {
      assertEquals(0, kek.decrypts.get(), "lengths are checked before any KEK call: " + e.getMessage());
    }
  }
}
