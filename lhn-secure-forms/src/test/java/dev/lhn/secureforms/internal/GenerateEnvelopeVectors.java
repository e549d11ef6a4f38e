package dev.lhn.secureforms.internal;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.NormalizedValues;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.TestKeys;
import java.io.FileWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates src/test/resources/vectors/envelope-v1.json ONCE. The file is frozen and checked in; every
 * build verifies it ({@link EnvelopeTestVectorsTest}). Re-running this creates different bytes (fresh
 * data keys and ids) and must only be done for a new format version, never to make a failing build pass.
 *
 * <p>Run: {@code mvn -pl lhn-secure-forms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.lhn.secureforms.internal.GenerateEnvelopeVectors -Dexec.args=<out.json>}
 */
public final class GenerateEnvelopeVectors {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Envelope envelope = new Envelope(TestKeys.vectorKek());
  private final List<EnvelopeVector> out = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    GenerateEnvelopeVectors g = new GenerateEnvelopeVectors();
    g.generate();
    try (Writer w = new FileWriter(args[0], StandardCharsets.UTF_8)) {
      EnvelopeVector.write(g.out, w);
    }
    System.out.println(g.out.size() + " vectors, "
        + g.out.stream().filter(EnvelopeVector::valid).count() + " positive");
  }

  private EnvelopeVector seal(String name, FormSchema form, Map<String, String> values) {
    SubmissionId id = SubmissionId.random(RANDOM);
    try (NormalizedValues nv = form.normalize(values, NOW)) {
      Map<String, String> pt = new LinkedHashMap<>();
      for (int i = 0; i < nv.size(); i++) {
        pt.put(nv.name(i), nv.value(i));
      }
      byte[] env = envelope.seal(id, form.formId(), form.version(), nv);
      EnvelopeVector v = new EnvelopeVector(name, true, "positive", false, id.toString(), form.formId(),
          form.version(), env, pt);
      out.add(v);
      return v;
    }
  }

  private void negative(String name, String category, boolean structural, EnvelopeVector base, byte[] env) {
    negative(name, category, structural, base.submissionId(), base.formId(), base.schemaVersion(), env);
  }

  private void negative(String name, String category, boolean structural, String id, String formId,
      int version, byte[] env) {
    out.add(new EnvelopeVector(name, false, category, structural, id, formId, version, env, Map.of()));
  }

  void generate() {
    // ---------------------------------------------------------------- positives
    EnvelopeVector card = seal("card form, all six fields", Forms.card(), Forms.cardValues());
    Map<String, String> cardMin = new LinkedHashMap<>(Forms.cardValues());
    cardMin.remove("postal");
    cardMin.remove("email");
    EnvelopeVector card2 = seal("card form, optional fields empty", Forms.card(), cardMin);
    Map<String, String> amex = new LinkedHashMap<>(Forms.cardValues());
    amex.put("pan", "3782-822463-10005");
    amex.put("cvc", "1234");
    seal("card form, Amex with a 4-digit code", Forms.card(), amex);
    Map<String, String> mc = new LinkedHashMap<>(Forms.cardValues());
    mc.put("pan", "2221 0000 0000 0009");
    seal("card form, Mastercard 2-series", Forms.card(), mc);
    EnvelopeVector intake = seal("intake form", Forms.intake(), Map.of("name", "Ada Lovelace",
        "dob", "1815-12-10", "ssn", "123-45-6789", "symptoms", "cough\nfever for 3 days\n\ttired"));
    FormSchema text = FormSchema.builder("unicode").version(7)
        .field(Field.text("t1").maxLength(200))
        .field(Field.multiline("t2").maxLength(4000).optional())
        .build();
    seal("unicode: accents", text, Map.of("t1", "Zoë Ångström-Ñúñez"));
    seal("unicode: CJK", text, Map.of("t1", "山田太郎", "t2", "東京都千代田区\n丸の内"));
    seal("unicode: emoji and astral planes", text, Map.of("t1", "card 💳 🔐 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"));
    seal("unicode: right-to-left", text, Map.of("t1", "مرحبا بالعالم", "t2", "שלום עולם"));
    seal("unicode: combining marks", text, Map.of("t1", "é vs é, Å vs Å"));
    seal("text at its maximum length", text, Map.of("t1", "x".repeat(200), "t2", "y".repeat(4000)));
    seal("multiline of 3-byte characters at its maximum", text, Map.of("t1", "a", "t2", "€".repeat(4000)));
    seal("one character", text, Map.of("t1", "a"));
    FormSchema one = FormSchema.builder("x").field(Field.email("email")).build();
    seal("single field form with a one-character form id", one, Map.of("email", "A.B+tag@Example.COM"));
    FormSchema longId = FormSchema.builder("f".repeat(64)).version(1_000_000)
        .field(Field.phone("phone").defaultCountryCode("44")).build();
    seal("64-character form id and the largest schema version", longId, Map.of("phone", "020 7946 0958"));
    FormSchema.Builder wide = FormSchema.builder("wide");
    Map<String, String> wideValues = new LinkedHashMap<>();
    for (int i = 0; i < 64; i++) {
      String n = "f" + i + "_" + "n".repeat(Math.min(60, i));
      wide.field(Field.text(n).maxLength(10));
      wideValues.put(n, "v" + i);
    }
    seal("64 fields with names up to 64 characters", wide.build(), wideValues);
    FormSchema misc = FormSchema.builder("misc.form_v2-b").version(2)
        .field(Field.number("amount").range(new java.math.BigDecimal("0"), new java.math.BigDecimal("10000")))
        .field(Field.choice("plan", "basic", "premium"))
        .field(Field.date("visit"))
        .field(Field.usSsn("ssn").optional())
        .build();
    seal("number, choice, date", misc, Map.of("amount", "1234.50", "plan", "premium", "visit", "2026-11-30"));
    seal("number, choice, date, ssn", misc,
        Map.of("amount", "0", "plan", "basic", "visit", "1999-01-01", "ssn", "078051120"));
    Map<String, String> jcb = new LinkedHashMap<>(Forms.cardValues());
    jcb.put("pan", "3530111333300000");
    jcb.put("name", "Ōtani Shōhei");
    seal("card form, JCB and a macron name", Forms.card(), jcb);
    Map<String, String> visa19 = new LinkedHashMap<>(Forms.cardValues());
    visa19.put("pan", "4000 0000 0000 0000 006");
    seal("card form, 19-digit Visa", Forms.card(), visa19);
    EnvelopeVector other = seal("card form, second submission (for moves)", Forms.card(), Forms.cardValues());

    // ---------------------------------------------------------------- negatives
    byte[] e = card.envelope();
    for (int i = 0; i < 48; i++) {
      int pos = (int) ((long) i * e.length / 48);
      byte[] f = e.clone();
      f[pos] ^= (byte) (1 << (i % 8));
      negative("bit flip: byte " + pos + " bit " + (i % 8), "bit-flip", false, card, f);
    }
    byte[] tail = e.clone();
    tail[e.length - 1] ^= 0x01;
    negative("bit flip: last tag byte", "bit-flip", false, card, tail);
    int[] cuts = {0, 1, 2, 16, 17, 18, 20, 30, 35, 40, e.length / 4, e.length / 3, e.length / 2,
        2 * e.length / 3, e.length - 40, e.length - 17, e.length - 16, e.length - 2, e.length - 1};
    for (int cut : cuts) {
      negative("truncated to " + cut + " of " + e.length + " bytes", "truncation", true, card,
          Arrays.copyOf(e, cut));
    }
    byte[] extra = Arrays.copyOf(e, e.length + 1);
    negative("one trailing byte", "trailing", true, card, extra);
    negative("a whole second envelope appended", "trailing", true, card, concat(e, other.envelope()));

    EnvelopeLayout l = EnvelopeLayout.of(e);
    EnvelopeLayout lo = EnvelopeLayout.of(other.envelope());
    // a field's ciphertext moved to another field of the same submission
    for (int[] pair : new int[][] {{0, 1}, {1, 3}, {2, 3}, {4, 5}, {1, 5}}) {
      negative("ciphertext of field " + l.names[pair[0]] + " moved to field " + l.names[pair[1]],
          "moved-field", false, card, l.swapCiphertexts(pair[0], pair[1]));
    }
    // a field moved from another submission of the same form
    for (int i = 0; i < 6; i++) {
      negative("field " + l.names[i] + " taken from another submission", "moved-submission", false, card,
          l.replaceField(i, lo, i));
    }
    negative("all fields taken from another submission", "moved-submission", false, card,
        concat(Arrays.copyOf(e, l.fieldsOffset), Arrays.copyOfRange(other.envelope(), lo.fieldsOffset, other.envelope().length)));
    // wrapped DEKs swapped
    negative("wrapped data key of another submission", "swapped-dek", false, card, l.withWrappedDek(lo.wrappedDek()));
    negative("wrapped data key of another submission, header id changed too", "swapped-dek", false,
        other.submissionId(), card.formId(), card.schemaVersion(), withId(l.withWrappedDek(lo.wrappedDek()), other.submissionId()));
    EnvelopeLayout l2 = EnvelopeLayout.of(card2.envelope());
    negative("wrapped data key of the optional-empty submission", "swapped-dek", false, card, l.withWrappedDek(l2.wrappedDek()));
    EnvelopeLayout li = EnvelopeLayout.of(intake.envelope());
    negative("wrapped data key of another form", "swapped-dek", false, card, l.withWrappedDek(li.wrappedDek()));
    negative("wrapped data key truncated by 1 byte", "swapped-dek", false, card,
        l.withWrappedDek(Arrays.copyOf(l.wrappedDek(), l.wrappedDek().length - 1)));
    // whole envelope presented as another submission, form or version
    negative("opened as another submission id", "wrong-submission", false, other.submissionId(), card.formId(),
        card.schemaVersion(), e);
    negative("header id rewritten to another submission", "wrong-submission", false, other.submissionId(),
        card.formId(), card.schemaVersion(), withId(e, other.submissionId()));
    negative("opened as form 'card-payment2'", "wrong-form", false, card.submissionId(), "card-payment2", 1, e);
    negative("opened as form 'hipaa-intake'", "wrong-form", false, card.submissionId(), "hipaa-intake", 1, e);
    negative("header form id rewritten to 'card-paymenX'", "wrong-form", false, card.submissionId(),
        "card-paymenX", 1, withFormByte(e, l, 'X'));
    negative("intake envelope opened as the card form", "wrong-form", false, intake.submissionId(), "card-payment",
        intake.schemaVersion(), intake.envelope());
    negative("opened as schema version 2", "wrong-version", false, card.submissionId(), card.formId(), 2, e);
    negative("header schema version rewritten to 2", "wrong-version", false, card.submissionId(), card.formId(), 2,
        withSchemaVersion(e, l, 2));
    // format version
    for (int v : new int[] {0x00, 0x02, 0x7F, 0x80, 0xFF}) {
      byte[] f = e.clone();
      f[0] = (byte) v;
      negative("unknown format version " + v, "unknown-version", true, card, f);
    }
    // oversized or inconsistent length prefixes
    negative("form id length 255", "length", true, card, set(e, 17, 0xFF));
    negative("form id length 0", "length", true, card, set(e, 17, 0x00));
    negative("wrapped data key length 65535", "length", true, card, set16(e, l.wrappedOffset - 2, 0xFFFF));
    negative("wrapped data key length 4097", "length", true, card, set16(e, l.wrappedOffset - 2, 4097));
    negative("wrapped data key length 0", "length", true, card, set16(e, l.wrappedOffset - 2, 0));
    negative("field count 65535", "length", true, card, set16(e, l.fieldsOffset, 0xFFFF));
    negative("field count 65", "length", true, card, set16(e, l.fieldsOffset, 65));
    negative("field count one more than present", "length", true, card, set16(e, l.fieldsOffset, 7));
    negative("field count one fewer than present", "length", true, card, set16(e, l.fieldsOffset, 5));
    negative("field name length 255", "length", true, card, set(e, l.fieldStarts[0], 0xFF));
    negative("field name length 0", "length", true, card, set(e, l.fieldStarts[0], 0));
    negative("ciphertext length 0xFFFFFFFF", "length", true, card, set32(e, l.ctLenOffsets[1], 0xFFFFFFFF));
    negative("ciphertext length 0x7FFFFFFF", "length", true, card, set32(e, l.ctLenOffsets[1], 0x7FFFFFFF));
    negative("ciphertext length 65553", "length", true, card, set32(e, l.ctLenOffsets[1], 65553));
    negative("ciphertext length 15 (shorter than a tag)", "length", true, card, set32(e, l.ctLenOffsets[1], 15));
    negative("ciphertext length one more than present", "length", true, card,
        set32(e, l.ctLenOffsets[5], l.ctLens[5] + 1));
    negative("nonce index 64", "length", true, card, set(e, l.nonceOffsets[0], 64));
    negative("nonce index 255", "length", true, card, set(e, l.nonceOffsets[0], 255));
    negative("two fields with the same nonce index", "duplicate", true, card, set(e, l.nonceOffsets[1], 0));
    negative("two fields with the same name", "duplicate", true, card,
        l.renameField(1, l.names[0]));
    negative("a field name that is not a valid name", "length", true, card, withFieldNameByte(e, l, 0, '!'));
    negative("empty input", "truncation", true, card, new byte[0]);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] o = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, o, a.length, b.length);
    return o;
  }

  private static byte[] withId(byte[] e, String id) {
    byte[] f = e.clone();
    SubmissionId.parse(id).writeTo(f, 1);
    return f;
  }

  private static byte[] withFormByte(byte[] e, EnvelopeLayout l, char c) {
    byte[] f = e.clone();
    f[18 + l.formLength - 1] = (byte) c;
    return f;
  }

  private static byte[] withSchemaVersion(byte[] e, EnvelopeLayout l, int v) {
    return set32(e, 18 + l.formLength, v);
  }

  private static byte[] withFieldNameByte(byte[] e, EnvelopeLayout l, int field, char c) {
    byte[] f = e.clone();
    f[l.fieldStarts[field] + 1] = (byte) c;
    return f;
  }

  private static byte[] set(byte[] e, int pos, int v) {
    byte[] f = e.clone();
    f[pos] = (byte) v;
    return f;
  }

  private static byte[] set16(byte[] e, int pos, int v) {
    byte[] f = e.clone();
    f[pos] = (byte) (v >>> 8);
    f[pos + 1] = (byte) v;
    return f;
  }

  private static byte[] set32(byte[] e, int pos, int v) {
    byte[] f = e.clone();
    f[pos] = (byte) (v >>> 24);
    f[pos + 1] = (byte) (v >>> 16);
    f[pos + 2] = (byte) (v >>> 8);
    f[pos + 3] = (byte) v;
    return f;
  }
}
