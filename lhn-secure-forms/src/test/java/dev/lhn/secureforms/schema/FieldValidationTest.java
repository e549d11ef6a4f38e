package dev.lhn.secureforms.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.Violation;
import dev.lhn.secureforms.testing.Forms;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Validation and normalisation per field type, on real edge cases, asserting the messages. */
class FieldValidationTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private static String normalize(Field.Builder field, String value) {
    FormSchema form = FormSchema.builder("t").field(field).build();
    try (NormalizedValues nv = form.normalize(Map.of(form.fields().get(0).name(), value), NOW)) {
      return nv.value(0);
    }
  }

  private static Violation reject(Field.Builder field, String value) {
    FormSchema form = FormSchema.builder("t").field(field).build();
    InvalidSubmissionException e = assertThrows(InvalidSubmissionException.class,
        () -> form.normalize(Map.of(form.fields().get(0).name(), value), NOW));
    assertEquals(1, e.violations().size(), e.getMessage());
    if (value.length() >= 3) {
      assertTrue(!e.getMessage().contains(value.strip()), "message must not echo the value: " + e.getMessage());
    }
    return e.violations().get(0);
  }

  private static Map<String, String> card(String pan, String cvc) {
    Map<String, String> v = new HashMap<>(Forms.cardValues());
    v.put("pan", pan);
    v.put("cvc", cvc);
    return v;
  }

  // ------------------------------------------------------------------ card number

  @ParameterizedTest
  @CsvSource({
      "4242 4242 4242 4242, 4242424242424242, Visa ****4242",
      "4222222222222, 4222222222222, Visa ****2222",
      "5555-5555-5555-4444, 5555555555554444, Mastercard ****4444",
      "2223 0031 2200 3222, 2223003122003222, Mastercard ****3222",
      "3782 822463 10005, 378282246310005, Amex ****0005",
      "6011 1111 1111 1117, 6011111111111117, Discover ****1117",
      "3530 1113 3330 0000, 3530111333300000, JCB ****0000",
      "3056 9309 0259 04, 30569309025904, Diners ****5904",
      "6200 0000 0000 0005, 6200000000000005, UnionPay ****0005",
  })
  void cardNumber_normalisesAndDetectsBrand(String raw, String normalized, String preview) {
    FormSchema form = FormSchema.builder("t").field(Field.cardNumber("pan")).build();
    try (NormalizedValues nv = form.normalize(Map.of("pan", raw), NOW)) {
      assertEquals(normalized, nv.value(0));
      assertEquals(preview, nv.preview().get("pan"));
    }
  }

  @Test
  void cardNumber_luhnValidButWrongLengthForItsBrand() {
    // 15 digits, Luhn-valid, Visa prefix: Visa has 13, 16 or 19 digits
    Violation v = reject(Field.cardNumber("pan"), "4111 1111 1111 116");
    assertEquals(new Violation("pan", "brand-length", "Visa card numbers cannot have 15 digits"), v);
    // 16 digits, Luhn-valid, Amex prefix: Amex has 15
    assertEquals("brand-length", reject(Field.cardNumber("pan"), "3782822463100052").rule());
  }

  @Test
  void cardNumber_failsLuhn() {
    assertEquals(new Violation("pan", "luhn", "card number fails the Luhn check"),
        reject(Field.cardNumber("pan"), "4242 4242 4242 4241"));
  }

  @Test
  void cardNumber_lengthAndCharacters() {
    assertEquals(new Violation("pan", "length", "card number must have 12 to 19 digits, got 11"),
        reject(Field.cardNumber("pan"), "42424242424"));
    assertEquals(new Violation("pan", "digits", "card number may contain only digits, spaces and dashes"),
        reject(Field.cardNumber("pan"), "4242.4242.4242.4242"));
  }

  @Test
  void cardNumber_acceptedBrands() {
    assertEquals(new Violation("pan", "brand", "Amex cards are not accepted"),
        reject(Field.cardNumber("pan").acceptedBrands(CardBrand.VISA, CardBrand.MASTERCARD), "378282246310005"));
  }

  // ------------------------------------------------------------------ card code

  @Test
  void cvc_amexWithThreeDigits_isRejected() {
    InvalidSubmissionException e = assertThrows(InvalidSubmissionException.class,
        () -> Forms.card().normalize(card("378282246310005", "123"), NOW));
    assertEquals(List.of(new Violation("cvc", "cvc-length", "card code for a Amex card must have 4 digits, got 3")),
        e.violations());
  }

  @Test
  void cvc_visaWithFourDigits_isRejected_andAmexWithFour_isAccepted() {
    assertThrows(InvalidSubmissionException.class, () -> Forms.card().normalize(card("4242424242424242", "1234"), NOW));
    Forms.card().normalize(card("378282246310005", "1234"), NOW).close();
  }

  @Test
  void cvc_withoutCardNumber_takesThreeOrFour() {
    assertEquals("1234", normalize(Field.cardCvc("cvc"), "1234"));
    assertEquals("123", normalize(Field.cardCvc("cvc"), " 123 "));
    assertEquals("cvc-length", reject(Field.cardCvc("cvc"), "12").rule());
    assertEquals("digits", reject(Field.cardCvc("cvc"), "12a").rule());
  }

  // ------------------------------------------------------------------ expiry

  @Test
  void expiry_lastMonth_isExpired_thisMonth_isValid() {
    assertEquals(new Violation("exp", "expired", "card has expired"), reject(Field.cardExpiry("exp"), "10/26"));
    assertEquals("11/2026", normalize(Field.cardExpiry("exp"), "11/26"));
    assertEquals("11/2026", normalize(Field.cardExpiry("exp"), "11/2026"));
    assertEquals("01/2031", normalize(Field.cardExpiry("exp"), "01 / 31"));
  }

  @Test
  void expiry_formatAndRange() {
    assertEquals(new Violation("exp", "format", "expiry must be MM/YY or MM/YYYY"), reject(Field.cardExpiry("exp"), "1/27"));
    assertEquals(new Violation("exp", "format", "expiry month must be 01 to 12"), reject(Field.cardExpiry("exp"), "13/27"));
    assertEquals("too-far", reject(Field.cardExpiry("exp"), "12/2047").rule());
  }

  // ------------------------------------------------------------------ SSN

  @ParameterizedTest
  @CsvSource({
      "666-12-3456, ssn-area", "000-12-3456, ssn-area", "900-12-3456, ssn-area", "999-12-3456, ssn-area",
      "123-00-4567, ssn-group", "123-45-0000, ssn-serial", "123-456-789, format", "12345678, format"})
  void ssn_invalidRanges(String raw, String rule) {
    assertEquals(rule, reject(Field.usSsn("ssn"), raw).rule());
  }

  @Test
  void ssn_messagesAndNormalisation() {
    assertEquals(new Violation("ssn", "ssn-area", "SSN area number 000, 666 and 900-999 are never issued"),
        reject(Field.usSsn("ssn"), "666-12-3456"));
    assertEquals("123-45-6789", normalize(Field.usSsn("ssn"), "123456789"));
    FormSchema form = FormSchema.builder("t").field(Field.usSsn("ssn")).build();
    try (NormalizedValues nv = form.normalize(Map.of("ssn", "123-45-6789"), NOW)) {
      assertEquals("***-**-6789", nv.preview().get("ssn"));
    }
  }

  // ------------------------------------------------------------------ others

  @Test
  void date_boundsAndFuture() {
    assertEquals("2026-11-29", normalize(Field.date("dob").notAfterToday(), "2026-11-29"));
    assertEquals(new Violation("dob", "future", "date must not be in the future"),
        reject(Field.date("dob").notAfterToday(), "2026-11-30"));
    assertEquals(new Violation("d", "min-date", "date must not be before 1900-01-01"),
        reject(Field.date("d").between(LocalDate.of(1900, 1, 1), null), "1899-12-31"));
    assertEquals("format", reject(Field.date("d"), "2026-02-30").rule());
    assertEquals("format", reject(Field.date("d"), "29/11/2026").rule());
  }

  @Test
  void email() {
    assertEquals("Jane.Doe+x@example.com", normalize(Field.email("e"), " Jane.Doe+x@EXAMPLE.com "));
    for (String bad : List.of("jane", "jane@", "@example.com", "jane@example", "ja ne@example.com", "a@b@c.com")) {
      assertEquals("format", reject(Field.email("e"), bad).rule(), bad);
    }
  }

  @Test
  void phone_normalisesToE164() {
    assertEquals("+14155552671", normalize(Field.phone("p"), "+1 (415) 555-2671"));
    assertEquals("+442079460958", normalize(Field.phone("p"), "0044 20 7946 0958"));
    assertEquals("+442079460958", normalize(Field.phone("p").defaultCountryCode("44"), "020 7946 0958"));
    assertEquals(new Violation("p", "format", "phone number must start with + and the country code"),
        reject(Field.phone("p"), "415 555 2671"));
    assertEquals("format", reject(Field.phone("p"), "+1 415 555 2671 99999").rule());
  }

  @Test
  void number_range() {
    Field.Builder f = Field.number("n").range(BigDecimal.ONE, new BigDecimal("100.5"));
    assertEquals("100.5", normalize(f, "100.50".substring(0, 5)));
    assertEquals(new Violation("n", "max", "must be at most 100.5"),
        reject(Field.number("n").range(BigDecimal.ONE, new BigDecimal("100.5")), "101"));
    assertEquals("format", reject(Field.number("n"), "1e9").rule());
  }

  @Test
  void choice() {
    assertEquals("premium", normalize(Field.choice("c", "basic", "premium"), "premium"));
    assertEquals(new Violation("c", "choice", "must be one of the 2 listed options"),
        reject(Field.choice("c", "basic", "premium"), "gold"));
  }

  @Test
  void text_lengthAndLines() {
    assertEquals(new Violation("t", "max-length", "t must have at most 5 characters, got 6"),
        reject(Field.text("t").maxLength(5), "abcdef"));
    assertEquals("single-line", reject(Field.text("t"), "two\nlines").rule());
    assertEquals("two\nlines", normalize(Field.multiline("t"), "two\nlines"));
    assertEquals("control-char", reject(Field.multiline("t"), "bell\u0007").rule());
  }

  // ------------------------------------------------------------------ the whole submission

  @Test
  void everyViolation_isReportedAtOnce_andNoValueIsEchoed() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("pan", "4242 4242 4242 4241");
    v.put("exp", "10/26");
    v.put("cvc", "12");
    v.put("email", "not-an-email");
    v.put("shoe-size", "44");
    InvalidSubmissionException e = assertThrows(InvalidSubmissionException.class,
        () -> Forms.card().normalize(v, NOW));
    assertEquals(List.of(
        new Violation("shoe-size", "unknown-field", "form 'card-payment' has no field 'shoe-size'"),
        new Violation("name", "required", "Name on card is required"),
        new Violation("pan", "luhn", "card number fails the Luhn check"),
        new Violation("exp", "expired", "card has expired"),
        new Violation("cvc", "cvc-length", "card code must have 3 or 4 digits, got 2"),
        new Violation("email", "format", "e-mail address must look like name@domain.tld")),
        e.violations());
    assertEquals("form 'card-payment' rejected 6 values: shoe-size: form 'card-payment' has no field "
        + "'shoe-size' [unknown-field]; name: Name on card is required [required]; pan: card number fails the "
        + "Luhn check [luhn]; exp: card has expired [expired]; cvc: card code must have 3 or 4 digits, got 2 "
        + "[cvc-length]; email: e-mail address must look like name@domain.tld [format]", e.getMessage());
    for (String value : v.values()) {
      assertTrue(!e.getMessage().contains(value) || value.equals("44"), value);
    }
  }

  @Test
  void unknownFieldWithAnInvalidName_isNotQuoted() {
    Map<String, String> v = new HashMap<>(Forms.cardValues());
    v.put("4111 1111 1111 1111", "x");
    InvalidSubmissionException e = assertThrows(InvalidSubmissionException.class, () -> Forms.card().normalize(v, NOW));
    assertEquals(new Violation("?", "unknown-field",
        "form 'card-payment' has no field with that name (not a valid field name)"), e.violations().get(0));
    assertTrue(!e.getMessage().contains("4111"));
  }

  @Test
  void limits_totalSize_andEntryCount() {
    FormSchema.Builder b = FormSchema.builder("big");
    Map<String, String> v = new HashMap<>();
    for (int i = 0; i < 5; i++) {
      b.field(Field.multiline("m" + i).maxLength(16_384));
      v.put("m" + i, "€".repeat(16_384));
    }
    InvalidSubmissionException e = assertThrows(InvalidSubmissionException.class, () -> b.build().normalize(v, NOW));
    assertEquals(new Violation("*", "total-size", "submission has 245760 bytes of values; the limit is 65536"),
        e.violations().get(0));
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      many.put("k" + i, "v");
    }
    assertEquals("field-count", assertThrows(InvalidSubmissionException.class,
        () -> Forms.card().normalize(many, NOW)).violations().get(0).rule());
  }

  @Test
  void maxLength_isCheckedBeforeNormalisation() {
    assertEquals(new Violation("pan", "max-length", "pan must have at most 23 characters, got 100"),
        reject(Field.cardNumber("pan"), "4".repeat(100)));
  }

  @Test
  void normalizedValues_toStringIsRedacted_andCloseWipes() {
    NormalizedValues nv = Forms.card().normalize(Forms.cardValues(), NOW);
    byte[] pan = nv.valueUtf8(1);
    assertTrue(nv.toString().contains("<redacted>"));
    assertTrue(!nv.toString().contains("4242"));
    nv.close();
    assertEquals(16, pan.length);
    for (byte x : pan) {
      assertEquals(0, x);
    }
    assertThrows(IllegalStateException.class, () -> nv.valueUtf8(0));
  }
}
