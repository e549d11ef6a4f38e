package dev.lhn.secureforms.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for {@link FormSchema#fromJson}. In a plain {@code ./mvnw test} it runs the seeds under
 * {@code src/test/resources/dev/lhn/secureforms/schema/FormSchemaFuzzTestInputs/fromJson/} (regression
 * mode); with {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 *
 * <p>The only outcomes allowed: a schema that survives the JSON round trip exactly, or an
 * {@link InvalidSchemaException} of our own (no cause: a cause means the parser failed unexpectedly, or a
 * stream did) whose message names no parser internals. Any other throwable fails the run.
 */
class FormSchemaFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void fromJson(byte[] input) {
    FormSchema s;
    try {
      s = FormSchema.fromJson(new ByteArrayInputStream(input));
    } catch (InvalidSchemaException e) {
      assertNull(e.getCause(), () -> "unexpected failure inside the parser: " + e.getMessage());
      String m = e.getMessage();
      assertFalse(m == null || m.isBlank(), "a message");
      // parser internals must not leak; the input itself may be quoted (printable) in a message, though
      String in = new String(input, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
      for (String internal : new String[] {"com.fasterxml", "jackson", "streamreadconstraints", "`"}) {
        assertFalse(m.toLowerCase(java.util.Locale.ROOT).contains(internal) && !in.contains(internal), m);
      }
      return;
    }
    String json = s.toJson();
    FormSchema back = FormSchema.fromJson(json);
    assertEquals(s, back);
    assertEquals(json, back.toJson());
    // the String overload reads the same document the same way
    assertEquals(s, FormSchema.fromJson(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
  }
}
