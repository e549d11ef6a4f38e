package dev.lhn.secureforms.internal;

import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.HOUR;
import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.NOW;
import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.epochKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.SubmissionId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Fuzz target of the envelope v2 codec: {@link EnvelopeV2#version}, {@link EnvelopeV2#parse},
 * {@link EnvelopeV2#withoutFields} and {@link EnvelopeV2#open} get the same input.
 *
 * <p>Acceptance: the only exception is {@link DecryptionException}; anything else is a finding. The seed
 * {@code valid-three-slot-envelope} is the vector "card form, three slots" of {@code vectors/envelope-v2.json},
 * opened here with its three epoch keys, so a mutation that opens may only yield values sealed under their
 * own names (dropping whole fields, or finding no key for a rewritten slot id, is allowed; see
 * {@link EnvelopeV2.Opened#destroyedSlots()}).
 *
 * <p>One {@code @FuzzTest} per class (docs/FUZZING.md); seeds under {@code EnvelopeV2FuzzTestInputs/}.
 */
class EnvelopeV2FuzzTest {
  private static final SubmissionId ID = SubmissionId.parse("zvdtJpp34TozOg4mGV7y0Q");
  private static final long SUBMITTED = NOW.toEpochMilli();
  private static final Function<KeySlotId, Optional<byte[]>> KEYS = EnvelopeV2Fixtures.keys(Map.of(
      EnvelopeV2Fixtures.slotId("", SUBMITTED + 24 * HOUR), epochKey(0),
      EnvelopeV2Fixtures.slotId("", SUBMITTED + 15 * 60_000L), epochKey(1),
      EnvelopeV2Fixtures.slotId("", SUBMITTED + 2 * HOUR), epochKey(2)));
  /** The normalised values of the seed. */
  private static final Map<String, String> SEALED = Map.of(
      "name", "Jane Q. Public",
      "pan", "4242424242424242",
      "exp", "12/2039",
      "cvc", "123",
      "postal", "94105",
      "email", "jane@example.com");

  @FuzzTest(maxDuration = "5s")
  void anyBytes_onlyDecryptionExceptionOrSealedValues(byte[] input) {
    try {
      int v = EnvelopeV2.version(input);
      assertTrue(v == 1 || v == 2, "version " + v);
    } catch (DecryptionException e) {
      // empty or unknown
    }
    EnvelopeV2.Parsed parsed;
    try {
      parsed = EnvelopeV2.parse(input);
    } catch (DecryptionException e) {
      expectDecryptionException(() -> EnvelopeV2.withoutFields(input, Set.of("pan")));
      expectDecryptionException(() -> EnvelopeV2.open(input, ID, KEYS, n -> true));
      return;
    }
    assertArrayEquals(input, EnvelopeV2.withoutFields(input, Set.of()), "dropping nothing is the identity");
    List<String> names = new ArrayList<>(parsed.fieldSlots().keySet());
    if (!names.isEmpty()) {
      EnvelopeV2.Parsed smaller = EnvelopeV2.parse(EnvelopeV2.withoutFields(input, Set.of(names.get(0))));
      assertEquals(names.subList(1, names.size()), List.copyOf(smaller.fieldSlots().keySet()));
      assertEquals(parsed.policy(), smaller.policy());
    }
    try (EnvelopeV2.Opened o = EnvelopeV2.open(input, ID, KEYS, n -> true)) {
      for (int i = 0; i < o.names().size(); i++) {
        String name = o.names().get(i);
        String value = new String(o.valueUtf8(i), StandardCharsets.UTF_8);
        assertTrue(value.equals(SEALED.get(name)), "opened a value that was never sealed as '" + name + "'");
      }
    } catch (DecryptionException e) {
      // rejected: the expected outcome for almost every input
    }
  }

  private static void expectDecryptionException(Runnable r) {
    try {
      r.run();
    } catch (DecryptionException expected) {
      return;
    }
    throw new AssertionError("an envelope that parse() rejects was accepted by another entry point");
  }
}
