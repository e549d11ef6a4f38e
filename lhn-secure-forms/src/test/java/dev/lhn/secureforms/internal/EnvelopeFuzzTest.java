package dev.lhn.secureforms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzz target of the envelope codec: every entry point that parses envelope bytes ({@link
 * Envelope#fieldNames}, {@link Envelope#withoutFields}, {@link Envelope#open}, {@link Envelope#rewrap})
 * gets the same input.
 *
 * <p>Acceptance: the only exception is {@link DecryptionException} (the Envelope Javadoc: every failure
 * to open is one); anything else (an index, a negative size, an {@code OutOfMemoryError}, a
 * {@code GeneralSecurityException} leaking through) is a finding. An input that opens may only yield
 * values that were sealed under their own names: the seed {@code valid-card-envelope} is vector 0 of
 * {@code vectors/envelope-v1.json}, so mutations of it are tampered envelopes, and one that opens to any
 * other value (or to a value under another name) is a forgery. Dropping or reordering whole fields is the
 * keyless re-encoding {@link Envelope#withoutFields} does on purpose, so a subset of the sealed pairs is
 * allowed.
 *
 * <p>One {@code @FuzzTest} per class: Jazzer fuzzes one method per JVM, and the build forks one JVM per
 * {@code *FuzzTest} class (docs/FUZZING.md). {@code ./mvnw test} runs the seeds under
 * {@code EnvelopeFuzzTestInputs/} as regression tests; {@code ./mvnw verify} also fuzzes for a few seconds.
 */
class EnvelopeFuzzTest {
  private static final Aead KEK = TestKeys.vectorKek();
  private static final Envelope ENVELOPE = new Envelope(KEK);
  private static final SubmissionId ID = SubmissionId.parse("mHqTwaA9rWmWX7ezPDr7bQ");
  private static final String FORM = "card-payment";
  private static final int VERSION = 1;
  /** The plaintext of the seed {@code valid-card-envelope} (vector 0). */
  private static final Map<String, String> SEALED = Map.of(
      "name", "Jane Q. Public",
      "pan", "4242424242424242",
      "exp", "12/2039",
      "cvc", "123",
      "postal", "94105",
      "email", "jane@example.com");

  @FuzzTest(maxDuration = "5s")
  void anyBytes_onlyDecryptionExceptionOrSealedValues(byte[] input) {
    String[] names;
    try {
      names = Envelope.fieldNames(input);
    } catch (DecryptionException e) {
      assertRejectedEverywhere(input);
      return;
    }
    // the keyless re-encodings of a parsable envelope parse again, to the expected names
    assertArrayEquals(input, Envelope.withoutFields(input, Set.of()), "dropping nothing is the identity");
    if (names.length > 0) {
      byte[] smaller = Envelope.withoutFields(input, Set.of(names[0]));
      assertEquals(Arrays.asList(names).subList(1, names.length), List.of(Envelope.fieldNames(smaller)));
    }
    try {
      Envelope.Opened opened = ENVELOPE.open(input, ID, FORM, VERSION, n -> true);
      for (int i = 0; i < opened.names().length; i++) {
        String name = opened.names()[i];
        String value = new String(opened.values()[i], StandardCharsets.UTF_8);
        assertTrue(value.equals(SEALED.get(name)), "opened a value that was never sealed as '" + name + "'");
      }
    } catch (DecryptionException e) {
      // rejected: the expected outcome for almost every input
    }
    try {
      byte[] rewrapped = ENVELOPE.rewrap(input, ID, FORM, KEK);
      assertArrayEquals(names, Envelope.fieldNames(rewrapped), "re-wrapping keeps the fields");
    } catch (DecryptionException e) {
      // the data key did not unwrap
    }
  }

  /** An input that does not parse is refused by every other entry point the same way. */
  private static void assertRejectedEverywhere(byte[] input) {
    expectDecryptionException(() -> Envelope.withoutFields(input, Set.of("pan")));
    expectDecryptionException(() -> ENVELOPE.open(input, ID, FORM, VERSION, n -> true));
    expectDecryptionException(() -> ENVELOPE.rewrap(input, ID, FORM, KEK));
  }

  private static void expectDecryptionException(Runnable r) {
    try {
      r.run();
    } catch (DecryptionException expected) {
      return;
    }
    throw new AssertionError("an envelope that fieldNames() rejects was accepted by another entry point");
  }
}
