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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One frozen test vector of envelope format v2 (src/test/resources/vectors/envelope-v2.json).
 *
 * @param name unique, descriptive
 * @param category what the vector exercises, e.g. {@code positive}, {@code truncation}, {@code swapped-dek}
 * @param outcome {@code open} (opens to {@code plaintext}), {@code destroyed} (slot 0's epoch key is gone)
 *     or {@code reject} (a {@code DecryptionException})
 * @param structural for rejects: must fail before any epoch key is asked for
 * @param submissionId what the opener expects
 * @param envelope the sealed bytes
 * @param epochKeys the epoch keys the opener has; a {@code null} key is a destroyed one, an id not listed too
 * @param plaintext for {@code open}: the opened fields, in envelope order
 * @param destroyedFields for {@code open} and {@code destroyed}: wanted fields whose epoch key is gone
 * @param policy for {@code open} and {@code destroyed}: the policy the envelope carries
 * @param fieldSlots for {@code open} and {@code destroyed}: each field's slot, in envelope order
 */
record EnvelopeV2Vector(String name, String category, String outcome, boolean structural, String submissionId,
    byte[] envelope, List<Key> epochKeys, Map<String, String> plaintext, List<String> destroyedFields,
    Policy policy, Map<String, Integer> fieldSlots) {

  /** An epoch key the opener holds ({@code key == null}: destroyed). */
  record Key(KeySlotId id, byte[] key) {}

  static final JsonFactory JSON = new JsonFactory();

  static void write(List<EnvelopeV2Vector> vectors, Writer w) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("format", "lhn-secure-forms envelope v2");
      g.writeStringField("keys", "epoch keys are SHA-256(\"lsf test epoch key \" + n): published test keys, "
          + "never use them for real data; data keys and nonces come from a deterministic test source");
      g.writeArrayFieldStart("vectors");
      for (EnvelopeV2Vector v : vectors) {
        g.writeStartObject();
        g.writeStringField("name", v.name);
        g.writeStringField("category", v.category);
        g.writeStringField("outcome", v.outcome);
        g.writeBooleanField("structural", v.structural);
        g.writeStringField("submissionId", v.submissionId);
        g.writeStringField("envelope", Base64.getEncoder().encodeToString(v.envelope));
        g.writeArrayFieldStart("epochKeys");
        for (Key k : v.epochKeys) {
          g.writeStartObject();
          writeId(g, k.id());
          g.writeStringField("key", k.key() == null ? null : HexFormat.of().formatHex(k.key()));
          g.writeEndObject();
        }
        g.writeEndArray();
        if (!v.outcome.equals("reject")) {
          g.writeObjectFieldStart("plaintext");
          for (Map.Entry<String, String> e : v.plaintext.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
          }
          g.writeEndObject();
          g.writeArrayFieldStart("destroyedFields");
          for (String f : v.destroyedFields) {
            g.writeString(f);
          }
          g.writeEndArray();
          g.writeObjectFieldStart("fieldSlots");
          for (Map.Entry<String, Integer> e : v.fieldSlots.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
          }
          g.writeEndObject();
          writePolicy(g, v.policy);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static void writeId(JsonGenerator g, KeySlotId id) throws IOException {
    g.writeStringField("tenant", id.tenant());
    g.writeStringField("keyClass", id.keyClass());
    g.writeNumberField("windowStart", id.windowStartMillis());
    g.writeNumberField("windowLength", id.windowLengthMillis());
  }

  private static void writePolicy(JsonGenerator g, Policy p) throws IOException {
    g.writeObjectFieldStart("policy");
    g.writeStringField("formId", p.formId());
    g.writeNumberField("schemaVersion", p.schemaVersion());
    g.writeStringField("conversationRef", Base64.getEncoder().encodeToString(p.conversationRef()));
    g.writeNumberField("submittedAt", p.submittedAtMillis());
    g.writeNumberField("hardDeadline", p.hardDeadlineMillis());
    g.writeNumberField("maxViews", p.maxViews());
    g.writeNumberField("revealWindow", p.revealWindowMillis());
    g.writeNumberField("afterConversationEnd", p.afterConversationEndMillis());
    g.writeStringField("tenant", p.tenant());
    g.writeArrayFieldStart("fields");
    for (Policy.FieldRetention f : p.fields()) {
      g.writeStartObject();
      g.writeStringField("name", f.name());
      g.writeNumberField("maxAge", f.maxAgeMillis());
      g.writeNumberField("afterConversationEnd", f.afterConversationEndMillis());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static List<EnvelopeV2Vector> read(InputStream in) throws IOException {
    List<EnvelopeV2Vector> out = new ArrayList<>();
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

  private static EnvelopeV2Vector readOne(JsonParser p) throws IOException {
    String name = null;
    String category = null;
    String outcome = null;
    String id = null;
    boolean structural = false;
    byte[] env = null;
    List<Key> keys = new ArrayList<>();
    Map<String, String> pt = new LinkedHashMap<>();
    List<String> destroyed = new ArrayList<>();
    Map<String, Integer> fieldSlots = new LinkedHashMap<>();
    Policy policy = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      switch (f) {
        case "name" -> name = p.getText();
        case "category" -> category = p.getText();
        case "outcome" -> outcome = p.getText();
        case "structural" -> structural = p.getBooleanValue();
        case "submissionId" -> id = p.getText();
        case "envelope" -> env = Base64.getDecoder().decode(p.getText());
        case "epochKeys" -> {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            Map<String, String> o = flat(p);
            keys.add(new Key(new KeySlotId(o.get("tenant"), o.get("keyClass"), Long.parseLong(o.get("windowStart")),
                Long.parseLong(o.get("windowLength"))), o.get("key") == null ? null : HexFormat.of().parseHex(o.get("key"))));
          }
        }
        case "plaintext" -> pt.putAll(flat(p));
        case "destroyedFields" -> {
          while (p.nextToken() == JsonToken.VALUE_STRING) {
            destroyed.add(p.getText());
          }
        }
        case "fieldSlots" -> flat(p).forEach((k, v) -> fieldSlots.put(k, Integer.parseInt(v)));
        case "policy" -> policy = readPolicy(p);
        default -> throw new IOException("unknown property " + f);
      }
    }
    return new EnvelopeV2Vector(name, category, outcome, structural, id, env, keys, pt, destroyed, policy, fieldSlots);
  }

  /** An object of scalars (the parser is on its START_OBJECT), values as text, JSON null as null. */
  private static Map<String, String> flat(JsonParser p) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String k = p.currentName();
      JsonToken t = p.nextToken();
      m.put(k, t == JsonToken.VALUE_NULL ? null : p.getText());
    }
    return m;
  }

  private static Policy readPolicy(JsonParser p) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    List<Policy.FieldRetention> fields = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String k = p.currentName();
      p.nextToken();
      if (k.equals("fields")) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          Map<String, String> f = flat(p);
          fields.add(new Policy.FieldRetention(f.get("name"), Long.parseLong(f.get("maxAge")),
              Long.parseLong(f.get("afterConversationEnd"))));
        }
      } else {
        m.put(k, p.getText());
      }
    }
    return new Policy(m.get("formId"), Integer.parseInt(m.get("schemaVersion")),
        Base64.getDecoder().decode(m.get("conversationRef")), Long.parseLong(m.get("submittedAt")),
        Long.parseLong(m.get("hardDeadline")), Integer.parseInt(m.get("maxViews")),
        Long.parseLong(m.get("revealWindow")), Long.parseLong(m.get("afterConversationEnd")), m.get("tenant"), fields);
  }

  @Override
  public String toString() {
    return name;
  }
}
