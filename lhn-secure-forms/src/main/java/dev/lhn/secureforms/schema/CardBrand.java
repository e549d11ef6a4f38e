package dev.lhn.secureforms.schema;

import java.util.Set;

/**
 * Card brands recognised from the number's leading digits (issuer identification number ranges), each
 * with the lengths its numbers may have.
 */
public enum CardBrand {
  /** Visa: 13, 16 or 19 digits. */
  VISA("Visa", Set.of(13, 16, 19)),
  /** Mastercard: 16 digits. */
  MASTERCARD("Mastercard", Set.of(16)),
  /** American Express: 15 digits. */
  AMEX("Amex", Set.of(15)),
  /** Discover: 16 to 19 digits. */
  DISCOVER("Discover", Set.of(16, 17, 18, 19)),
  /** JCB: 16 to 19 digits. */
  JCB("JCB", Set.of(16, 17, 18, 19)),
  /** Diners Club: 14 to 19 digits. */
  DINERS("Diners", Set.of(14, 15, 16, 17, 18, 19)),
  /** UnionPay: 16 to 19 digits. */
  UNIONPAY("UnionPay", Set.of(16, 17, 18, 19)),
  /** Maestro: 12 to 19 digits. */
  MAESTRO("Maestro", Set.of(12, 13, 14, 15, 16, 17, 18, 19)),
  /** No known range matched; any length from 12 to 19 digits. */
  OTHER("Card", Set.of(12, 13, 14, 15, 16, 17, 18, 19));

  private final String displayName;
  private final Set<Integer> lengths;

  CardBrand(String displayName, Set<Integer> lengths) {
    this.displayName = displayName;
    this.lengths = lengths;
  }

  /** {@return the brand's name as shown in masked previews} */
  public String displayName() {
    return displayName;
  }

  /**
   * Whether a number of this brand may have {@code length} digits.
   *
   * @param length a number of digits
   * @return {@code true} if this brand issues numbers of that length
   */
  public boolean allowsLength(int length) {
    return lengths.contains(length);
  }

  /**
   * The brand of a digits-only card number, by its leading digits. Looks at the first 8 digits at most
   * and never at the rest of the number.
   *
   * @param digits the number, digits only
   * @return the brand
   */
  public static CardBrand detect(CharSequence digits) {
    if (digits.length() < 6) {
      return OTHER;
    }
    return fromPrefix(prefix(digits, 6));
  }

  /**
   * The brand of a card number whose first six digits (its issuer identification number) are
   * {@code iin6}; {@link #OTHER} when no listed issuer range holds it.
   *
   * @param iin6 the first six digits as a number, 0 to 999999
   * @return the brand
   */
  public static CardBrand fromPrefix(int iin6) {
    int p6 = iin6;
    int p4 = p6 / 100;
    int p3 = p6 / 1000;
    int p2 = p6 / 10000;
    int p1 = p6 / 100000;
    if (p2 == 34 || p2 == 37) {
      return AMEX;
    }
    if ((p2 >= 51 && p2 <= 55) || (p6 >= 222100 && p6 <= 272099)) {
      return MASTERCARD;
    }
    if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) {
      return DISCOVER;
    }
    if (p4 >= 3528 && p4 <= 3589) {
      return JCB;
    }
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39 || p4 == 3095) {
      return DINERS;
    }
    if (p2 == 62 || p2 == 81) {
      return UNIONPAY;
    }
    if (p1 == 4) {
      return VISA;
    }
    if (p2 == 50 || (p2 >= 56 && p2 <= 58) || p1 == 6) {
      return MAESTRO;
    }
    return OTHER;
  }

  private static int prefix(CharSequence digits, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      v = v * 10 + (digits.charAt(i) - '0');
    }
    return v;
  }
}
