package dev.lhn.secureforms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.NormalizedValues;
import dev.lhn.secureforms.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Round trip and tamper properties of the envelope over arbitrary schemas and values. */
class EnvelopeProperties {
  private static final Aead KEK = TestKeys.freshKek();
  private static final Envelope ENVELOPE = new Envelope(KEK);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  /** A random form of TEXT/MULTILINE fields with values (some optional ones left empty). */
  record Case(FormSchema form, Map<String, String> values) {
    @Override
    public String toString() {
      return form + " with " + values.size() + " values";
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<String> formIds = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_', '.')
        .ofMinLength(1).ofMaxLength(63).map(s -> "f" + s);
    Arbitrary<Integer> versions = Arbitraries.integers().between(1, FormSchema.MAX_VERSION);
    Arbitrary<String> text = Arbitraries.oneOf(
        Arbitraries.strings().all().ofMinLength(0).ofMaxLength(60),
        Arbitraries.strings().withCharRange('\u0590', '\u06FF').ofMaxLength(30),
        Arbitraries.strings().withCharRange('\u4E00', '\u4FFF').ofMaxLength(50),
        Arbitraries.of("💳🔐", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "é", "x".repeat(200), "€".repeat(200)));
    Arbitrary<List<String>> values = text.list().ofMinSize(1).ofMaxSize(12);
    return Combinators.combine(formIds, versions, values).as((formId, version, vals) -> {
      FormSchema.Builder b = FormSchema.builder(formId).version(version);
      Map<String, String> v = new LinkedHashMap<>();
      for (int i = 0; i < vals.size(); i++) {
        String name = "field_" + i;
        b.field(Field.multiline(name).maxLength(200).optional());
        // strip what validation would reject or strip, so the round trip compares like with like
        String s = vals.get(i).codePoints()
            .filter(cp -> !Character.isISOControl(cp) && !Character.isSurrogate((char) cp) || cp == '\n')
            .filter(cp -> Character.getType(cp) != Character.FORMAT // bidi controls are refused (#9)
                && Character.getType(cp) != Character.LINE_SEPARATOR
                && Character.getType(cp) != Character.PARAGRAPH_SEPARATOR)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString().strip();
        if (s.length() > 200) {
          s = s.substring(0, 200).strip();
        }
        if (!s.isEmpty() && !Character.isHighSurrogate(s.charAt(s.length() - 1))) {
          v.put(name, s);
        }
      }
      if (v.isEmpty()) {
        v.put("field_0", "x");
      }
      return new Case(b.build(), v);
    });
  }

  private static byte[] seal(Case c, SubmissionId id) {
    try (NormalizedValues nv = c.form().normalize(c.values(), NOW)) {
      return ENVELOPE.seal(id, c.form().formId(), c.form().version(), nv);
    }
  }

  private static Map<String, String> open(byte[] env, SubmissionId id, FormSchema form) {
    Envelope.Opened o = ENVELOPE.open(env, id, form.formId(), form.version(), n -> true);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < o.names().length; i++) {
      out.put(o.names()[i], new String(o.values()[i], StandardCharsets.UTF_8));
    }
    return out;
  }

  @Property(tries = 300)
  void sealThenOpen_roundTrips(@ForAll("cases") Case c) {
    SubmissionId id = SubmissionId.random(RANDOM);
    assertEquals(c.values(), open(seal(c, id), id, c.form()));
  }

  @Property(tries = 30)
  void everySingleBitFlip_isRejected(@ForAll("cases") Case c) {
    SubmissionId id = SubmissionId.random(RANDOM);
    byte[] env = seal(c, id);
    for (int bit = 0; bit < env.length * 8; bit++) {
      byte[] t = env.clone();
      t[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThrows(DecryptionException.class, () -> open(t, id, c.form()), "bit " + bit);
    }
  }

  @Property(tries = 50)
  void everyTruncation_isRejected(@ForAll("cases") Case c) {
    SubmissionId id = SubmissionId.random(RANDOM);
    byte[] env = seal(c, id);
    for (int len = 0; len < env.length; len++) {
      byte[] t = Arrays.copyOf(env, len);
      assertThrows(DecryptionException.class, () -> open(t, id, c.form()), "length " + len);
    }
  }

  @Property(tries = 100)
  void aFieldMovedToAnotherField_isRejected(@ForAll("cases") Case c, @ForAll @IntRange(min = 0, max = 11) int a,
      @ForAll @IntRange(min = 0, max = 11) int b) {
    SubmissionId id = SubmissionId.random(RANDOM);
    byte[] env = seal(c, id);
    EnvelopeLayout l = EnvelopeLayout.of(env);
    if (l.count < 2) {
      return;
    }
    int i = a % l.count;
    int j = b % l.count;
    if (i == j) {
      j = (i + 1) % l.count;
    }
    byte[] moved = l.swapCiphertexts(i, j);
    assertThrows(DecryptionException.class, () -> open(moved, id, c.form()));
  }

  @Property(tries = 100)
  void aFieldMovedToAnotherSubmission_isRejected(@ForAll("cases") Case c, @ForAll @IntRange(min = 0, max = 11) int a) {
    SubmissionId id1 = SubmissionId.random(RANDOM);
    SubmissionId id2 = SubmissionId.random(RANDOM);
    EnvelopeLayout l1 = EnvelopeLayout.of(seal(c, id1));
    EnvelopeLayout l2 = EnvelopeLayout.of(seal(c, id2));
    int i = a % l1.count;
    byte[] moved = l1.replaceField(i, l2, i);
    assertThrows(DecryptionException.class, () -> open(moved, id1, c.form()));
  }

  @Property(tries = 50)
  void droppingFields_keepsTheOthersOpenable(@ForAll("cases") Case c, @ForAll @IntRange(min = 0, max = 11) int a) {
    SubmissionId id = SubmissionId.random(RANDOM);
    byte[] env = seal(c, id);
    String[] names = Envelope.fieldNames(env);
    String drop = names[a % names.length];
    byte[] smaller = Envelope.withoutFields(env, Set.of(drop));
    Map<String, String> expected = new LinkedHashMap<>(c.values());
    expected.remove(drop);
    assertEquals(expected, open(smaller, id, c.form()));
    assertArrayEquals(env, Envelope.withoutFields(env, Set.of()), "dropping nothing is the identity");
  }
}
