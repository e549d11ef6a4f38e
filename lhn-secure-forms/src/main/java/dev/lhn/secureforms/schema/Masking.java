package dev.lhn.secureforms.schema;

/**
 * How a field appears in the masked preview that {@code status} shows without decrypting. Previews are
 * computed once, at submit time.
 */
public enum Masking {
  /** Card brand and the last four digits, e.g. {@code "Visa ****4242"} (card numbers only). */
  CARD_BRAND_LAST4,
  /** The last four characters, e.g. {@code "***-**-6789"} for an SSN; values under 8 characters are fully masked. */
  LAST4,
  /** Nothing of the value: {@code "****"}. */
  FULL,
  /**
   * The value itself. Allowed only when set explicitly, on a field classified {@link Classification#NONE}
   * whose type allows it ({@link FieldType#allowedMaskings()}); never the default.
   */
  NONE
}
