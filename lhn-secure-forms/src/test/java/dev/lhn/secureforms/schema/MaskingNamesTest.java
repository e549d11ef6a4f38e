package dev.lhn.secureforms.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #15: maskings are named for what the preview shows ({@code HIDDEN}, {@code LAST4},
 * {@code CARD_BRAND_LAST4}, {@code UNMASKED}); JSON written before the rename ({@code FULL}, {@code NONE})
 * is still read, and never written.
 */
class MaskingNamesTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private static final String OLD_NAMES = "{\"formId\":\"f\",\"fields\":["
      + "{\"name\":\"cvc\",\"type\":\"CARD_CVC\",\"masking\":\"FULL\"},"
      + "{\"name\":\"plan\",\"type\":\"CHOICE\",\"options\":[\"basic\",\"premium\"],"
      + "\"classification\":\"NONE\",\"masking\":\"NONE\"}]}";

  @Test
  void constants_sayWhatThePreviewShows() {
    assertEquals("[CARD_BRAND_LAST4, LAST4, HIDDEN, UNMASKED]", java.util.Arrays.toString(Masking.values()));
    FormSchema s = FormSchema.builder("f")
        .field(Field.text("secret"))
        .field(Field.choice("plan", "basic", "premium").classification(Classification.NONE).masking(Masking.UNMASKED))
        .build();
    assertEquals(Masking.HIDDEN, s.field("secret").masking());
    try (NormalizedValues nv = s.normalize(Map.of("secret", "hello world", "plan", "basic"), NOW)) {
      assertEquals("****", nv.preview().get("secret"));
      assertEquals("basic", nv.preview().get("plan"));
    }
  }

  @Test
  void toJson_writesTheNewNames() {
    String json = FormSchema.builder("f")
        .field(Field.cardCvc("cvc"))
        .field(Field.text("t").classification(Classification.NONE).masking(Masking.UNMASKED))
        .build().toJson();
    assertTrue(json.contains("\"masking\" : \"HIDDEN\""), json);
    assertTrue(json.contains("\"masking\" : \"UNMASKED\""), json);
    assertFalse(json.contains("\"FULL\""), json);
    assertFalse(json.contains("\"masking\" : \"NONE\""), json);
  }

  @Test
  void fromJson_readsTheOldNamesAsAliases() {
    FormSchema s = FormSchema.fromJson(OLD_NAMES);
    assertEquals(Masking.HIDDEN, s.field("cvc").masking());
    assertEquals(Masking.UNMASKED, s.field("plan").masking());
    assertEquals(s, FormSchema.fromJson(OLD_NAMES.replace("\"FULL\"", "\"HIDDEN\"")
        .replace("\"masking\":\"NONE\"", "\"masking\":\"UNMASKED\"")));
  }

  @Test
  void oldNameDocument_roundTrip_reserialisesWithTheNewNames() {
    FormSchema s = FormSchema.fromJson(OLD_NAMES);
    String json = s.toJson();
    assertTrue(json.contains("\"masking\" : \"HIDDEN\""), json);
    assertTrue(json.contains("\"masking\" : \"UNMASKED\""), json);
    assertFalse(json.contains("FULL"), json);
    assertFalse(json.contains("\"masking\" : \"NONE\""), json);
    FormSchema back = FormSchema.fromJson(json);
    assertEquals(s, back);
    assertEquals(json, back.toJson());
  }

  @Test
  void oldNames_areCheckedLikeTheNewOnes_andErrorsNameTheNewConstant() {
    assertEquals("fields[0] (pan): masking UNMASKED is not allowed for CARD_NUMBER; allowed: [CARD_BRAND_LAST4, HIDDEN]",
        error("{\"formId\":\"f\",\"fields\":[{\"name\":\"pan\",\"type\":\"CARD_NUMBER\",\"masking\":\"NONE\"}]}"));
    assertEquals("fields[0] (a): masking UNMASKED would show PII data in status views; it is allowed only for "
        + "classification NONE",
        error("{\"formId\":\"f\",\"fields\":[{\"name\":\"a\",\"type\":\"TEXT\",\"masking\":\"NONE\"}]}"));
    assertEquals(Masking.HIDDEN, FormSchema.fromJson(
        "{\"formId\":\"f\",\"fields\":[{\"name\":\"pan\",\"type\":\"CARD_NUMBER\",\"masking\":\"FULL\"}]}")
        .field("pan").masking());
  }

  @Test
  void unknownMasking_listsOnlyTheNewNames() {
    assertEquals("fields[0] (a).masking: unknown Masking 'MASKED'; expected one of "
        + "[CARD_BRAND_LAST4, LAST4, HIDDEN, UNMASKED]",
        error("{\"formId\":\"f\",\"fields\":[{\"name\":\"a\",\"type\":\"TEXT\",\"masking\":\"MASKED\"}]}"));
    // the aliases are exact names, as every other enum value in the format
    assertEquals("fields[0] (a).masking: unknown Masking 'full'; expected one of "
        + "[CARD_BRAND_LAST4, LAST4, HIDDEN, UNMASKED]",
        error("{\"formId\":\"f\",\"fields\":[{\"name\":\"a\",\"type\":\"TEXT\",\"masking\":\"full\"}]}"));
  }

  @Test
  void javaApi_hasNoAliases() {
    // only stored JSON needs the old names; Java callers get a compile error that points at the rename
    assertThrows(IllegalArgumentException.class, () -> Masking.valueOf("FULL"));
    assertThrows(IllegalArgumentException.class, () -> Masking.valueOf("NONE"));
  }

  private static String error(String json) {
    return assertThrows(InvalidSchemaException.class, () -> FormSchema.fromJson(json)).getMessage();
  }
}
