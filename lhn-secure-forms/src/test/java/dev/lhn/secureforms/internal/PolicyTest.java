package dev.lhn.secureforms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.schema.FormSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The name rules of {@link Policy} and {@link KeySlotId} are loops since #12 (they ran regexes and streams
 * on every seal and open): each must accept exactly what the documented pattern accepts.
 */
class PolicyTest {
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
  private static final Pattern TENANT = Pattern.compile("[a-z0-9._-]{0,64}");
  private static final Pattern KEY_CLASS = Pattern.compile("[a-z0-9-]{1,32}");

  /** Every string of up to 3 characters over an alphabet with each class's edges, and long ones. */
  private static List<String> candidates() {
    String alphabet = "aAzZ09_.-/ @[`{\u00e9\u0130\u212a";
    List<String> out = new ArrayList<>();
    out.add("");
    List<String> previous = List.of("");
    for (int length = 1; length <= 3; length++) {
      List<String> next = new ArrayList<>();
      for (String p : previous) {
        for (int i = 0; i < alphabet.length(); i++) {
          next.add(p + alphabet.charAt(i));
        }
      }
      out.addAll(next);
      previous = next;
    }
    for (int n : new int[] {31, 32, 33, 63, 64, 65}) {
      out.add("a".repeat(n));
      out.add("A".repeat(n));
      out.add("a".repeat(n - 1) + "\u00e9");
    }
    out.add("a\uD83D\uDE00"); // a supplementary character
    return out;
  }

  @Test
  void formIdRule_isFormSchemasPattern() {
    int accepted = 0;
    for (String s : candidates()) {
      boolean expected = FormSchema.FORM_ID.matcher(s).matches();
      assertEquals(expected, Policy.isFormId(s), () -> "form id of length " + s.length() + ": " + s);
      accepted += expected ? 1 : 0;
    }
    assertTrue(accepted > 500, "the candidates exercise accepted ids too");
  }

  @Test
  void fieldNameRule_isFieldsPattern() {
    for (String s : candidates()) {
      boolean expected = FIELD_NAME.matcher(s).matches();
      assertEquals(expected, accepts(() -> new Policy.FieldRetention(s, Policy.NONE, Policy.NONE)),
          () -> "field name of length " + s.length() + ": " + s);
    }
  }

  @Test
  void tenantAndKeyClassRules_areTheirPatterns() {
    for (String s : candidates()) {
      assertEquals(TENANT.matcher(s).matches(), KeySlotId.isTenant(s), () -> "tenant: " + s);
      assertEquals(KEY_CLASS.matcher(s).matches(), accepts(() -> new KeySlotId("", s, 0, 60_000)),
          () -> "key class: " + s);
    }
  }

  @Test
  void duplicateFieldNames_areRejectedWherever_theyAre() {
    List<Policy.FieldRetention> fields = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      fields.add(new Policy.FieldRetention("f" + i, Policy.NONE, Policy.NONE));
    }
    fields.add(new Policy.FieldRetention("f7", Policy.NONE, Policy.NONE));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Policy("card-payment", 1, new byte[] {1}, 0, 0, 1, Policy.NONE, Policy.NONE, "", fields));
    assertEquals("field 'f7' appears twice in fields", e.getMessage());
  }

  private static boolean accepts(Runnable construct) {
    try {
      construct.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
