package dev.lhn.secureforms.schema;

/**
 * The type of a form field: how its value is normalised and validated, and its default classification,
 * masking and maximum length.
 */
public enum FieldType {
  /** Payment card number: spaces and dashes stripped, 12 to 19 digits, Luhn, brand and the brand's lengths. */
  CARD_NUMBER(Classification.PCI_PAN, Masking.CARD_BRAND_LAST4, 23),
  /** Card expiry {@code MM/YY} or {@code MM/YYYY}, not before the current month; normalised to {@code MM/YYYY}. */
  CARD_EXPIRY(Classification.PCI_PAN, Masking.FULL, 9),
  /** Card verification code: 3 digits, 4 for Amex when the form has a card number. */
  CARD_CVC(Classification.PCI_SAD, Masking.FULL, 8),
  /** US social security number; normalised to {@code AAA-GG-SSSS}. */
  US_SSN(Classification.PII, Masking.LAST4, 11),
  /** ISO date {@code YYYY-MM-DD} with optional bounds. */
  DATE(Classification.PII, Masking.FULL, 10),
  /** E-mail address; the domain is lower-cased. */
  EMAIL(Classification.PII, Masking.FULL, 254),
  /** Phone number, normalised to E.164 ({@code +15551234567}). */
  PHONE(Classification.PII, Masking.LAST4, 32),
  /** Decimal number with optional bounds. */
  NUMBER(Classification.PII, Masking.FULL, 40),
  /** One of a fixed list of options. */
  CHOICE(Classification.PII, Masking.FULL, 200),
  /** One line of text. */
  TEXT(Classification.PII, Masking.FULL, 200),
  /** Several lines of text. */
  MULTILINE(Classification.PII, Masking.FULL, 4000);

  private final Classification defaultClassification;
  private final Masking defaultMasking;
  private final int defaultMaxLength;

  FieldType(Classification defaultClassification, Masking defaultMasking, int defaultMaxLength) {
    this.defaultClassification = defaultClassification;
    this.defaultMasking = defaultMasking;
    this.defaultMaxLength = defaultMaxLength;
  }

  /** The classification a field of this type has unless the schema says otherwise (sensitive by default). */
  public Classification defaultClassification() {
    return defaultClassification;
  }

  /** The masking a field of this type has unless the schema says otherwise. */
  public Masking defaultMasking() {
    return defaultMasking;
  }

  /** The maximum input length in characters unless the schema says otherwise. */
  public int defaultMaxLength() {
    return defaultMaxLength;
  }

  /** Whether {@link Field.Builder#maxLength(int)} may change the maximum (free-text types only). */
  boolean hasConfigurableLength() {
    return this == TEXT || this == MULTILINE;
  }
}
