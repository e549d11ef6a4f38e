package dev.lhn.secureforms.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One frozen test vector of envelope format v1 (src/test/resources/vectors/envelope-v1.json).
 *
 * @param name unique, descriptive
 * @param valid whether it must open
 * @param category for negatives: what was done to it; {@code structural} ones must fail before any KEK call
 * @param submissionId, formId, schemaVersion what the opener expects (the stored row's metadata)
 * @param envelope the sealed bytes
 * @param plaintext for positives: field name to value, in envelope order
 */
record EnvelopeVector(String name, boolean valid, String category, boolean structural,
    String submissionId, String formId, int schemaVersion, byte[] envelope, Map<String, String> plaintext) {

  static final JsonFactory JSON = new JsonFactory();

  static void write(List<EnvelopeVector> vectors, Writer w) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("format", "lhn-secure-forms envelope v1");
      g.writeStringField("kek", "vectors/test-kek.json (a published test key: never use it for real data)");
      g.writeArrayFieldStart("vectors");
      for (EnvelopeVector v : vectors) {
        g.writeStartObject();
        g.writeStringField("name", v.name);
        g.writeBooleanField("valid", v.valid);
        g.writeStringField("category", v.category);
        g.writeBooleanField("structural", v.structural);
        g.writeStringField("submissionId", v.submissionId);
        g.writeStringField("formId", v.formId);
        g.writeNumberField("schemaVersion", v.schemaVersion);
        g.writeStringField("envelope", Base64.getEncoder().encodeToString(v.envelope));
        if (v.valid) {
          g.writeObjectFieldStart("plaintext");
          for (Map.Entry<String, String> e : v.plaintext.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
          }
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  static List<EnvelopeVector> read(InputStream in) throws IOException {
    List<EnvelopeVector> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(in)) {
      while (p.nextToken() != null) {
        if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("vectors")) {
          p.nextToken();
          while (p.nextToken() == JsonToken.START_OBJECT) {
            out.add(readOne(p));
          }
        }
      }
    }
    return out;
  }

  private static EnvelopeVector readOne(JsonParser p) throws IOException {
    String name = null;
    String category = null;
    String id = null;
    String formId = null;
    boolean valid = false;
    boolean structural = false;
    int version = 0;
    byte[] env = null;
    Map<String, String> pt = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      switch (f) {
        case "name" -> name = p.getText();
        case "valid" -> valid = p.getBooleanValue();
        case "category" -> category = p.getText();
        case "structural" -> structural = p.getBooleanValue();
        case "submissionId" -> id = p.getText();
        case "formId" -> formId = p.getText();
        case "schemaVersion" -> version = p.getIntValue();
        case "envelope" -> env = Base64.getDecoder().decode(p.getText());
        case "plaintext" -> {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            p.nextToken();
            pt.put(k, p.getText());
          }
        }
        default -> throw new IOException("unknown property " + f);
      }
    }
    return new EnvelopeVector(name, valid, category, structural, id, formId, version, env, pt);
  }

  @Override
  public String toString() {
    return name;
  }
}
