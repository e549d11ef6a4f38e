package dev.lhn.secureforms.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.testing.Forms;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class FormSchemaTest {

  static FormSchema everything() {
    return FormSchema.builder("kitchen-sink").version(42).title("Every option")
        .field(Field.cardNumber("pan").acceptedBrands(CardBrand.VISA, CardBrand.AMEX).label("Card"))
        .field(Field.cardExpiry("exp"))
        .field(Field.cardCvc("cvc").retention(RetentionPolicy.afterConversationEnd(Duration.ZERO)))
        .field(Field.usSsn("ssn").optional())
        .field(Field.date("dob").between(LocalDate.of(1900, 1, 1), LocalDate.of(2100, 1, 1)).notAfterToday())
        .field(Field.email("email").classification(Classification.NONE))
        .field(Field.phone("phone").defaultCountryCode("1").masking(Masking.HIDDEN))
        .field(Field.number("amount").range(new BigDecimal("0.01"), null))
        .field(Field.choice("plan", "basic", "premium ✓"))
        .field(Field.text("name").maxLength(80).retention(RetentionPolicy.maxAge(Duration.ofMinutes(30))
            .andAfterConversationEnd(Duration.ofMinutes(5))))
        .field(Field.multiline("notes").classification(Classification.PHI).maxLength(1000).optional())
        .revealPolicy(RevealPolicy.views(3).within(Duration.ofMinutes(10)))
        .retention(RetentionPolicy.maxAge(Duration.ofDays(7)).andAfterConversationEnd(Duration.ofHours(1)))
        .build();
  }

  @Test
  void json_roundTripIsExact() {
    for (FormSchema s : new FormSchema[] {everything(), Forms.card(), Forms.intake()}) {
      String json = s.toJson();
      FormSchema back = FormSchema.fromJson(json);
      assertEquals(s, back);
      assertEquals(json, back.toJson());
    }
  }

  @Test
  void json_minimalDocumentTakesTheDefaults() {
    FormSchema s = FormSchema.fromJson("{\"formId\":\"f\",\"fields\":[{\"name\":\"a\",\"type\":\"TEXT\"}]}");
    assertEquals(1, s.version());
    assertEquals(RevealPolicy.viewOnce(), s.revealPolicy());
    assertEquals(RetentionPolicy.DEFAULT, s.retention());
    Field a = s.field("a");
    assertEquals(Classification.PII, a.classification());
    assertEquals(Masking.HIDDEN, a.masking());
    assertEquals(200, a.maxLength());
    assertEquals(true, a.required());
  }

  @Test
  void json_errorsNameThePlaceAndTheRule() {
    assertEquals("fields[0] (pan).type: unknown FieldType 'CARDNUM'; expected one of [CARD_NUMBER, CARD_EXPIRY, "
        + "CARD_CVC, US_SSN, DATE, EMAIL, PHONE, NUMBER, CHOICE, TEXT, MULTILINE]",
        error("{\"formId\":\"f\",\"fields\":[{\"name\":\"pan\",\"type\":\"CARDNUM\"}]}"));
    assertEquals("fields[0]: unknown property 'colour'",
        error("{\"formId\":\"f\",\"fields\":[{\"name\":\"a\",\"type\":\"TEXT\",\"colour\":\"red\"}]}"));
    assertEquals("missing property 'formId'", error("{\"fields\":[]}"));
    assertEquals("form 'f': missing property 'fields'", error("{\"formId\":\"f\"}"));
    assertEquals("retention.maxAge: 'a day' is not an ISO-8601 duration such as PT1H or P1D",
        error("{\"formId\":\"f\",\"retention\":{\"maxAge\":\"a day\"},\"fields\":[]}"));
    assertEquals("fields[0] (a): masking UNMASKED would show PII data in status views; it is allowed only for "
        + "classification NONE",
        error("{\"formId\":\"f\",\"fields\":[{\"name\":\"a\",\"type\":\"TEXT\",\"masking\":\"UNMASKED\"}]}"));
    assertEquals("form 'f' already has a field 'a'", error(
        "{\"formId\":\"f\",\"fields\":[{\"name\":\"a\",\"type\":\"TEXT\"},{\"name\":\"a\",\"type\":\"TEXT\"}]}"));
    assertEquals(true, error("{\"formId\":\"f\",\"formId\":\"g\",\"fields\":[]}").startsWith("malformed JSON at line 1"));
    assertEquals(true, error("{\"formId\":").startsWith("malformed JSON"));
    assertEquals("reveal: maxViews must be 1 to 100, got 0",
        error("{\"formId\":\"f\",\"reveal\":{\"maxViews\":0},\"fields\":[]}"));
  }

  private static String error(String json) {
    return assertThrows(InvalidSchemaException.class, () -> FormSchema.fromJson(json)).getMessage();
  }

  @Test
  void builder_checksEachOption() {
    assertEquals("formId 'bad id' must be a letter or digit followed by up to 63 letters, digits, '_', '-' or '.'",
        assertThrows(IllegalArgumentException.class, () -> FormSchema.builder("bad id")).getMessage());
    assertEquals("version was already set to 2",
        assertThrows(IllegalStateException.class, () -> FormSchema.builder("f").version(2).version(3)).getMessage());
    assertEquals("form 'f' needs at least one field",
        assertThrows(IllegalStateException.class, () -> FormSchema.builder("f").build()).getMessage());
    assertEquals("form 'f': retention needs a maxAge; every submission must have a deadline",
        assertThrows(IllegalArgumentException.class,
            () -> FormSchema.builder("f").retention(RetentionPolicy.afterConversationEnd(Duration.ZERO))).getMessage());
    assertEquals("field 'pan': maxLength applies to TEXT and MULTILINE, not CARD_NUMBER",
        assertThrows(IllegalArgumentException.class, () -> Field.cardNumber("pan").maxLength(10)).getMessage());
    assertEquals("field 'n': maxLength was already set to 5",
        assertThrows(IllegalStateException.class, () -> Field.text("n").maxLength(5).maxLength(6)).getMessage());
    assertEquals("field 'n': masking CARD_BRAND_LAST4 applies to CARD_NUMBER, not TEXT",
        assertThrows(IllegalArgumentException.class,
            () -> Field.text("n").masking(Masking.CARD_BRAND_LAST4).build()).getMessage());
    assertEquals("field name '1abc' must be an ASCII letter followed by up to 63 letters, digits, '_', '-' or '.'",
        assertThrows(IllegalArgumentException.class, () -> Field.text("1abc")).getMessage());
    assertEquals("maxAge must be positive and at most PT8784H, got PT0S",
        assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.maxAge(Duration.ZERO)).getMessage());
  }

  @Test
  void builder_isNotChangedByBuild() {
    FormSchema.Builder b = FormSchema.builder("f").field(Field.text("a"));
    FormSchema one = b.build();
    b.field(Field.text("b"));
    assertEquals(1, one.fields().size());
    assertEquals(2, b.build().fields().size());
  }
}
