package dev.lhn.secureforms.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.Violation;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue #9, defect 6: text is never altered silently, and never carries line breaks or bidi controls where it must not. */
class TextSafetyTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final String BIDI = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C";

  private static Violation reject(Field.Builder field, String value) {
    FormSchema form = FormSchema.builder("t").field(field).build();
    InvalidSubmissionException e = assertThrows(InvalidSubmissionException.class,
        () -> form.normalize(Map.of(form.fields().get(0).name(), value), NOW));
    assertEquals(1, e.violations().size(), e.getMessage());
    assertFalse(e.getMessage().contains(value.strip()), "message must not echo the value: " + e.getMessage());
    return e.violations().get(0);
  }

  private static String normalize(Field.Builder field, String value) {
    FormSchema form = FormSchema.builder("t").field(field).build();
    try (NormalizedValues nv = form.normalize(Map.of(form.fields().get(0).name(), value), NOW)) {
      return nv.value(0);
    }
  }

  @Test
  void unpairedSurrogate_isRejectedInEveryTextBearingType_notRevealedAsQuestionMark() {
    assertEquals(new Violation("t", "unpaired-surrogate", "text must not contain an unpaired surrogate (broken UTF-16)"),
        reject(Field.text("t"), "ab\uD800cd"));
    assertEquals("unpaired-surrogate", reject(Field.text("t"), "abcd\uDC00").rule());
    assertEquals("unpaired-surrogate", reject(Field.multiline("t"), "ab\uDC00\ncd").rule());
    assertEquals("unpaired-surrogate", reject(Field.email("t"), "a\uD800b@example.com").rule());
    assertEquals("unpaired-surrogate", reject(Field.choice("t", "basic", "premium"), "basic\uD800").rule());
    assertEquals("unpaired-surrogate", reject(Field.number("t"), "12\uD800").rule());
    // a proper pair is text like any other
    assertEquals("smile \uD83D\uDE00 ok", normalize(Field.text("t"), "smile \uD83D\uDE00 ok"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u2028b", "a\u2029b", "a\u0085b", "a\u000Bb", "a\u000Cb", "a\rb", "a\nb"})
  void singleLineText_rejectsEveryLineAndParagraphSeparator(String value) {
    assertEquals("single-line", reject(Field.text("t"), value).rule());
  }

  @Test
  void bidiControls_areRejectedInEveryTextBearingType() {
    for (char c : BIDI.toCharArray()) {
      String v = "pay " + c + "evil";
      assertEquals(new Violation("t", "bidi-control", "text must not contain bidirectional control characters"),
          reject(Field.text("t"), v), Integer.toHexString(c));
      assertEquals("bidi-control", reject(Field.multiline("t"), v + "\nline").rule());
    }
    assertEquals("bidi-control", reject(Field.email("t"), "ab\u202Ec@example.com").rule());
  }

  @Test
  void email_rejectsLineSeparatorsAndC1Controls() {
    assertEquals("format", reject(Field.email("t"), "a\u2028b@example.com").rule());
    assertEquals("format", reject(Field.email("t"), "a\u0085b@example.com").rule());
  }

  @Test
  void multiline_allowsNewlinesAndTabs_rejectsOtherSeparatorsAndControls() {
    assertEquals("one\r\ntwo\tthree\nfour", normalize(Field.multiline("t"), "one\r\ntwo\tthree\nfour"));
    assertEquals(new Violation("t", "line-separator", "text must use \\n for new lines, not U+2028 or U+2029"),
        reject(Field.multiline("t"), "one\u2028two"));
    assertEquals("line-separator", reject(Field.multiline("t"), "one\u2029two").rule());
    assertEquals("control-char", reject(Field.multiline("t"), "one\u0085two").rule());
    assertEquals("control-char", reject(Field.multiline("t"), "one\u000Btwo").rule());
    assertEquals("control-char", reject(Field.multiline("t"), "one\u009Btwo").rule());
  }

  // ---------------------------------------------------------------- schema strings

  @Test
  void labelsOptionsAndTitles_refuseSpoofingCharacters() {
    assertEquals("field 'a': label contains a bidi control (U+202E) at index 4; labels, titles and options "
        + "must be one line of display-safe text",
        assertThrows(IllegalArgumentException.class, () -> Field.text("a").label("Pay \u202Eevil")).getMessage());
    assertEquals("field 'a': label contains a line or paragraph separator (U+2028) at index 1; labels, titles "
        + "and options must be one line of display-safe text",
        assertThrows(IllegalArgumentException.class, () -> Field.text("a").label("x\u2028y")).getMessage());
    assertEquals("field 'a': option 2 contains an unpaired surrogate (U+D800) at index 2; labels, titles and "
        + "options must be one line of display-safe text",
        assertThrows(IllegalArgumentException.class, () -> Field.choice("a", "yes", "no\uD800")).getMessage());
    assertEquals("field 'a': option 1 contains a control character (U+0007) at index 1; labels, titles and "
        + "options must be one line of display-safe text",
        assertThrows(IllegalArgumentException.class, () -> Field.choice("a", "y\u0007es")).getMessage());
    assertEquals("title contains a bidi control (U+2066) at index 0; labels, titles and options must be one "
        + "line of display-safe text",
        assertThrows(IllegalArgumentException.class, () -> FormSchema.builder("f").title("\u2066Pay")).getMessage());
    assertEquals("field 'a': option 1 has leading or trailing white space; input is trimmed, so it could never "
        + "be chosen", assertThrows(IllegalArgumentException.class, () -> Field.choice("a", " yes")).getMessage());
  }

  @Test
  void labelsOptionsAndTitles_refuseSpoofingCharactersFromJson() {
    assertEquals("fields[0] (a): label contains a bidi control (U+202E) at index 4; labels, titles and options "
        + "must be one line of display-safe text",
        assertThrows(InvalidSchemaException.class, () -> FormSchema.fromJson(
            "{\"formId\":\"f\",\"fields\":[{\"name\":\"a\",\"type\":\"TEXT\",\"label\":\"Pay \\u202Eevil\"}]}"))
            .getMessage());
    assertEquals("fields[0] (a): option 1 contains an unpaired surrogate (U+DC00) at index 0; labels, titles "
        + "and options must be one line of display-safe text",
        assertThrows(InvalidSchemaException.class, () -> FormSchema.fromJson(
            "{\"formId\":\"f\",\"fields\":[{\"name\":\"a\",\"type\":\"CHOICE\",\"options\":[\"\\uDC00\"]}]}"))
            .getMessage());
    assertEquals("title contains a line or paragraph separator (U+000A) at index 1; labels, titles and options "
        + "must be one line of display-safe text",
        assertThrows(InvalidSchemaException.class, () -> FormSchema.fromJson(
            "{\"formId\":\"f\",\"title\":\"a\\nb\",\"fields\":[{\"name\":\"a\",\"type\":\"TEXT\"}]}")).getMessage());
  }
}
