package dev.lhn.secureforms.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.lhn.secureforms.schema.FormSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #15: the demo forms, written with {@code toJson}, pass the JSON Schema the core jar ships (read
 * through {@link FormSchema#jsonSchema()}, as an application would), and come back equal.
 */
class DemoFormsJsonSchemaTest {
  private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
      .getSchema(FormSchema.jsonSchema(), InputFormat.JSON);

  @Test
  void demoForms_validateAgainstTheShippedJsonSchema() {
    for (FormSchema form : List.of(DemoForms.cardPayment(), DemoForms.hipaaIntake())) {
      String json = form.toJson();
      List<Error> errors = SCHEMA.validate(json, InputFormat.JSON);
      assertEquals(List.of(), errors, form.formId());
      assertEquals(form, FormSchema.fromJson(json));
    }
  }

  @Test
  void intake_writesTheVisitTypeAsUnmasked() {
    String json = DemoForms.hipaaIntake().toJson();
    assertTrue(json.contains("\"classification\" : \"NONE\",\n    \"masking\" : \"UNMASKED\""), json);
  }

  @Test
  void aDocumentTheCoreRefuses_failsTheJsonSchemaToo() {
    String json = DemoForms.cardPayment().toJson().replace("\"masking\" : \"CARD_BRAND_LAST4\"", "\"masking\" : \"UNMASKED\"");
    assertTrue(!SCHEMA.validate(json, InputFormat.JSON).isEmpty(), json);
  }
}
