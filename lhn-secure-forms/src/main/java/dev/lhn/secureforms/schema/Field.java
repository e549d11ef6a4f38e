package dev.lhn.secureforms.schema;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.retention.RetentionPolicy;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One field of a {@link FormSchema}: name, type, whether it is required, classification, masking and the
 * type's constraints. Immutable; built with {@link #builder(String, FieldType)} or the per-type shortcuts
 * such as {@link #cardNumber(String)}.
 *
 * <pre>{@code
 * Field.text("name").label("Name on card").maxLength(80)
 * Field.date("birthDate").classification(Classification.PHI).notAfterToday()
 * Field.cardCvc("cvc").retention(RetentionPolicy.afterConversationEnd(Duration.ZERO))
 * }</pre>
 */
public final class Field {
  /** Field names: an ASCII letter, then up to 63 letters, digits, {@code _}, {@code -} or {@code .}. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
  /** The most characters any field accepts, whatever its type. */
  public static final int MAX_LENGTH_LIMIT = 16_384;
  /** The most options a {@link FieldType#CHOICE} field may list. */
  public static final int MAX_OPTIONS = 200;

  private final String name;
  private final FieldType type;
  private final String label;
  private final boolean required;
  private final Classification classification;
  private final Masking masking;
  private final int maxLength;
  private final BigDecimal min;
  private final BigDecimal max;
  private final LocalDate minDate;
  private final LocalDate maxDate;
  private final boolean notAfterToday;
  private final List<String> options;
  private final Set<CardBrand> acceptedBrands;
  private final String defaultCountryCode;
  private final RetentionPolicy retention;

  private Field(Builder b) {
    this.name = b.name;
    this.type = b.type;
    this.label = b.label == null ? b.name : b.label;
    this.required = b.required;
    this.classification = b.classification == null ? b.type.defaultClassification() : b.classification;
    this.masking = b.masking == null ? b.type.defaultMasking() : b.masking;
    this.maxLength = b.maxLength == 0 ? b.type.defaultMaxLength() : b.maxLength;
    this.min = b.min;
    this.max = b.max;
    this.minDate = b.minDate;
    this.maxDate = b.maxDate;
    this.notAfterToday = b.notAfterToday;
    this.options = List.copyOf(b.options);
    this.acceptedBrands = b.acceptedBrands.isEmpty()
        ? Collections.unmodifiableSet(EnumSet.allOf(CardBrand.class))
        : Collections.unmodifiableSet(EnumSet.copyOf(b.acceptedBrands));
    this.defaultCountryCode = b.defaultCountryCode;
    this.retention = b.retention == null ? RetentionPolicy.none() : b.retention;
  }

  /**
   * A builder for a field of any type.
   *
   * @param name the field's name, unique in its form
   * @param type the field's type
   * @return a new builder
   */
  public static Builder builder(String name, FieldType type) {
    return new Builder(name, type);
  }

  /**
   * A card number ({@link FieldType#CARD_NUMBER}).
   *
   * @param name the field's name
   * @return a new builder
   */
  public static Builder cardNumber(String name) {
    return builder(name, FieldType.CARD_NUMBER);
  }

  /**
   * A card expiry ({@link FieldType#CARD_EXPIRY}).
   *
   * @param name the field's name
   * @return a new builder
   */
  public static Builder cardExpiry(String name) {
    return builder(name, FieldType.CARD_EXPIRY);
  }

  /**
   * A card code ({@link FieldType#CARD_CVC}).
   *
   * @param name the field's name
   * @return a new builder
   */
  public static Builder cardCvc(String name) {
    return builder(name, FieldType.CARD_CVC);
  }

  /**
   * A US social security number ({@link FieldType#US_SSN}).
   *
   * @param name the field's name
   * @return a new builder
   */
  public static Builder usSsn(String name) {
    return builder(name, FieldType.US_SSN);
  }

  /**
   * A date ({@link FieldType#DATE}).
   *
   * @param name the field's name
   * @return a new builder
   */
  public static Builder date(String name) {
    return builder(name, FieldType.DATE);
  }

  /**
   * An e-mail address ({@link FieldType#EMAIL}).
   *
   * @param name the field's name
   * @return a new builder
   */
  public static Builder email(String name) {
    return builder(name, FieldType.EMAIL);
  }

  /**
   * A phone number ({@link FieldType#PHONE}).
   *
   * @param name the field's name
   * @return a new builder
   */
  public static Builder phone(String name) {
    return builder(name, FieldType.PHONE);
  }

  /**
   * A number ({@link FieldType#NUMBER}).
   *
   * @param name the field's name
   * @return a new builder
   */
  public static Builder number(String name) {
    return builder(name, FieldType.NUMBER);
  }

  /**
   * A choice among {@code options} ({@link FieldType#CHOICE}).
   *
   * @param name the field's name
   * @param options the allowed values, as {@link Builder#options(String...)}
   * @return a new builder
   */
  public static Builder choice(String name, String... options) {
    return builder(name, FieldType.CHOICE).options(options);
  }

  /**
   * One line of text ({@link FieldType#TEXT}).
   *
   * @param name the field's name
   * @return a new builder
   */
  public static Builder text(String name) {
    return builder(name, FieldType.TEXT);
  }

  /**
   * Several lines of text ({@link FieldType#MULTILINE}).
   *
   * @param name the field's name
   * @return a new builder
   */
  public static Builder multiline(String name) {
    return builder(name, FieldType.MULTILINE);
  }

  /** {@return the field's name, unique in its form} */
  public String name() {
    return name;
  }

  /** {@return the field's type} */
  public FieldType type() {
    return type;
  }

  /**
   * The label shown to the visitor; the field name unless set.
   *
   * @return the label
   */
  public String label() {
    return label;
  }

  /** {@return whether the visitor must fill the field in (the default)} */
  public boolean required() {
    return required;
  }

  /** {@return the field's classification, at least its type's floor} */
  public Classification classification() {
    return classification;
  }

  /** {@return how the field's preview is masked} */
  public Masking masking() {
    return masking;
  }

  /** {@return the most characters the raw input may have} */
  public int maxLength() {
    return maxLength;
  }

  /**
   * {@link FieldType#NUMBER}: the smallest allowed value, or {@code null}.
   *
   * @return the minimum, or {@code null}
   */
  public BigDecimal min() {
    return min;
  }

  /**
   * {@link FieldType#NUMBER}: the largest allowed value, or {@code null}.
   *
   * @return the maximum, or {@code null}
   */
  public BigDecimal max() {
    return max;
  }

  /**
   * {@link FieldType#DATE}: the earliest allowed date, or {@code null}.
   *
   * @return the earliest date, or {@code null}
   */
  public LocalDate minDate() {
    return minDate;
  }

  /**
   * {@link FieldType#DATE}: the latest allowed date, or {@code null}.
   *
   * @return the latest date, or {@code null}
   */
  public LocalDate maxDate() {
    return maxDate;
  }

  /**
   * {@link FieldType#DATE}: whether dates after today (UTC, by the injected clock) are rejected.
   *
   * @return {@code true} if future dates are rejected
   */
  public boolean notAfterToday() {
    return notAfterToday;
  }

  /**
   * {@link FieldType#CHOICE}: the allowed values, in order; empty for other types.
   *
   * @return the options, unmodifiable
   */
  public List<String> options() {
    return options;
  }

  /**
   * {@link FieldType#CARD_NUMBER}: the brands accepted (all by default).
   *
   * @return the brands, unmodifiable
   */
  public Set<CardBrand> acceptedBrands() {
    return acceptedBrands;
  }

  /**
   * {@link FieldType#PHONE}: the country calling code assumed when the number has no {@code +}, or {@code null}.
   *
   * @return the calling code, or {@code null}
   */
  public String defaultCountryCode() {
    return defaultCountryCode;
  }

  /**
   * This field's own retention, {@link RetentionPolicy#none()} when it follows its submission.
   *
   * @return the field's retention
   */
  public RetentionPolicy retention() {
    return retention;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Field f
        && name.equals(f.name)
        && type == f.type
        && label.equals(f.label)
        && required == f.required
        && classification == f.classification
        && masking == f.masking
        && maxLength == f.maxLength
        && Objects.equals(min, f.min)
        && Objects.equals(max, f.max)
        && Objects.equals(minDate, f.minDate)
        && Objects.equals(maxDate, f.maxDate)
        && notAfterToday == f.notAfterToday
        && options.equals(f.options)
        && acceptedBrands.equals(f.acceptedBrands)
        && Objects.equals(defaultCountryCode, f.defaultCountryCode)
        && retention.equals(f.retention);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, label, required, classification, masking, maxLength);
  }

  @Override
  public String toString() {
    return "Field[" + name + ", " + type + (required ? "" : ", optional") + ", " + classification
        + ", " + masking + "]";
  }

  /** Builds a {@link Field}; each option may be set once, and {@link FormSchema.Builder} builds it. */
  public static final class Builder {
    private final String name;
    private final FieldType type;
    private String label;
    private boolean required = true;
    private boolean requiredSet;
    private Classification classification;
    private Masking masking;
    private int maxLength;
    private BigDecimal min;
    private BigDecimal max;
    private LocalDate minDate;
    private LocalDate maxDate;
    private boolean notAfterToday;
    private final List<String> options = new ArrayList<>();
    private final Set<CardBrand> acceptedBrands = new LinkedHashSet<>();
    private String defaultCountryCode;
    private RetentionPolicy retention;

    private Builder(String name, FieldType type) {
      requireNonNull(name, "name");
      requireNonNull(type, "type");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("field name '" + printable(name)
            + "' must be an ASCII letter followed by up to 63 letters, digits, '_', '-' or '.'");
      }
      this.name = name;
      this.type = type;
    }

    /**
     * The label shown to the visitor (1 to 200 characters).
     *
     * @param label 1 to 200 characters
     * @return this builder
     */
    public Builder label(String label) {
      requireNonNull(label, "label");
      once(this.label, "label");
      if (label.isBlank() || label.length() > 200) {
        throw new IllegalArgumentException(
            "field '" + name + "': label must have 1 to 200 characters, got " + label.length());
      }
      String problem = TextSafety.displayProblem(label, "label");
      if (problem != null) {
        throw new IllegalArgumentException("field '" + name + "': " + problem);
      }
      this.label = label;
      return this;
    }

    /**
     * The field may be left empty.
     *
     * @return this builder
     */
    public Builder optional() {
      return required(false);
    }

    /**
     * Whether the visitor must fill the field in; default {@code true}. Settable once.
     *
     * @param required {@code false} for an optional field
     * @return this builder
     */
    public Builder required(boolean required) {
      if (requiredSet) {
        throw new IllegalStateException("field '" + name + "': required was already set to " + this.required);
      }
      this.required = required;
      this.requiredSet = true;
      return this;
    }

    /**
     * The field's classification; it must be at least the type's floor
     * ({@link FieldType#classificationFloor()}), so a card number can never be declared {@code NONE}.
     *
     * @param classification the classification
     * @return this builder
     */
    public Builder classification(Classification classification) {
      requireNonNull(classification, "classification");
      once(this.classification, "classification");
      checkClassification(classification);
      this.classification = classification;
      return this;
    }

    /**
     * The field's masking; it must be one of the type's {@link FieldType#allowedMaskings()}. Without it
     * the type's default applies, whatever the classification; {@code UNMASKED} must always be explicit.
     *
     * @param masking the masking
     * @return this builder
     */
    public Builder masking(Masking masking) {
      requireNonNull(masking, "masking");
      once(this.masking, "masking");
      checkMasking(masking);
      this.masking = masking;
      return this;
    }

    private void checkClassification(Classification c) {
      if (!type.allowedClassifications().contains(c)) {
        throw new IllegalArgumentException("field '" + name + "': classification " + c + " does not meet the "
            + type + " floor " + type.classificationFloor() + "; allowed: " + type.allowedClassifications());
      }
    }

    private void checkMasking(Masking m) {
      if (m == Masking.CARD_BRAND_LAST4 && type != FieldType.CARD_NUMBER) {
        throw new IllegalArgumentException(
            "field '" + name + "': masking CARD_BRAND_LAST4 applies to CARD_NUMBER, not " + type);
      }
      if (!type.allowedMaskings().contains(m)) {
        throw new IllegalArgumentException("field '" + name + "': masking " + m + " is not allowed for "
            + type + "; allowed: " + type.allowedMaskings());
      }
    }

    /**
     * The most characters the input may have ({@code TEXT} and {@code MULTILINE} only).
     *
     * @param maxLength the maximum length in characters
     * @return this builder
     */
    public Builder maxLength(int maxLength) {
      if (this.maxLength != 0) {
        throw new IllegalStateException(
            "field '" + name + "': maxLength was already set to " + this.maxLength);
      }
      if (!type.hasConfigurableLength()) {
        throw new IllegalArgumentException(
            "field '" + name + "': maxLength applies to TEXT and MULTILINE, not " + type);
      }
      if (maxLength < 1 || maxLength > MAX_LENGTH_LIMIT) {
        throw new IllegalArgumentException("field '" + name + "': maxLength must be 1 to "
            + MAX_LENGTH_LIMIT + ", got " + maxLength);
      }
      this.maxLength = maxLength;
      return this;
    }

    /**
     * Inclusive bounds for a {@code NUMBER}; either may be {@code null}. Each has at most 30 integer and 9
     * fraction digits, like the values a visitor may submit; a negative scale ({@code 1E+3}) is kept as the
     * plain number ({@code 1000}).
     *
     * @param min the smallest allowed value, or {@code null}
     * @param max the largest allowed value, or {@code null}
     * @return this builder
     */
    public Builder range(BigDecimal min, BigDecimal max) {
      requireType(FieldType.NUMBER, "range");
      once(this.min, "range");
      once(this.max, "range");
      min = bound(min, "min");
      max = bound(max, "max");
      if (min != null && max != null && min.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            "field '" + name + "': range min " + min.toPlainString() + " is greater than max " + max.toPlainString());
      }
      this.min = min;
      this.max = max;
      return this;
    }

    private BigDecimal bound(BigDecimal v, String which) {
      if (v == null) {
        return null;
      }
      // precision and scale are O(1) for these checks; toPlainString() on 1e999999999 would not be
      long integerDigits = (long) v.precision() - v.scale();
      if (v.scale() > Normalizer.MAX_FRACTION_DIGITS || integerDigits > Normalizer.MAX_INTEGER_DIGITS) {
        throw new IllegalArgumentException("field '" + name + "': range " + which + " must have at most "
            + Normalizer.MAX_INTEGER_DIGITS + " integer and " + Normalizer.MAX_FRACTION_DIGITS + " fraction digits");
      }
      return v.scale() < 0 ? v.setScale(0) : v;
    }

    /**
     * Inclusive bounds for a {@code DATE}; either may be {@code null}.
     *
     * @param minDate the earliest allowed date, or {@code null}
     * @param maxDate the latest allowed date, or {@code null}
     * @return this builder
     */
    public Builder between(LocalDate minDate, LocalDate maxDate) {
      requireType(FieldType.DATE, "between");
      once(this.minDate, "between");
      once(this.maxDate, "between");
      if (minDate != null && maxDate != null && minDate.isAfter(maxDate)) {
        throw new IllegalArgumentException(
            "field '" + name + "': between min " + minDate + " is after max " + maxDate);
      }
      this.minDate = minDate;
      this.maxDate = maxDate;
      return this;
    }

    /**
     * A {@code DATE} not after today, by the injected clock in UTC (a birth date, say).
     *
     * @return this builder
     */
    public Builder notAfterToday() {
      requireType(FieldType.DATE, "notAfterToday");
      if (notAfterToday) {
        throw new IllegalStateException("field '" + name + "': notAfterToday was already set");
      }
      this.notAfterToday = true;
      return this;
    }

    /**
     * The options of a {@code CHOICE}: 1 to 200 distinct, non-blank strings of at most 200 characters.
     *
     * @param options the options, in display order
     * @return this builder
     */
    public Builder options(String... options) {
      requireNonNull(options, "options");
      return options(List.of(options));
    }

    /**
     * The options of a {@code CHOICE}, as {@link #options(String...)}.
     *
     * @param options the options, in display order
     * @return this builder
     */
    public Builder options(List<String> options) {
      requireNonNull(options, "options");
      requireType(FieldType.CHOICE, "options");
      if (!this.options.isEmpty()) {
        throw new IllegalStateException("field '" + name + "': options were already set");
      }
      if (options.isEmpty() || options.size() > MAX_OPTIONS) {
        throw new IllegalArgumentException(
            "field '" + name + "': a CHOICE needs 1 to " + MAX_OPTIONS + " options, got " + options.size());
      }
      Set<String> seen = new LinkedHashSet<>();
      int n = 0;
      for (String o : options) {
        requireNonNull(o, "option");
        n++;
        if (o.isBlank() || o.length() > 200) {
          throw new IllegalArgumentException(
              "field '" + name + "': options must have 1 to 200 characters and not be blank");
        }
        String problem = TextSafety.displayProblem(o, "option " + n);
        if (problem != null) {
          throw new IllegalArgumentException("field '" + name + "': " + problem);
        }
        if (!o.strip().equals(o)) {
          throw new IllegalArgumentException("field '" + name + "': option " + n
              + " has leading or trailing white space; input is trimmed, so it could never be chosen");
        }
        if (!seen.add(o)) {
          throw new IllegalArgumentException("field '" + name + "': option '" + printable(o) + "' is listed twice");
        }
      }
      this.options.addAll(options);
      return this;
    }

    /**
     * The brands a {@code CARD_NUMBER} accepts (default: all, including {@link CardBrand#OTHER}).
     *
     * @param brands the accepted brands, at least one
     * @return this builder
     */
    public Builder acceptedBrands(CardBrand... brands) {
      requireNonNull(brands, "brands");
      requireType(FieldType.CARD_NUMBER, "acceptedBrands");
      if (!acceptedBrands.isEmpty()) {
        throw new IllegalStateException("field '" + name + "': acceptedBrands were already set");
      }
      if (brands.length == 0) {
        throw new IllegalArgumentException("field '" + name + "': acceptedBrands needs at least one brand");
      }
      for (CardBrand b : brands) {
        acceptedBrands.add(requireNonNull(b, "brand"));
      }
      return this;
    }

    /**
     * The country calling code (1 to 3 digits, e.g. {@code "1"}) a {@code PHONE} assumes without a {@code +}.
     *
     * @param code the calling code, digits only
     * @return this builder
     */
    public Builder defaultCountryCode(String code) {
      requireNonNull(code, "code");
      requireType(FieldType.PHONE, "defaultCountryCode");
      once(this.defaultCountryCode, "defaultCountryCode");
      if (!code.matches("[1-9][0-9]{0,2}")) {
        throw new IllegalArgumentException(
            "field '" + name + "': defaultCountryCode must be 1 to 3 digits not starting with 0, got '"
                + printable(code) + "'");
      }
      this.defaultCountryCode = code;
      return this;
    }

    /**
     * This field's own retention, e.g. the card code purged the moment the conversation ends.
     *
     * @param retention the field's retention
     * @return this builder
     */
    public Builder retention(RetentionPolicy retention) {
      requireNonNull(retention, "retention");
      once(this.retention, "retention");
      this.retention = retention;
      return this;
    }

    String name() {
      return name;
    }

    /**
     * Builds the field. Does not change the builder.
     *
     * @return the field
     */
    public Field build() {
      Classification c = classification == null ? type.defaultClassification() : classification;
      Masking m = masking == null ? type.defaultMasking() : masking;
      checkClassification(c);
      checkMasking(m);
      if (m == Masking.UNMASKED && c != Classification.NONE) {
        throw new IllegalArgumentException("field '" + name + "': masking UNMASKED would show " + c
            + " data in status views; it is allowed only for classification NONE");
      }
      if (type == FieldType.CHOICE && options.isEmpty()) {
        throw new IllegalArgumentException("field '" + name + "': a CHOICE needs options");
      }
      return new Field(this);
    }

    private void requireType(FieldType expected, String option) {
      if (type != expected) {
        throw new IllegalArgumentException(
            "field '" + name + "': " + option + " applies to " + expected + ", not " + type);
      }
    }

    private void once(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(
            "field '" + name + "': " + option + " was already set to " + current);
      }
    }
  }

  static String printable(String s) {
    return printable(s, 64);
  }

  static String printable(String s, int max) {
    String t = s.length() > max ? s.substring(0, max) + "..." : s;
    StringBuilder out = new StringBuilder(t.length());
    // controls, separators, bidi controls and unpaired surrogates never reach a message as themselves
    t.codePoints().forEach(cp -> out.append(Character.isISOControl(cp) || TextSafety.isLineBreak(cp)
        || TextSafety.isBidiControl(cp) || Character.isSurrogate((char) cp) && cp <= 0xFFFF
        ? "?" : new String(Character.toChars(cp))));
    return out.toString();
  }
}
