package dev.lhn.secureforms.spring.boot;

import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small card form and values for the Spring tests. */
final class TestForms {
  private TestForms() {}

  static FormSchema card() {
    return FormSchema.builder("card-payment")
        .field(Field.text("name").maxLength(80))
        .field(Field.cardNumber("pan"))
        .build();
  }

  static Map<String, String> values() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", "Jane Q. Public");
    v.put("pan", "4242 4242 4242 4242");
    return v;
  }
}
