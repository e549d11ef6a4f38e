package dev.lhn.secureforms.schema;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.Violation;
import dev.lhn.secureforms.retention.RetentionPolicy;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A secure form: its id and version, typed fields, reveal policy and retention. Immutable and
 * thread-safe. Define it in Java with {@link #builder(String)} or load it from JSON with
 * {@link #fromJson(InputStream)} (format in {@code docs/SCHEMA.md}); {@link #toJson()} writes it back
 * exactly.
 *
 * <pre>{@code
 * FormSchema card = FormSchema.builder("card-payment")
 *     .version(1)
 *     .field(Field.text("name").label("Name on card").maxLength(80))
 *     .field(Field.cardNumber("pan"))
 *     .field(Field.cardExpiry("exp"))
 *     .field(Field.cardCvc("cvc").retention(RetentionPolicy.afterConversationEnd(Duration.ZERO)))
 *     .retention(RetentionPolicy.maxAge(Duration.ofHours(24)).andAfterConversationEnd(Duration.ofHours(1)))
 *     .build();
 * }</pre>
 */
public final class FormSchema {
  /** Form ids: a letter or digit, then up to 63 letters, digits, {@code _}, {@code -} or {@code .}. */
  public static final Pattern FORM_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  /** The most fields a form may have. */
  public static final int MAX_FIELDS = 64;
  /** The most bytes (UTF-8) all of a submission's normalised values may have together: 64 KiB. */
  public static final int MAX_TOTAL_BYTES = 64 * 1024;
  /** The largest schema version. */
  public static final int MAX_VERSION = 1_000_000;
  /**
   * Where this jar keeps the JSON Schema (draft 2020-12) of the {@link #fromJson} format, for editors and
   * for checking form files in a build: a document it refuses, {@code fromJson} refuses too. On the class
   * path, {@code ClassLoader.getResource(JSON_SCHEMA_RESOURCE)} finds it; on the module path the package is
   * not open, so read it with {@link #jsonSchema()}.
   */
  public static final String JSON_SCHEMA_RESOURCE = "dev/lhn/secureforms/schema/form-schema.schema.json";

  private final String formId;
  private final int version;
  private final String title;
  private final List<Field> fields;
  private final Map<String, Field> byName;
  private final RevealPolicy revealPolicy;
  private final RetentionPolicy retention;
  private final boolean hasCardNumber;

  private FormSchema(Builder b) {
    this.formId = b.formId;
    this.version = b.version;
    this.title = b.title == null ? b.formId : b.title;
    this.fields = List.copyOf(b.fields);
    Map<String, Field> m = new LinkedHashMap<>();
    for (Field f : fields) {
      m.put(f.name(), f);
    }
    this.byName = Collections.unmodifiableMap(m);
    this.revealPolicy = b.revealPolicy == null ? RevealPolicy.viewOnce() : b.revealPolicy;
    this.retention = b.retention == null ? RetentionPolicy.DEFAULT : b.retention;
    this.hasCardNumber = fields.stream().anyMatch(f -> f.type() == FieldType.CARD_NUMBER);
  }

  /**
   * A builder for the form {@code formId}.
   *
   * @param formId the form's id, stable across versions
   * @return a new builder
   */
  public static Builder builder(String formId) {
    return new Builder(formId);
  }

  /**
   * Reads a schema from JSON in UTF-8 (an initial UTF-8 byte order mark is skipped; UTF-16 and UTF-32 are
   * refused). At most 1,000,000 bytes are read (one more to detect a larger document); the stream is not
   * closed. Limits are listed in {@code docs/SCHEMA.md}.
   *
   * @param json the schema as UTF-8 JSON; read to its end, not closed
   * @return the schema
   * @throws InvalidSchemaException naming the place and the rule when the JSON is malformed, too large, not
   *     UTF-8, the schema breaks a rule, or the stream fails (then with the stream's exception as cause);
   *     no other exception
   * @throws NullPointerException if {@code json} is null, for example from {@code getResourceAsStream}
   *     for a missing resource
   */
  public static FormSchema fromJson(InputStream json) {
    requireNonNull(json, "json input (a null InputStream is what getResourceAsStream returns for a missing resource)");
    return SchemaJson.read(json);
  }

  /**
   * Reads a schema from a JSON string of at most 1,000,000 characters.
   *
   * @param json the schema as JSON text
   * @return the schema
   * @throws InvalidSchemaException as {@link #fromJson(InputStream)}
   */
  public static FormSchema fromJson(String json) {
    requireNonNull(json, "json input");
    return SchemaJson.read(json);
  }

  /**
   * The JSON Schema of the {@link #fromJson} format (the resource {@link #JSON_SCHEMA_RESOURCE}), read
   * from inside this module so that it works on the module path too.
   *
   * @return the JSON Schema document, draft 2020-12
   */
  public static String jsonSchema() {
    try (InputStream in = FormSchema.class.getResourceAsStream("/" + JSON_SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(JSON_SCHEMA_RESOURCE + " is missing from the lhn-secure-forms jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("could not read " + JSON_SCHEMA_RESOURCE, e);
    }
  }

  /**
   * This schema as JSON, every option written out, so that {@code fromJson(toJson())} equals this.
   *
   * @return the JSON text
   */
  public String toJson() {
    return SchemaJson.write(this);
  }

  /** {@return the form's id} */
  public String formId() {
    return formId;
  }

  /** {@return the schema version} */
  public int version() {
    return version;
  }

  /** {@return the form's title, shown to the visitor; the form id unless set} */
  public String title() {
    return title;
  }

  /** {@return the fields in order} */
  public List<Field> fields() {
    return fields;
  }

  /**
   * The field with this name, or {@code null}.
   *
   * @param name a field name
   * @return the field, or {@code null} if the form has none of that name
   */
  public Field field(String name) {
    return byName.get(name);
  }

  /** {@return how often a submission may be revealed} */
  public RevealPolicy revealPolicy() {
    return revealPolicy;
  }

  /** {@return when submissions of this form are purged} */
  public RetentionPolicy retention() {
    return retention;
  }

  /**
   * Validates and normalises a visitor's values. Every violation is reported at once; no message quotes
   * a value. Keys that are not fields of this form are rejected; {@code null} and blank values count as
   * absent.
   *
   * @param values field name to raw input
   * @param now the current time, for expiry and date rules
   * @return the normalised values with their masked previews; the caller closes it
   * @throws InvalidSubmissionException listing every violation
   */
  public NormalizedValues normalize(Map<String, String> values, Instant now) {
    requireNonNull(values, "values");
    requireNonNull(now, "now");
    List<Violation> violations = new ArrayList<>();
    if (values.size() > fields.size() + MAX_FIELDS) {
      violations.add(new Violation("*", "field-count", "submission has " + values.size()
          + " entries; form '" + formId + "' has " + fields.size() + " fields"));
      throw new InvalidSubmissionException(formId, violations);
    }
    for (String key : values.keySet()) {
      if (key == null || !byName.containsKey(key)) {
        boolean printable = key != null && Field.NAME.matcher(key).matches();
        violations.add(new Violation(printable ? key : "?", "unknown-field",
            printable ? "form '" + formId + "' has no field '" + key + "'"
                : "form '" + formId + "' has no field with that name (not a valid field name)"));
      }
    }
    CardBrand brand = null;
    if (hasCardNumber) {
      for (Field f : fields) {
        String raw = values.get(f.name());
        if (f.type() == FieldType.CARD_NUMBER && raw != null && raw.length() <= f.maxLength()) {
          String digits = Normalizer.cardNumber(f, raw, new ArrayList<>());
          brand = digits == null ? null : CardBrand.detect(digits);
        }
      }
    }
    Normalizer.Context ctx = new Normalizer.Context(now, brand);
    List<String> names = new ArrayList<>(fields.size());
    List<byte[]> out = new ArrayList<>(fields.size());
    Map<String, String> preview = new LinkedHashMap<>();
    long total = 0;
    for (Field f : fields) {
      String raw = values.get(f.name());
      if (raw == null || raw.isBlank()) {
        if (f.required()) {
          violations.add(new Violation(f.name(), "required", f.label() + " is required"));
        }
        continue;
      }
      if (raw.length() > f.maxLength()) {
        violations.add(new Violation(f.name(), "max-length",
            f.label() + " must have at most " + f.maxLength() + " characters, got " + raw.length()));
        continue;
      }
      String normalized = Normalizer.normalize(f, raw, ctx, violations);
      if (normalized == null) {
        continue;
      }
      byte[] utf8 = normalized.getBytes(StandardCharsets.UTF_8);
      total += utf8.length;
      names.add(f.name());
      out.add(utf8);
      preview.put(f.name(), Normalizer.mask(f, normalized,
          f.type() == FieldType.CARD_NUMBER ? CardBrand.detect(normalized) : null));
    }
    if (total > MAX_TOTAL_BYTES) {
      violations.add(new Violation("*", "total-size", "submission has " + total
          + " bytes of values; the limit is " + MAX_TOTAL_BYTES));
    }
    if (!violations.isEmpty()) {
      out.forEach(b -> java.util.Arrays.fill(b, (byte) 0));
      throw new InvalidSubmissionException(formId, violations);
    }
    return new NormalizedValues(this, names.toArray(String[]::new), out.toArray(byte[][]::new), preview);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FormSchema s
        && formId.equals(s.formId)
        && version == s.version
        && title.equals(s.title)
        && fields.equals(s.fields)
        && revealPolicy.equals(s.revealPolicy)
        && retention.equals(s.retention);
  }

  @Override
  public int hashCode() {
    return Objects.hash(formId, version, fields);
  }

  @Override
  public String toString() {
    return "FormSchema[" + formId + " v" + version + ", " + fields.size() + " fields]";
  }

  /** Builds a {@link FormSchema}. Each option may be set once; {@link #build()} checks the whole. */
  public static final class Builder {
    private final String formId;
    private int version = 1;
    private boolean versionSet;
    private String title;
    private final List<Field> fields = new ArrayList<>();
    private RevealPolicy revealPolicy;
    private RetentionPolicy retention;

    private Builder(String formId) {
      requireNonNull(formId, "formId");
      if (!FORM_ID.matcher(formId).matches()) {
        throw new IllegalArgumentException("formId '" + Field.printable(formId)
            + "' must be a letter or digit followed by up to 63 letters, digits, '_', '-' or '.'");
      }
      this.formId = formId;
    }

    /**
     * The schema version, 1 (the default) to {@value #MAX_VERSION}; bump it when fields change.
     *
     * @param version the schema version
     * @return this builder
     */
    public Builder version(int version) {
      if (versionSet) {
        throw new IllegalStateException("version was already set to " + this.version);
      }
      if (version < 1 || version > MAX_VERSION) {
        throw new IllegalArgumentException("version must be 1 to " + MAX_VERSION + ", got " + version);
      }
      this.version = version;
      this.versionSet = true;
      return this;
    }

    /**
     * The title shown to the visitor (1 to 200 characters).
     *
     * @param title the title
     * @return this builder
     */
    public Builder title(String title) {
      requireNonNull(title, "title");
      if (this.title != null) {
        throw new IllegalStateException("title was already set to '" + this.title + "'");
      }
      if (title.isBlank() || title.length() > 200) {
        throw new IllegalArgumentException("title must have 1 to 200 characters, got " + title.length());
      }
      String problem = TextSafety.displayProblem(title, "title");
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      this.title = title;
      return this;
    }

    /**
     * Adds the field that {@code field} builds.
     *
     * @param field the field's builder, built here
     * @return this builder
     */
    public Builder field(Field.Builder field) {
      requireNonNull(field, "field");
      return field(field.build());
    }

    /**
     * Adds a field; its name must be new to the form.
     *
     * @param field the field
     * @return this builder
     */
    public Builder field(Field field) {
      requireNonNull(field, "field");
      if (fields.stream().anyMatch(f -> f.name().equals(field.name()))) {
        throw new IllegalArgumentException("form '" + formId + "' already has a field '" + field.name() + "'");
      }
      if (fields.size() == MAX_FIELDS) {
        throw new IllegalArgumentException("form '" + formId + "' may have at most " + MAX_FIELDS + " fields");
      }
      fields.add(field);
      return this;
    }

    /**
     * How often a submission may be revealed; default {@link RevealPolicy#viewOnce()}.
     *
     * @param revealPolicy the reveal policy
     * @return this builder
     */
    public Builder revealPolicy(RevealPolicy revealPolicy) {
      requireNonNull(revealPolicy, "revealPolicy");
      if (this.revealPolicy != null) {
        throw new IllegalStateException("revealPolicy was already set to " + this.revealPolicy);
      }
      this.revealPolicy = revealPolicy;
      return this;
    }

    /**
     * When submissions are purged; default {@link RetentionPolicy#DEFAULT} (24 hours). A max age is required.
     *
     * @param retention the form's retention, with a max age
     * @return this builder
     */
    public Builder retention(RetentionPolicy retention) {
      requireNonNull(retention, "retention");
      if (this.retention != null) {
        throw new IllegalStateException("retention was already set to " + this.retention);
      }
      if (retention.maxAge() == null) {
        throw new IllegalArgumentException("form '" + formId
            + "': retention needs a maxAge; every submission must have a deadline");
      }
      this.retention = retention;
      return this;
    }

    /**
     * Builds the schema. Does not change the builder.
     *
     * @return the schema
     */
    public FormSchema build() {
      if (fields.isEmpty()) {
        throw new IllegalStateException("form '" + formId + "' needs at least one field");
      }
      return new FormSchema(this);
    }
  }
}
