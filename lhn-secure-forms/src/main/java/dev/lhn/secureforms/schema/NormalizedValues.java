package dev.lhn.secureforms.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A submission's values after validation and normalisation, as UTF-8 bytes in schema order, with the
 * masked preview computed from them. Holds plaintext: {@link #toString()} is redacted, and {@link #close()}
 * wipes the arrays. Produced by {@link FormSchema#normalize}; the library seals it and closes it.
 */
public final class NormalizedValues implements AutoCloseable {
  private final FormSchema schema;
  private final String[] names;
  private final byte[][] values;
  private final Map<String, String> preview;
  private boolean closed;

  NormalizedValues(FormSchema schema, String[] names, byte[][] values, Map<String, String> preview) {
    this.schema = schema;
    this.names = names;
    this.values = values;
    this.preview = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(preview));
  }

  /** {@return the schema the values were validated against} */
  public FormSchema schema() {
    return schema;
  }

  /**
   * How many fields have a value (optional fields left empty are absent).
   *
   * @return the number of present fields
   */
  public int size() {
    return names.length;
  }

  /**
   * The name of the {@code i}th present field, in schema order.
   *
   * @param i 0 to {@code size() - 1}
   * @return the field's name
   */
  public String name(int i) {
    return names[i];
  }

  /**
   * The {@code i}th value as UTF-8, <em>not</em> a copy: the caller must not keep or change it.
   *
   * @param i 0 to {@code size() - 1}
   * @return the value's UTF-8 bytes
   * @throws IllegalStateException after {@link #close()}
   */
  public byte[] valueUtf8(int i) {
    if (closed) {
      throw new IllegalStateException("NormalizedValues is closed");
    }
    return values[i];
  }

  /**
   * The {@code i}th value as a string (a copy the garbage collector must reclaim; prefer {@link #valueUtf8}).
   *
   * @param i 0 to {@code size() - 1}
   * @return the value
   */
  public String value(int i) {
    return new String(valueUtf8(i), StandardCharsets.UTF_8);
  }

  /**
   * Masked previews by field name, in form order, computed from the schema's masking rules; safe to show and store.
   *
   * @return the previews, unmodifiable
   */
  public Map<String, String> preview() {
    return preview;
  }

  /** Wipes every value. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      for (byte[] v : values) {
        Arrays.fill(v, (byte) 0);
      }
    }
  }

  @Override
  public String toString() {
    return "NormalizedValues[form=" + schema.formId() + ", fields=" + Arrays.toString(names)
        + ", values=<redacted>]";
  }
}
