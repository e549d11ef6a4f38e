package dev.lhn.secureforms.schema;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The type of a form field: how its value is normalised and validated, and its default classification,
 * masking and maximum length.
 */
public enum FieldType {
  /** Payment card number: spaces and dashes stripped, 12 to 19 digits, Luhn, brand and the brand's lengths. */
  CARD_NUMBER(Classification.PCI_PAN, Classification.PCI_PAN, Masking.CARD_BRAND_LAST4, 23,
      Masking.CARD_BRAND_LAST4, Masking.HIDDEN),
  /** Card expiry {@code MM/YY} or {@code MM/YYYY}, not before the current month; normalised to {@code MM/YYYY}. */
  CARD_EXPIRY(Classification.PCI_PAN, Classification.PCI_PAN, Masking.HIDDEN, 9, Masking.HIDDEN),
  /** Card verification code: 3 digits, 4 for Amex when the form has a card number. */
  CARD_CVC(Classification.PCI_SAD, Classification.PCI_SAD, Masking.HIDDEN, 8, Masking.HIDDEN),
  /** US social security number; normalised to {@code AAA-GG-SSSS}. */
  US_SSN(Classification.PII, Classification.PII, Masking.LAST4, 11, Masking.LAST4, Masking.HIDDEN),
  /** ISO date {@code YYYY-MM-DD} with optional bounds. */
  DATE(Classification.PII, Classification.NONE, Masking.HIDDEN, 10, Masking.LAST4, Masking.HIDDEN, Masking.UNMASKED),
  /** E-mail address; the domain is lower-cased. */
  EMAIL(Classification.PII, Classification.NONE, Masking.HIDDEN, 254, Masking.LAST4, Masking.HIDDEN, Masking.UNMASKED),
  /** Phone number, normalised to E.164 ({@code +15551234567}). */
  PHONE(Classification.PII, Classification.NONE, Masking.LAST4, 32, Masking.LAST4, Masking.HIDDEN, Masking.UNMASKED),
  /** Decimal number with optional bounds. */
  NUMBER(Classification.PII, Classification.NONE, Masking.HIDDEN, 40, Masking.LAST4, Masking.HIDDEN, Masking.UNMASKED),
  /** One of a fixed list of options. */
  CHOICE(Classification.PII, Classification.NONE, Masking.HIDDEN, 200, Masking.LAST4, Masking.HIDDEN, Masking.UNMASKED),
  /** One line of text. */
  TEXT(Classification.PII, Classification.NONE, Masking.HIDDEN, 200, Masking.LAST4, Masking.HIDDEN, Masking.UNMASKED),
  /** Several lines of text. */
  MULTILINE(Classification.PII, Classification.NONE, Masking.HIDDEN, 4000, Masking.LAST4, Masking.HIDDEN, Masking.UNMASKED);

  private final Classification defaultClassification;
  private final Classification classificationFloor;
  private final Set<Classification> allowedClassifications;
  private final Masking defaultMasking;
  private final Set<Masking> allowedMaskings;
  private final int defaultMaxLength;

  FieldType(Classification defaultClassification, Classification classificationFloor, Masking defaultMasking,
      int defaultMaxLength, Masking... allowedMaskings) {
    this.defaultClassification = defaultClassification;
    this.classificationFloor = classificationFloor;
    EnumSet<Classification> allowed = EnumSet.noneOf(Classification.class);
    for (Classification c : Classification.values()) {
      if (c.isAtLeast(classificationFloor)) {
        allowed.add(c);
      }
    }
    this.allowedClassifications = Collections.unmodifiableSet(allowed);
    this.defaultMasking = defaultMasking;
    this.allowedMaskings = Collections.unmodifiableSet(EnumSet.copyOf(List.of(allowedMaskings)));
    this.defaultMaxLength = defaultMaxLength;
  }

  /**
   * The least a field of this type may be classified: {@code PCI_PAN} for card numbers and expiry dates
   * (cardholder data), {@code PCI_SAD} for card codes, {@code PII} for social security numbers and
   * {@code NONE} (no floor) for the other types. See {@link Classification#isAtLeast}.
   *
   * @return the floor
   */
  public Classification classificationFloor() {
    return classificationFloor;
  }

  /**
   * The classifications at least {@link #classificationFloor()}: the only ones a field of this type accepts.
   *
   * @return the allowed classifications
   */
  public Set<Classification> allowedClassifications() {
    return allowedClassifications;
  }

  /**
   * The maskings a field of this type accepts: card numbers {@code CARD_BRAND_LAST4} or {@code HIDDEN},
   * card expiry and card code {@code HIDDEN}, SSNs {@code LAST4} or {@code HIDDEN}; other types
   * {@code LAST4}, {@code HIDDEN} or {@code UNMASKED} ({@code UNMASKED} only together with classification
   * {@code NONE}).
   *
   * @return the allowed maskings
   */
  public Set<Masking> allowedMaskings() {
    return allowedMaskings;
  }

  /**
   * {@return the classification a field of this type has unless the schema says otherwise (sensitive by default)}
   */
  public Classification defaultClassification() {
    return defaultClassification;
  }

  /**
   * {@return the masking a field of this type has unless the schema says otherwise, whatever its classification}
   */
  public Masking defaultMasking() {
    return defaultMasking;
  }

  /** {@return the maximum input length in characters unless the schema says otherwise} */
  public int defaultMaxLength() {
    return defaultMaxLength;
  }

  /** Whether {@link Field.Builder#maxLength(int)} may change the maximum (free-text types only). */
  boolean hasConfigurableLength() {
    return this == TEXT || this == MULTILINE;
  }
}
