package dev.lhn.secureforms.schema;

/**
 * How a field appears in the masked preview that {@code status} shows without decrypting: each name says
 * what the preview shows. Previews are computed once, at submit time.
 *
 * <p>In JSON, {@code fromJson} also reads the earlier names, {@code "FULL"} for {@link #HIDDEN}
 * and {@code "NONE"} for {@link #UNMASKED}, until 1.0; {@code toJson} never writes them.
 */
public enum Masking {
  /** Card brand and the last four digits, e.g. {@code "Visa ****4242"} (card numbers only). */
  CARD_BRAND_LAST4,
  /** The last four characters, e.g. {@code "***-**-6789"} for an SSN; values under 8 characters are hidden. */
  LAST4,
  /** Nothing of the value: {@code "****"}. Formerly {@code FULL} (fully masked). */
  HIDDEN,
  /**
   * The value itself, in clear. Allowed only when set explicitly, on a field classified
   * {@link Classification#NONE} whose type allows it ({@link FieldType#allowedMaskings()}); never the
   * default. Formerly {@code NONE} (no masking).
   */
  UNMASKED
}
