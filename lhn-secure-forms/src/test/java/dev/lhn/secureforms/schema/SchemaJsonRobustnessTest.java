package dev.lhn.secureforms.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.retention.RetentionPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue #9, defect 5: the only exception {@code fromJson} throws is InvalidSchemaException, fast and bounded. */
class SchemaJsonRobustnessTest {
  private static final Duration FAST = Duration.ofSeconds(5);

  private static String error(byte[] json) {
    InvalidSchemaException e = assertTimeoutPreemptively(FAST,
        () -> assertThrows(InvalidSchemaException.class, () -> FormSchema.fromJson(new ByteArrayInputStream(json))));
    assertNoInternals(e.getMessage());
    return e.getMessage();
  }

  private static String error(String json) {
    InvalidSchemaException e = assertTimeoutPreemptively(FAST,
        () -> assertThrows(InvalidSchemaException.class, () -> FormSchema.fromJson(json)));
    assertNoInternals(e.getMessage());
    assertEquals(e.getMessage(), error(json.getBytes(StandardCharsets.UTF_8)), "both overloads agree");
    return e.getMessage();
  }

  private static void assertNoInternals(String message) {
    assertFalse(message.contains("jackson") || message.contains("Jackson") || message.contains("StreamReadConstraints")
        || message.contains("com.fasterxml") || message.contains("`"), message);
  }

  private static String form(String fieldProps) {
    return "{\"formId\":\"f\",\"fields\":[{\"name\":\"a\",\"type\":\"TEXT\"" + fieldProps + "}]}";
  }

  @Test
  void fromJson_stringOverTheLimit_isInvalidSchemaNotNullPointer() {
    String label = "x".repeat(SchemaJson.MAX_STRING_LENGTH + 1);
    String m = error(form(",\"label\":\"" + label + "\""));
    assertTrue(m.startsWith("malformed JSON at line 1, column "), m);
    assertTrue(m.endsWith(": a string is longer than " + SchemaJson.MAX_STRING_LENGTH + " characters"), m);
  }

  @Test
  void fromJson_limits_areExplicitAndReportedWithoutInternals() {
    assertTrue(error("{\"formId\":\"f\",\"version\":1" + "0".repeat(SchemaJson.MAX_NUMBER_LENGTH) + ",\"fields\":[]}")
        .contains("a number is longer than " + SchemaJson.MAX_NUMBER_LENGTH + " digits"));
    // the nesting limit (8) is defence in depth: the reader refuses any unexpected array or object first
    assertEquals("fields[0]: expected an object but found an array at line 1",
        error("{\"formId\":\"f\",\"fields\":[[[[[[[[[[[]]]]]]]]]]]}"));
    assertTrue(error("{\"formId\":\"f\",\"" + "n".repeat(SchemaJson.MAX_NAME_LENGTH + 1) + "\":1}")
        .contains("a property name is longer than " + SchemaJson.MAX_NAME_LENGTH + " characters"));
    byte[] big = new byte[SchemaJson.MAX_DOCUMENT_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    assertEquals("the schema is larger than " + SchemaJson.MAX_DOCUMENT_BYTES + " bytes", error(big));
    assertEquals("the schema is larger than " + SchemaJson.MAX_DOCUMENT_BYTES + " characters",
        assertThrows(InvalidSchemaException.class,
            () -> FormSchema.fromJson(" ".repeat(SchemaJson.MAX_DOCUMENT_BYTES + 1))).getMessage());
  }

  @Test
  void fromJson_ucs4AndUtf16_areRefusedAsNotUtf8() {
    assertEquals("the schema must be UTF-8 JSON; found a NUL byte at offset 0 (UTF-16 or UTF-32?)",
        error(new byte[] {0, 0, 0, '{', 0, 0, 0, '}'}));
    assertEquals("the schema must be UTF-8 JSON; found a NUL byte at offset 0 (UTF-16 or UTF-32?)",
        error(new byte[] {0, 0, 0}));
    assertEquals("the schema must be UTF-8 JSON; found a UTF-16 byte order mark",
        error(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{'}));
    assertEquals("the schema must be UTF-8 JSON; found a UTF-16 byte order mark",
        error(new byte[] {(byte) 0xFF, (byte) 0xFE, '{', 0}));
    assertEquals("the schema must be UTF-8 JSON; found a NUL byte at offset 1 (UTF-16 or UTF-32?)",
        error("{\u0000}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("the schema must be UTF-8 JSON; invalid UTF-8 at byte offset 13",
        error(new byte[] {'{', '"', 'f', 'o', 'r', 'm', 'I', 'd', '"', ':', '"', 'a', 'b', (byte) 0xC3, '(', '"', '}'}));
    // CESU-8 / encoded surrogates are not UTF-8
    assertEquals("the schema must be UTF-8 JSON; invalid UTF-8 at byte offset 0",
        error(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
  }

  @Test
  void fromJson_utf8ByteOrderMark_isAccepted() {
    byte[] body = form("").getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    assertEquals(FormSchema.fromJson(form("")), FormSchema.fromJson(new ByteArrayInputStream(withBom)));
  }

  @Test
  void fromJson_malformedJson_keepsLineAndColumn() {
    assertEquals("malformed JSON at line 2, column 3: Unexpected character ('}' (code 125)): was expecting "
        + "double-quote to start field name",
        error("{\"formId\":\"f\",\n  }"));
  }

  @Test
  void fromJson_failingStream_isInvalidSchemaWithTheCause() {
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("disk on fire");
      }
    };
    InvalidSchemaException e = assertThrows(InvalidSchemaException.class, () -> FormSchema.fromJson(broken));
    assertEquals("could not read the schema: the input stream failed", e.getMessage());
    assertEquals("disk on fire", e.getCause().getMessage());
  }

  @Test
  void fromJson_null_saysWhatIsMissing() {
    assertEquals("json input", assertThrows(NullPointerException.class, () -> FormSchema.fromJson((String) null))
        .getMessage());
    assertEquals("json input (a null InputStream is what getResourceAsStream returns for a missing resource)",
        assertThrows(NullPointerException.class, () -> FormSchema.fromJson((InputStream) null)).getMessage());
  }

  // ---------------------------------------------------------------- durations

  @Test
  void durations_hugeValues_areRefusedNotArithmeticException() {
    assertEquals("reveal: windowAfterFirstView must be positive and at most PT8784H, got PT2562047788015215H30M7S",
        error("{\"formId\":\"f\",\"reveal\":{\"windowAfterFirstView\":\"PT9223372036854775807S\"},\"fields\":[]}"));
    assertEquals("retention: maxAge must be positive and at most PT8784H, got PT2562047788015215H30M7S",
        error("{\"formId\":\"f\",\"retention\":{\"maxAge\":\"PT9223372036854775807S\"},\"fields\":[]}"));
    assertEquals("fields[0] (a).retention: afterConversationEnd must be zero or positive and at most PT8784H, got PT2562047788015215H30M7S",
        error(form(",\"retention\":{\"afterConversationEnd\":\"PT9223372036854775807S\"}")));
    assertEquals("windowAfterFirstView must be positive and at most PT8784H, got PT2562047788015215H30M7S",
        assertThrows(IllegalArgumentException.class,
            () -> RevealPolicy.views(2).within(Duration.ofSeconds(Long.MAX_VALUE))).getMessage());
    assertEquals("windowAfterFirstView must be positive and at most PT8784H, got PT8784H0.001S",
        assertThrows(IllegalArgumentException.class,
            () -> RevealPolicy.views(2).within(Duration.ofDays(366).plusMillis(1))).getMessage());
  }

  @Test
  void durations_belowAMillisecond_areRefusedNotTruncated() {
    assertEquals("maxAge must be a whole number of milliseconds, got PT0.0001S",
        assertThrows(IllegalArgumentException.class,
            () -> RetentionPolicy.maxAge(Duration.ofNanos(100_000))).getMessage());
    assertEquals("afterConversationEnd must be a whole number of milliseconds, got PT1.0000001S",
        assertThrows(IllegalArgumentException.class,
            () -> RetentionPolicy.afterConversationEnd(Duration.ofSeconds(1).plusNanos(100))).getMessage());
    assertEquals("windowAfterFirstView must be a whole number of milliseconds, got PT0.000000001S",
        assertThrows(IllegalArgumentException.class,
            () -> RevealPolicy.viewOnce().within(Duration.ofNanos(1))).getMessage());
    assertEquals("retention: maxAge must be a whole number of milliseconds, got PT0.0001S",
        error("{\"formId\":\"f\",\"retention\":{\"maxAge\":\"PT0.0001S\"},\"fields\":[]}"));
    RetentionPolicy ms = RetentionPolicy.maxAge(Duration.ofMillis(1));
    assertEquals(Duration.ofMillis(1), ms.maxAge());
    FormSchema s = FormSchema.builder("f").field(Field.text("a")).retention(ms).build();
    assertEquals(s, FormSchema.fromJson(s.toJson()));
  }

  // ---------------------------------------------------------------- number bounds

  @Test
  void numberBounds_hugeExponent_isRefusedFromJson() {
    assertEquals("fields[0] (n).min: '1e999999999' is not a plain decimal number with at most 30 integer and "
        + "9 fraction digits", error("{\"formId\":\"f\",\"fields\":[{\"name\":\"n\",\"type\":\"NUMBER\",\"min\":\"1e999999999\"}]}"));
    assertEquals("fields[0] (n).max: '0.0000000001' is not a plain decimal number with at most 30 integer and "
        + "9 fraction digits", error("{\"formId\":\"f\",\"fields\":[{\"name\":\"n\",\"type\":\"NUMBER\",\"max\":\"0.0000000001\"}]}"));
  }

  @Test
  void numberBounds_hugeExponent_isRefusedByTheBuilder() {
    String m = assertTimeoutPreemptively(FAST, () -> assertThrows(IllegalArgumentException.class,
        () -> Field.number("n").range(new BigDecimal("1e999999999"), null)).getMessage());
    assertEquals("field 'n': range min must have at most 30 integer and 9 fraction digits", m);
    assertEquals("field 'n': range max must have at most 30 integer and 9 fraction digits",
        assertThrows(IllegalArgumentException.class,
            () -> Field.number("n").range(null, new BigDecimal("1e-999999999"))).getMessage());
    assertEquals("field 'n': range max must have at most 30 integer and 9 fraction digits",
        assertThrows(IllegalArgumentException.class,
            () -> Field.number("n").range(null, new BigDecimal("1.0000000000"))).getMessage());
  }

  @Test
  void numberBounds_negativeScale_isStoredAsThePlainNumber() {
    Field f = Field.number("n").range(BigDecimal.valueOf(1e10), null).build();
    assertEquals(new BigDecimal("10000000000"), f.min());
    FormSchema s = FormSchema.builder("f").field(f).build();
    assertEquals(s, FormSchema.fromJson(s.toJson()));
  }

  @Test
  void submittedNumber_hugeExponent_isAFormatViolation() {
    FormSchema s = FormSchema.builder("f").field(Field.number("n").range(BigDecimal.ONE, BigDecimal.TEN)).build();
    InvalidSubmissionException e = assertTimeoutPreemptively(FAST, () -> assertThrows(InvalidSubmissionException.class,
        () -> s.normalize(Map.of("n", "1e999999999"), Instant.EPOCH)));
    assertEquals("format", e.violations().get(0).rule());
  }
}
