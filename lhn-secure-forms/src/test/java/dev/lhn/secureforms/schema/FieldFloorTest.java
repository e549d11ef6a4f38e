package dev.lhn.secureforms.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue #9, defect 1: every field type has a classification floor and a set of allowed maskings. */
class FieldFloorTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private static String builderError(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  private static String jsonError(String field) {
    return assertThrows(InvalidSchemaException.class,
        () -> FormSchema.fromJson("{\"formId\":\"f\",\"fields\":[" + field + "]}")).getMessage();
  }

  @Test
  void cardNumber_classificationNone_isRefusedByTheBuilder() {
    assertEquals("field 'pan': classification NONE does not meet the CARD_NUMBER floor PCI_PAN; "
        + "allowed: [PCI_PAN, PCI_SAD]",
        builderError(() -> Field.cardNumber("pan").classification(Classification.NONE)));
    assertEquals("field 'pan': classification PII does not meet the CARD_NUMBER floor PCI_PAN; "
        + "allowed: [PCI_PAN, PCI_SAD]",
        builderError(() -> Field.cardNumber("pan").classification(Classification.PII)));
  }

  @Test
  void cardNumber_classificationNone_isRefusedFromJson() {
    assertEquals("fields[0] (pan): classification NONE does not meet the CARD_NUMBER floor PCI_PAN; "
        + "allowed: [PCI_PAN, PCI_SAD]",
        jsonError("{\"name\":\"pan\",\"type\":\"CARD_NUMBER\",\"classification\":\"NONE\"}"));
    assertEquals("fields[0] (pan): classification NONE does not meet the CARD_NUMBER floor PCI_PAN; "
        + "allowed: [PCI_PAN, PCI_SAD]",
        jsonError("{\"name\":\"pan\",\"type\":\"CARD_NUMBER\",\"classification\":\"NONE\",\"masking\":\"UNMASKED\"}"));
  }

  @Test
  void cardCode_isExactlySensitiveAuthenticationData() {
    for (Classification c : EnumSet.complementOf(EnumSet.of(Classification.PCI_SAD))) {
      assertEquals("field 'cvc': classification " + c + " does not meet the CARD_CVC floor PCI_SAD; "
          + "allowed: [PCI_SAD]", builderError(() -> Field.cardCvc("cvc").classification(c)));
    }
    assertEquals("fields[0] (cvc): classification NONE does not meet the CARD_CVC floor PCI_SAD; allowed: [PCI_SAD]",
        jsonError("{\"name\":\"cvc\",\"type\":\"CARD_CVC\",\"classification\":\"NONE\"}"));
    assertEquals(Classification.PCI_SAD, Field.cardCvc("cvc").classification(Classification.PCI_SAD).build()
        .classification());
  }

  @Test
  void cardExpiry_isAtLeastCardholderData() {
    assertEquals("field 'exp': classification NONE does not meet the CARD_EXPIRY floor PCI_PAN; "
        + "allowed: [PCI_PAN, PCI_SAD]", builderError(() -> Field.cardExpiry("exp").classification(Classification.NONE)));
    assertEquals("field 'exp': classification PHI does not meet the CARD_EXPIRY floor PCI_PAN; "
        + "allowed: [PCI_PAN, PCI_SAD]", builderError(() -> Field.cardExpiry("exp").classification(Classification.PHI)));
  }

  @Test
  void ssn_isAtLeastPii() {
    assertEquals("field 'ssn': classification NONE does not meet the US_SSN floor PII; allowed: [PHI, PII]",
        builderError(() -> Field.usSsn("ssn").classification(Classification.NONE)));
    assertEquals("field 'ssn': classification PCI_PAN does not meet the US_SSN floor PII; allowed: [PHI, PII]",
        builderError(() -> Field.usSsn("ssn").classification(Classification.PCI_PAN)));
    assertEquals(Classification.PHI, Field.usSsn("ssn").classification(Classification.PHI).build().classification());
  }

  @Test
  void masking_isCheckedAgainstTheType() {
    assertEquals("field 'cvc': masking LAST4 is not allowed for CARD_CVC; allowed: [HIDDEN]",
        builderError(() -> Field.cardCvc("cvc").masking(Masking.LAST4)));
    assertEquals("field 'cvc': masking UNMASKED is not allowed for CARD_CVC; allowed: [HIDDEN]",
        builderError(() -> Field.cardCvc("cvc").masking(Masking.UNMASKED)));
    assertEquals("field 'pan': masking LAST4 is not allowed for CARD_NUMBER; allowed: [CARD_BRAND_LAST4, HIDDEN]",
        builderError(() -> Field.cardNumber("pan").masking(Masking.LAST4)));
    assertEquals("field 'pan': masking UNMASKED is not allowed for CARD_NUMBER; allowed: [CARD_BRAND_LAST4, HIDDEN]",
        builderError(() -> Field.cardNumber("pan").masking(Masking.UNMASKED)));
    assertEquals("field 'ssn': masking UNMASKED is not allowed for US_SSN; allowed: [LAST4, HIDDEN]",
        builderError(() -> Field.usSsn("ssn").masking(Masking.UNMASKED)));
    assertEquals("field 'exp': masking UNMASKED is not allowed for CARD_EXPIRY; allowed: [HIDDEN]",
        builderError(() -> Field.cardExpiry("exp").masking(Masking.UNMASKED)));
    assertEquals("fields[0] (pan): masking UNMASKED is not allowed for CARD_NUMBER; allowed: [CARD_BRAND_LAST4, HIDDEN]",
        jsonError("{\"name\":\"pan\",\"type\":\"CARD_NUMBER\",\"masking\":\"UNMASKED\"}"));
    assertEquals(Masking.HIDDEN, Field.cardNumber("pan").masking(Masking.HIDDEN).build().masking());
    assertEquals(Masking.HIDDEN, Field.usSsn("ssn").masking(Masking.HIDDEN).build().masking());
  }

  @Test
  void defaultMasking_comesFromTheType_notFromTheClassification() {
    assertEquals(Masking.HIDDEN, Field.text("t").classification(Classification.NONE).build().masking());
    assertEquals(Masking.LAST4, Field.phone("p").classification(Classification.NONE).build().masking());
    FormSchema json = FormSchema.fromJson(
        "{\"formId\":\"f\",\"fields\":[{\"name\":\"t\",\"type\":\"TEXT\",\"classification\":\"NONE\"}]}");
    assertEquals(Masking.HIDDEN, json.field("t").masking());
    try (NormalizedValues nv = json.normalize(Map.of("t", "hello world"), NOW)) {
      assertEquals("****", nv.preview().get("t"));
    }
  }

  @Test
  void maskingUnmasked_showsTheValueOnlyWhenSetExplicitlyOnANoneField() {
    FormSchema s = FormSchema.builder("f")
        .field(Field.choice("plan", "basic", "premium").classification(Classification.NONE).masking(Masking.UNMASKED))
        .build();
    try (NormalizedValues nv = s.normalize(Map.of("plan", "basic"), NOW)) {
      assertEquals("basic", nv.preview().get("plan"));
    }
    assertEquals("field 't': masking UNMASKED would show PII data in status views; it is allowed only for "
        + "classification NONE", builderError(() -> Field.text("t").masking(Masking.UNMASKED).build()));
  }

  @ParameterizedTest
  @EnumSource(FieldType.class)
  void everyType_defaultsMeetItsOwnFloor(FieldType type) {
    assertTrue(type.allowedClassifications().contains(type.defaultClassification()), type.name());
    assertTrue(type.allowedMaskings().contains(type.defaultMasking()), type.name());
    assertTrue(type.defaultClassification().isAtLeast(type.classificationFloor()), type.name());
  }

  @ParameterizedTest
  @EnumSource(value = FieldType.class, names = {"CARD_NUMBER", "CARD_EXPIRY", "CARD_CVC", "US_SSN"})
  void sensitiveTypes_neverAllowUnmaskedOrClassificationNone(FieldType type) {
    assertFalse(type.allowedMaskings().contains(Masking.UNMASKED), type.name());
    assertFalse(type.allowedClassifications().contains(Classification.NONE), type.name());
  }

  @Test
  void atLeast_ranksOnlyWithinAChain() {
    assertTrue(Classification.PCI_SAD.isAtLeast(Classification.PCI_PAN));
    assertTrue(Classification.PHI.isAtLeast(Classification.PII));
    assertFalse(Classification.PCI_PAN.isAtLeast(Classification.PCI_SAD));
    assertFalse(Classification.PHI.isAtLeast(Classification.PCI_PAN));
    assertFalse(Classification.PCI_SAD.isAtLeast(Classification.PII));
    for (Classification c : Classification.values()) {
      assertTrue(c.isAtLeast(Classification.NONE));
      assertTrue(c.isAtLeast(c));
    }
    assertEquals(Set.of(Classification.values()), FieldType.TEXT.allowedClassifications());
  }
}
