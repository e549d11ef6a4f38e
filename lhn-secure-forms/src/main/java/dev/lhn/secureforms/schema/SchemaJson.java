package dev.lhn.secureforms.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.lhn.secureforms.retention.RetentionPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The schema's JSON form (documented in docs/SCHEMA.md), with jackson-core's streaming API only. */
final class SchemaJson {
  /** The longest JSON string (a label, an option, a duration...) the parser reads. */
  static final int MAX_STRING_LENGTH = 10_000;
  /** The most digits of a JSON number (only small integers are used). */
  static final int MAX_NUMBER_LENGTH = 20;
  /** The deepest nesting of objects and arrays (a valid schema needs 4). */
  static final int MAX_NESTING_DEPTH = 8;
  /** The longest property name. */
  static final int MAX_NAME_LENGTH = 100;
  /** The largest document: bytes of UTF-8 for a stream, characters for a string. */
  static final int MAX_DOCUMENT_BYTES = 1_000_000;
  /** The most JSON tokens in a document. */
  static final long MAX_TOKEN_COUNT = 100_000;
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxDocumentLength(MAX_DOCUMENT_BYTES)
          .maxNestingDepth(MAX_NESTING_DEPTH)
          .maxStringLength(MAX_STRING_LENGTH)
          .maxNameLength(MAX_NAME_LENGTH)
          .maxNumberLength(MAX_NUMBER_LENGTH)
          .maxTokenCount(MAX_TOKEN_COUNT)
          .build())
      .build();

  private SchemaJson() {}

  static String write(FormSchema s) {
    StringWriter w = new StringWriter(1024);
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("formId", s.formId());
      g.writeNumberField("version", s.version());
      g.writeStringField("title", s.title());
      g.writeObjectFieldStart("reveal");
      g.writeNumberField("maxViews", s.revealPolicy().maxViews());
      writeDuration(g, "windowAfterFirstView", s.revealPolicy().windowAfterFirstView());
      g.writeEndObject();
      writeRetention(g, s.retention());
      g.writeArrayFieldStart("fields");
      for (Field f : s.fields()) {
        writeField(g, f);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void writeField(JsonGenerator g, Field f) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", f.name());
    g.writeStringField("type", f.type().name());
    g.writeStringField("label", f.label());
    g.writeBooleanField("required", f.required());
    g.writeStringField("classification", f.classification().name());
    g.writeStringField("masking", f.masking().name());
    if (f.type().hasConfigurableLength()) {
      g.writeNumberField("maxLength", f.maxLength());
    }
    if (f.min() != null) {
      g.writeStringField("min", f.min().toPlainString());
    }
    if (f.max() != null) {
      g.writeStringField("max", f.max().toPlainString());
    }
    if (f.minDate() != null) {
      g.writeStringField("minDate", f.minDate().toString());
    }
    if (f.maxDate() != null) {
      g.writeStringField("maxDate", f.maxDate().toString());
    }
    if (f.notAfterToday()) {
      g.writeBooleanField("notAfterToday", true);
    }
    if (!f.options().isEmpty()) {
      g.writeArrayFieldStart("options");
      for (String o : f.options()) {
        g.writeString(o);
      }
      g.writeEndArray();
    }
    if (f.type() == FieldType.CARD_NUMBER && f.acceptedBrands().size() != CardBrand.values().length) {
      g.writeArrayFieldStart("acceptedBrands");
      for (CardBrand b : f.acceptedBrands()) {
        g.writeString(b.name());
      }
      g.writeEndArray();
    }
    if (f.defaultCountryCode() != null) {
      g.writeStringField("defaultCountryCode", f.defaultCountryCode());
    }
    if (!f.retention().isNone()) {
      writeRetention(g, f.retention());
    }
    g.writeEndObject();
  }

  private static void writeRetention(JsonGenerator g, RetentionPolicy r) throws IOException {
    g.writeObjectFieldStart("retention");
    writeDuration(g, "maxAge", r.maxAge());
    writeDuration(g, "afterConversationEnd", r.afterConversationEnd());
    g.writeEndObject();
  }

  private static void writeDuration(JsonGenerator g, String name, Duration d) throws IOException {
    if (d != null) {
      g.writeStringField(name, d.toString());
    }
  }

  // ---------------------------------------------------------------- reading

  /** Reads at most {@link #MAX_DOCUMENT_BYTES} + 1 bytes, refuses anything but UTF-8, then parses. */
  static FormSchema read(InputStream in) {
    byte[] bytes;
    try {
      bytes = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
    } catch (IOException | RuntimeException e) {
      throw new InvalidSchemaException("could not read the schema: the input stream failed", e);
    }
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      throw new InvalidSchemaException("the schema is larger than " + MAX_DOCUMENT_BYTES + " bytes");
    }
    return read(decodeUtf8(bytes));
  }

  /**
   * Strict UTF-8: a UTF-8 byte order mark is skipped; UTF-16/UTF-32 (a byte order mark or NUL bytes, which
   * JSON text never contains) and malformed sequences (including encoded surrogates) are refused. Decoding
   * here rather than in the parser means its encoding detection never runs.
   */
  private static String decodeUtf8(byte[] b) {
    int n = b.length;
    if (n >= 4 && ((b[0] == 0 && b[1] == 0 && b[2] == (byte) 0xFE && b[3] == (byte) 0xFF)
        || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE && b[2] == 0 && b[3] == 0))) {
      throw new InvalidSchemaException("the schema must be UTF-8 JSON; found a UTF-32 byte order mark");
    }
    if (n >= 2 && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF) || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE))) {
      throw new InvalidSchemaException("the schema must be UTF-8 JSON; found a UTF-16 byte order mark");
    }
    int start = n >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF ? 3 : 0;
    for (int i = start; i < n; i++) {
      if (b[i] == 0) {
        throw new InvalidSchemaException(
            "the schema must be UTF-8 JSON; found a NUL byte at offset " + i + " (UTF-16 or UTF-32?)");
      }
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b, start, n - start);
    CharBuffer out = CharBuffer.allocate(n - start);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      throw new InvalidSchemaException("the schema must be UTF-8 JSON; invalid UTF-8 at byte offset " + in.position());
    }
    return out.flip().toString();
  }

  /**
   * Parses; throws nothing but {@link InvalidSchemaException}. Parser errors keep their line and column
   * (from the parser's current location when the error has none, as for limit violations) and never
   * name the parser's classes; anything else unexpected is reported as an internal error with its cause.
   */
  static FormSchema read(String json) {
    if (json.length() > MAX_DOCUMENT_BYTES) {
      throw new InvalidSchemaException("the schema is larger than " + MAX_DOCUMENT_BYTES + " characters");
    }
    try (JsonParser p = FACTORY.createParser(json)) {
      try {
        expect(p, p.nextToken(), JsonToken.START_OBJECT, "the document");
        FormSchema s = readSchema(p);
        if (p.nextToken() != null) {
          throw new InvalidSchemaException("unexpected content after the schema object");
        }
        return s;
      } catch (StreamConstraintsException e) {
        throw new InvalidSchemaException(malformed(e, p) + limitMessage(e.getOriginalMessage()));
      } catch (JsonProcessingException e) {
        throw new InvalidSchemaException(malformed(e, p) + sanitize(e.getOriginalMessage()));
      } catch (InvalidSchemaException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new InvalidSchemaException(malformed(null, p).replace("malformed JSON", "internal error reading the schema")
            + "please report this", e);
      }
    } catch (IOException e) {
      // a String source fails only on close, which cannot happen
      throw new InvalidSchemaException("could not read the schema", e);
    }
  }

  private static String malformed(JsonProcessingException e, JsonParser p) {
    JsonLocation at = e == null ? null : e.getLocation();
    if (at == null || at.getLineNr() < 1) {
      at = p.currentLocation();
    }
    return at == null || at.getLineNr() < 1 ? "malformed JSON: "
        : "malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
  }

  private static String limitMessage(String m) {
    String s = m == null ? "" : m;
    if (s.startsWith("String value length")) {
      return "a string is longer than " + MAX_STRING_LENGTH + " characters";
    } else if (s.startsWith("Number value length")) {
      return "a number is longer than " + MAX_NUMBER_LENGTH + " digits";
    } else if (s.startsWith("Document nesting depth")) {
      return "nesting is deeper than " + MAX_NESTING_DEPTH + " levels";
    } else if (s.startsWith("Name length")) {
      return "a property name is longer than " + MAX_NAME_LENGTH + " characters";
    } else if (s.startsWith("Document length")) {
      return "the schema is larger than " + MAX_DOCUMENT_BYTES + " characters";
    } else if (s.startsWith("Token count")) {
      return "the schema has more than " + MAX_TOKEN_COUNT + " tokens";
    }
    return "the schema exceeds a parser limit";
  }

  /** The parser's own message without source excerpts, feature names or anything after a location. */
  private static String sanitize(String m) {
    if (m == null || m.isBlank()) {
      return "syntax error";
    }
    String s = m;
    for (String cut : new String[] {" (start marker at", "\n at [Source", " at [Source", "[Source:", "\n"}) {
      int i = s.indexOf(cut);
      if (i >= 0) {
        s = s.substring(0, i);
      }
    }
    s = s.replaceAll("`[^`]*`", "").replace("`", "");
    if (s.contains("com.fasterxml") || s.toLowerCase(java.util.Locale.ROOT).contains("jackson")) {
      return "syntax error";
    }
    return Field.printable(s, 200);
  }

  private static FormSchema readSchema(JsonParser p) throws IOException {
    String formId = null;
    Integer version = null;
    String title = null;
    RevealPolicy reveal = null;
    RetentionPolicy retention = null;
    List<Field> fields = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "formId" -> formId = string(p, t, name);
        case "version" -> version = integer(p, t, name);
        case "title" -> title = string(p, t, name);
        case "reveal" -> reveal = readReveal(p, t);
        case "retention" -> retention = readRetention(p, t, "retention");
        case "fields" -> fields = readFields(p, t);
        default -> throw new InvalidSchemaException("unknown property '" + Field.printable(name) + "'");
      }
    }
    if (formId == null) {
      throw new InvalidSchemaException("missing property 'formId'");
    }
    if (fields == null) {
      throw new InvalidSchemaException("form '" + formId + "': missing property 'fields'");
    }
    try {
      FormSchema.Builder b = FormSchema.builder(formId);
      if (version != null) {
        b.version(version);
      }
      if (title != null) {
        b.title(title);
      }
      if (reveal != null) {
        b.revealPolicy(reveal);
      }
      if (retention != null) {
        b.retention(retention);
      }
      fields.forEach(b::field);
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw e instanceof InvalidSchemaException ise ? ise : new InvalidSchemaException(e.getMessage());
    }
  }

  private static RevealPolicy readReveal(JsonParser p, JsonToken t) throws IOException {
    expect(p, t, JsonToken.START_OBJECT, "reveal");
    Integer maxViews = null;
    Duration window = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "maxViews" -> maxViews = integer(p, v, "reveal.maxViews");
        case "windowAfterFirstView" -> window = duration(p, v, "reveal.windowAfterFirstView");
        default -> throw new InvalidSchemaException("reveal: unknown property '" + Field.printable(name) + "'");
      }
    }
    try {
      return new RevealPolicy(maxViews == null ? 1 : maxViews, window);
    } catch (IllegalArgumentException e) {
      throw new InvalidSchemaException("reveal: " + e.getMessage());
    }
  }

  private static RetentionPolicy readRetention(JsonParser p, JsonToken t, String where) throws IOException {
    expect(p, t, JsonToken.START_OBJECT, where);
    Duration maxAge = null;
    Duration after = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "maxAge" -> maxAge = duration(p, v, where + ".maxAge");
        case "afterConversationEnd" -> after = duration(p, v, where + ".afterConversationEnd");
        default -> throw new InvalidSchemaException(where + ": unknown property '" + Field.printable(name) + "'");
      }
    }
    try {
      return new RetentionPolicy(maxAge, after);
    } catch (IllegalArgumentException e) {
      throw new InvalidSchemaException(where + ": " + e.getMessage());
    }
  }

  private static List<Field> readFields(JsonParser p, JsonToken t) throws IOException {
    expect(p, t, JsonToken.START_ARRAY, "fields");
    List<Field> fields = new ArrayList<>();
    JsonToken next;
    while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
      String where = "fields[" + fields.size() + "]";
      expect(p, next, JsonToken.START_OBJECT, where);
      fields.add(readField(p, where));
      if (fields.size() > FormSchema.MAX_FIELDS) {
        throw new InvalidSchemaException("fields: at most " + FormSchema.MAX_FIELDS + " fields");
      }
    }
    return fields;
  }

  private static Field readField(JsonParser p, String where) throws IOException {
    String name = null;
    FieldType type = null;
    String label = null;
    Boolean required = null;
    Classification classification = null;
    Masking masking = null;
    Integer maxLength = null;
    BigDecimal min = null;
    BigDecimal max = null;
    LocalDate minDate = null;
    LocalDate maxDate = null;
    boolean notAfterToday = false;
    List<String> options = null;
    List<CardBrand> brands = null;
    String countryCode = null;
    RetentionPolicy retention = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String prop = p.currentName();
      JsonToken v = p.nextToken();
      String at = where + (name == null ? "" : " (" + Field.printable(name) + ")") + "." + Field.printable(prop);
      switch (prop) {
        case "name" -> name = string(p, v, at);
        case "type" -> type = enumValue(FieldType.class, string(p, v, at), at);
        case "label" -> label = string(p, v, at);
        case "required" -> required = bool(p, v, at);
        case "classification" -> classification = enumValue(Classification.class, string(p, v, at), at);
        case "masking" -> masking = masking(string(p, v, at), at);
        case "maxLength" -> maxLength = integer(p, v, at);
        case "min" -> min = decimal(p, v, at);
        case "max" -> max = decimal(p, v, at);
        case "minDate" -> minDate = date(p, v, at);
        case "maxDate" -> maxDate = date(p, v, at);
        case "notAfterToday" -> notAfterToday = bool(p, v, at);
        case "options" -> options = strings(p, v, at);
        case "acceptedBrands" -> brands = strings(p, v, at).stream()
            .map(s -> enumValue(CardBrand.class, s, at)).toList();
        case "defaultCountryCode" -> countryCode = string(p, v, at);
        case "retention" -> retention = readRetention(p, v, at);
        default -> throw new InvalidSchemaException(where + ": unknown property '" + Field.printable(prop) + "'");
      }
    }
    if (name == null) {
      throw new InvalidSchemaException(where + ": missing property 'name'");
    }
    if (type == null) {
      throw new InvalidSchemaException(where + " (" + name + "): missing property 'type'");
    }
    try {
      Field.Builder b = Field.builder(name, type);
      if (label != null) {
        b.label(label);
      }
      if (required != null) {
        b.required(required);
      }
      if (classification != null) {
        b.classification(classification);
      }
      if (masking != null) {
        b.masking(masking);
      }
      if (maxLength != null) {
        b.maxLength(maxLength);
      }
      if (min != null || max != null) {
        b.range(min, max);
      }
      if (minDate != null || maxDate != null) {
        b.between(minDate, maxDate);
      }
      if (notAfterToday) {
        b.notAfterToday();
      }
      if (options != null) {
        b.options(options);
      }
      if (brands != null) {
        b.acceptedBrands(brands.toArray(CardBrand[]::new));
      }
      if (countryCode != null) {
        b.defaultCountryCode(countryCode);
      }
      if (retention != null) {
        b.retention(retention);
      }
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      String prefix = "field '" + name + "': ";
      String m = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
      throw new InvalidSchemaException(where + " (" + Field.printable(name) + "): " + m);
    }
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String where) {
    if (actual != expected) {
      throw new InvalidSchemaException(where + ": expected " + describe(expected) + " but found "
          + describe(actual) + " at line " + p.currentLocation().getLineNr());
    }
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
    };
  }

  private static String string(JsonParser p, JsonToken t, String where) throws IOException {
    expect(p, t, JsonToken.VALUE_STRING, where);
    return p.getText();
  }

  private static int integer(JsonParser p, JsonToken t, String where) throws IOException {
    expect(p, t, JsonToken.VALUE_NUMBER_INT, where);
    if (p.getNumberType() != JsonParser.NumberType.INT) {
      throw new InvalidSchemaException(where + ": number out of range");
    }
    return p.getIntValue();
  }

  private static boolean bool(JsonParser p, JsonToken t, String where) {
    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
      throw new InvalidSchemaException(where + ": expected a boolean but found " + describe(t));
    }
    return t == JsonToken.VALUE_TRUE;
  }

  private static BigDecimal decimal(JsonParser p, JsonToken t, String where) throws IOException {
    String s = string(p, t, where);
    // the submission format, so no exponent can reach BigDecimal (toPlainString on 1e999999999 exhausts memory)
    if (s.length() > 41 || !Normalizer.PLAIN_DECIMAL.matcher(s).matches()) {
      throw new InvalidSchemaException(where + ": '" + Field.printable(s) + "' is not a plain decimal number with at most "
          + Normalizer.MAX_INTEGER_DIGITS + " integer and " + Normalizer.MAX_FRACTION_DIGITS + " fraction digits");
    }
    return new BigDecimal(s);
  }

  private static LocalDate date(JsonParser p, JsonToken t, String where) throws IOException {
    String s = string(p, t, where);
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new InvalidSchemaException(where + ": '" + Field.printable(s) + "' is not an ISO date YYYY-MM-DD");
    }
  }

  private static Duration duration(JsonParser p, JsonToken t, String where) throws IOException {
    String s = string(p, t, where);
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new InvalidSchemaException(
          where + ": '" + Field.printable(s) + "' is not an ISO-8601 duration such as PT1H or P1D");
    }
  }

  private static List<String> strings(JsonParser p, JsonToken t, String where) throws IOException {
    expect(p, t, JsonToken.START_ARRAY, where);
    List<String> out = new ArrayList<>();
    JsonToken v;
    while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
      out.add(string(p, v, where + "[" + out.size() + "]"));
      if (out.size() > Field.MAX_OPTIONS) {
        throw new InvalidSchemaException(where + ": at most " + Field.MAX_OPTIONS + " entries");
      }
    }
    return out;
  }

  /**
   * A masking by its name, or by its earlier name: {@code FULL} (now {@code HIDDEN}) and
   * {@code NONE} (now {@code UNMASKED}) are read until 1.0 and never written.
   */
  private static Masking masking(String s, String where) {
    return switch (s) {
      case "FULL" -> Masking.HIDDEN;
      case "NONE" -> Masking.UNMASKED;
      default -> enumValue(Masking.class, s, where);
    };
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String s, String where) {
    try {
      return Enum.valueOf(type, s);
    } catch (IllegalArgumentException e) {
      throw new InvalidSchemaException(where + ": unknown " + type.getSimpleName() + " '"
          + Field.printable(s) + "'; expected one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }
}
