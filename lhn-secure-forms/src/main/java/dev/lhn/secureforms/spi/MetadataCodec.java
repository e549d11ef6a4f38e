package dev.lhn.secureforms.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.retention.RetentionPolicy;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Text forms of the two maps in {@link SubmissionMetadata}, for stores that keep them in a text column.
 * Both are compact JSON objects; neither ever holds a plaintext value.
 */
public final class MetadataCodec {
  private static final JsonFactory JSON = new JsonFactory();

  private MetadataCodec() {}

  /**
   * {@code {"pan":"Visa ****4242",...}}
   *
   * @param preview masked previews by field name
   * @return the compact JSON object
   */
  public static String encodePreview(Map<String, String> preview) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      for (Map.Entry<String, String> e : preview.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a preview", e);
    }
    return w.toString();
  }

  /**
   * The previews that {@link #encodePreview} wrote, in their order.
   *
   * @param text the JSON object
   * @return the previews by field name
   */
  public static Map<String, String> decodePreview(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(text)) {
      expect(p.nextToken() == JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String k = p.currentName();
        expect(p.nextToken() == JsonToken.VALUE_STRING);
        out.put(k, p.getText());
      }
    } catch (IOException e) {
      throw new StoreException("stored preview is not valid JSON");
    }
    return out;
  }

  /**
   * {@code {"cvc":{"maxAge":"PT1H","afterConversationEnd":"PT0S"}}}
   *
   * @param rules the fields' own retention by field name
   * @return the compact JSON object
   */
  public static String encodeFieldRetention(Map<String, RetentionPolicy> rules) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      for (Map.Entry<String, RetentionPolicy> e : rules.entrySet()) {
        g.writeObjectFieldStart(e.getKey());
        if (e.getValue().maxAge() != null) {
          g.writeStringField("maxAge", e.getValue().maxAge().toString());
        }
        if (e.getValue().afterConversationEnd() != null) {
          g.writeStringField("afterConversationEnd", e.getValue().afterConversationEnd().toString());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode field retention", e);
    }
    return w.toString();
  }

  /**
   * The rules that {@link #encodeFieldRetention} wrote, in their order.
   *
   * @param text the JSON object
   * @return the fields' own retention by field name
   */
  public static Map<String, RetentionPolicy> decodeFieldRetention(String text) {
    Map<String, RetentionPolicy> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(text)) {
      expect(p.nextToken() == JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String k = p.currentName();
        expect(p.nextToken() == JsonToken.START_OBJECT);
        Duration maxAge = null;
        Duration after = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String prop = p.currentName();
          expect(p.nextToken() == JsonToken.VALUE_STRING);
          if (prop.equals("maxAge")) {
            maxAge = Duration.parse(p.getText());
          } else if (prop.equals("afterConversationEnd")) {
            after = Duration.parse(p.getText());
          } else {
            expect(false);
          }
        }
        out.put(k, new RetentionPolicy(maxAge, after));
      }
    } catch (IOException | RuntimeException e) {
      throw new StoreException("stored field retention is not valid");
    }
    return out;
  }

  private static void expect(boolean ok) throws IOException {
    if (!ok) {
      throw new IOException("unexpected token");
    }
  }
}
