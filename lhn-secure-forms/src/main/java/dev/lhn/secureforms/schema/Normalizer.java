package dev.lhn.secureforms.schema;

import dev.lhn.secureforms.Violation;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Per-type normalisation and validation. Every method either returns the normalised value or adds
 * violations and returns {@code null}. No message ever quotes the value.
 */
final class Normalizer {
  /** NUMBER values and bounds: a plain decimal, no exponent, at most 30 integer and 9 fraction digits. */
  static final java.util.regex.Pattern PLAIN_DECIMAL = java.util.regex.Pattern.compile("[+-]?\\d{1,30}(\\.\\d{1,9})?");
  /** The most integer digits of a NUMBER value or bound. */
  static final int MAX_INTEGER_DIGITS = 30;
  /** The most fraction digits of a NUMBER value or bound. */
  static final int MAX_FRACTION_DIGITS = 9;

  private Normalizer() {}

  /** What a card number field learned, for the card code's Amex rule and the masked preview. */
  record Context(java.time.Instant now, CardBrand cardBrand) {}

  static String normalize(Field f, String raw, Context ctx, List<Violation> out) {
    // every type, before its own rules: nothing is ever altered silently or displayed deceptively
    if (TextSafety.unpairedSurrogate(raw) >= 0) {
      out.add(v(f, "unpaired-surrogate", "text must not contain an unpaired surrogate (broken UTF-16)"));
      return null;
    }
    if (TextSafety.bidiControl(raw) >= 0) {
      out.add(v(f, "bidi-control", "text must not contain bidirectional control characters"));
      return null;
    }
    return switch (f.type()) {
      case CARD_NUMBER -> cardNumber(f, raw, out);
      case CARD_EXPIRY -> cardExpiry(f, raw, ctx, out);
      case CARD_CVC -> cardCvc(f, raw, ctx, out);
      case US_SSN -> ssn(f, raw, out);
      case DATE -> date(f, raw, ctx, out);
      case EMAIL -> email(f, raw, out);
      case PHONE -> phone(f, raw, out);
      case NUMBER -> number(f, raw, out);
      case CHOICE -> choice(f, raw, out);
      case TEXT -> text(f, raw, false, out);
      case MULTILINE -> text(f, raw, true, out);
    };
  }

  private static Violation v(Field f, String rule, String message) {
    return new Violation(f.name(), rule, message);
  }

  static String cardNumber(Field f, String raw, List<Violation> out) {
    StringBuilder d = new StringBuilder(19);
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == ' ' || c == '-') {
        continue;
      }
      if (c < '0' || c > '9') {
        out.add(v(f, "digits", "card number may contain only digits, spaces and dashes"));
        return null;
      }
      d.append(c);
    }
    int n = d.length();
    if (n < 12 || n > 19) {
      out.add(v(f, "length", "card number must have 12 to 19 digits, got " + n));
      return null;
    }
    if (!luhn(d)) {
      out.add(v(f, "luhn", "card number fails the Luhn check"));
      return null;
    }
    CardBrand brand = CardBrand.detect(d);
    if (!brand.allowsLength(n)) {
      out.add(v(f, "brand-length", brand.displayName() + " card numbers cannot have " + n + " digits"));
      return null;
    }
    if (!f.acceptedBrands().contains(brand)) {
      out.add(v(f, "brand", brand.displayName() + " cards are not accepted"));
      return null;
    }
    return d.toString();
  }

  static boolean luhn(CharSequence digits) {
    int sum = 0;
    boolean dbl = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int x = digits.charAt(i) - '0';
      if (dbl) {
        x *= 2;
        if (x > 9) {
          x -= 9;
        }
      }
      sum += x;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }

  private static String cardExpiry(Field f, String raw, Context ctx, List<Violation> out) {
    String s = raw.replace(" ", "");
    int slash = s.indexOf('/');
    if (slash != 2 || !(s.length() == 5 || s.length() == 7) || !digits(s, 0, 2) || !digits(s, 3, s.length())) {
      out.add(v(f, "format", "expiry must be MM/YY or MM/YYYY"));
      return null;
    }
    int month = Integer.parseInt(s.substring(0, 2));
    int year = Integer.parseInt(s.substring(3));
    if (month < 1 || month > 12) {
      out.add(v(f, "format", "expiry month must be 01 to 12"));
      return null;
    }
    YearMonth current = YearMonth.from(ctx.now().atZone(ZoneOffset.UTC));
    if (s.length() == 5) {
      year += (current.getYear() / 100) * 100;
    }
    YearMonth exp = YearMonth.of(year, month);
    if (exp.isBefore(current)) {
      out.add(v(f, "expired", "card has expired"));
      return null;
    }
    if (exp.isAfter(current.plusYears(20))) {
      out.add(v(f, "too-far", "expiry is more than 20 years ahead"));
      return null;
    }
    return String.format(Locale.ROOT, "%02d/%04d", month, year);
  }

  private static String cardCvc(Field f, String raw, Context ctx, List<Violation> out) {
    String s = raw.strip();
    if (s.isEmpty() || !digits(s, 0, s.length())) {
      out.add(v(f, "digits", "card code must be digits only"));
      return null;
    }
    if (ctx.cardBrand() == null) {
      if (s.length() != 3 && s.length() != 4) {
        out.add(v(f, "cvc-length", "card code must have 3 or 4 digits, got " + s.length()));
        return null;
      }
    } else {
      int expected = ctx.cardBrand() == CardBrand.AMEX ? 4 : 3;
      if (s.length() != expected) {
        out.add(v(f, "cvc-length", "card code for a " + ctx.cardBrand().displayName() + " card must have "
            + expected + " digits, got " + s.length()));
        return null;
      }
    }
    return s;
  }

  private static String ssn(Field f, String raw, List<Violation> out) {
    String s = raw.strip();
    String d;
    if (s.length() == 11 && s.charAt(3) == '-' && s.charAt(6) == '-'
        && digits(s, 0, 3) && digits(s, 4, 6) && digits(s, 7, 11)) {
      d = s.substring(0, 3) + s.substring(4, 6) + s.substring(7);
    } else if (s.length() == 9 && digits(s, 0, 9)) {
      d = s;
    } else {
      out.add(v(f, "format", "SSN must be AAA-GG-SSSS or 9 digits"));
      return null;
    }
    int area = Integer.parseInt(d.substring(0, 3));
    int group = Integer.parseInt(d.substring(3, 5));
    int serial = Integer.parseInt(d.substring(5));
    boolean ok = true;
    if (area == 0 || area == 666 || area >= 900) {
      out.add(v(f, "ssn-area", "SSN area number 000, 666 and 900-999 are never issued"));
      ok = false;
    }
    if (group == 0) {
      out.add(v(f, "ssn-group", "SSN group number 00 is never issued"));
      ok = false;
    }
    if (serial == 0) {
      out.add(v(f, "ssn-serial", "SSN serial number 0000 is never issued"));
      ok = false;
    }
    return ok ? d.substring(0, 3) + "-" + d.substring(3, 5) + "-" + d.substring(5) : null;
  }

  private static String date(Field f, String raw, Context ctx, List<Violation> out) {
    String s = raw.strip();
    LocalDate date;
    try {
      if (s.length() != 10) {
        throw new DateTimeParseException("length", "", 0);
      }
      date = LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      out.add(v(f, "format", "date must be an ISO date YYYY-MM-DD"));
      return null;
    }
    if (f.minDate() != null && date.isBefore(f.minDate())) {
      out.add(v(f, "min-date", "date must not be before " + f.minDate()));
      return null;
    }
    if (f.maxDate() != null && date.isAfter(f.maxDate())) {
      out.add(v(f, "max-date", "date must not be after " + f.maxDate()));
      return null;
    }
    if (f.notAfterToday() && date.isAfter(LocalDate.ofInstant(ctx.now(), ZoneOffset.UTC))) {
      out.add(v(f, "future", "date must not be in the future"));
      return null;
    }
    return date.toString();
  }

  private static String email(Field f, String raw, List<Violation> out) {
    String s = raw.strip();
    int at = s.lastIndexOf('@');
    boolean ok = at > 0 && at == s.indexOf('@') && at < s.length() - 1 && s.length() <= 254 && at <= 64;
    if (ok) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c <= ' ' || Character.isISOControl(c) || TextSafety.isLineBreak(c) || c == '<' || c == '>' || c == '(' || c == ')' || c == ','
            || c == ';' || c == ':' || c == '\\' || c == '"' || c == '[' || c == ']') {
          ok = false;
          break;
        }
      }
    }
    String domain = ok ? s.substring(at + 1).toLowerCase(Locale.ROOT) : "";
    if (ok) {
      ok = domain.indexOf('.') > 0 && !domain.endsWith(".") && !domain.contains("..")
          && !s.substring(0, at).startsWith(".") && !s.substring(0, at).endsWith(".");
    }
    if (!ok) {
      out.add(v(f, "format", "e-mail address must look like name@domain.tld"));
      return null;
    }
    return s.substring(0, at) + "@" + domain;
  }

  private static String phone(Field f, String raw, List<Violation> out) {
    String s = raw.strip();
    StringBuilder d = new StringBuilder(16);
    boolean plus = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+' && d.length() == 0 && !plus) {
        plus = true;
      } else if (c >= '0' && c <= '9') {
        d.append(c);
      } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
        out.add(v(f, "format", "phone number may contain only digits, '+', spaces, dashes, dots and parentheses"));
        return null;
      }
    }
    String digits = d.toString();
    if (!plus) {
      if (digits.startsWith("00")) {
        digits = digits.substring(2);
      } else if (f.defaultCountryCode() != null) {
        digits = f.defaultCountryCode() + (digits.startsWith("0") ? digits.substring(1) : digits);
      } else {
        out.add(v(f, "format", "phone number must start with + and the country code"));
        return null;
      }
    }
    if (digits.length() < 7 || digits.length() > 15 || digits.charAt(0) == '0') {
      out.add(v(f, "format", "phone number must have 7 to 15 digits including the country code"));
      return null;
    }
    return "+" + digits;
  }

  private static String number(Field f, String raw, List<Violation> out) {
    String s = raw.strip();
    BigDecimal n;
    try {
      if (s.length() > 41 || !PLAIN_DECIMAL.matcher(s).matches()) {
        throw new NumberFormatException();
      }
      n = new BigDecimal(s);
    } catch (NumberFormatException e) {
      out.add(v(f, "format", "must be a decimal number"));
      return null;
    }
    if (f.min() != null && n.compareTo(f.min()) < 0) {
      out.add(v(f, "min", "must be at least " + f.min().toPlainString()));
      return null;
    }
    if (f.max() != null && n.compareTo(f.max()) > 0) {
      out.add(v(f, "max", "must be at most " + f.max().toPlainString()));
      return null;
    }
    return n.toPlainString();
  }

  private static String choice(Field f, String raw, List<Violation> out) {
    String s = raw.strip();
    if (!f.options().contains(s)) {
      out.add(v(f, "choice", "must be one of the " + f.options().size() + " listed options"));
      return null;
    }
    return s;
  }

  private static String text(Field f, String raw, boolean multiline, List<Violation> out) {
    String s = raw.strip();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!multiline && (Character.isISOControl(c) || TextSafety.isLineBreak(c))) {
        out.add(v(f, "single-line", "text must be a single line without control characters"));
        return null;
      }
      if (multiline && (c == 0x2028 || c == 0x2029)) {
        out.add(v(f, "line-separator", "text must use \\n for new lines, not U+2028 or U+2029"));
        return null;
      }
      if (multiline && Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
        out.add(v(f, "control-char", "text must not contain control characters"));
        return null;
      }
    }
    return s;
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The masked preview of a normalised value. */
  static String mask(Field f, String value, CardBrand brand) {
    return switch (f.masking()) {
      case UNMASKED -> value;
      case HIDDEN -> "****";
      case CARD_BRAND_LAST4 -> brand.displayName() + " ****" + value.substring(value.length() - 4);
      case LAST4 -> {
        if (value.length() < 8) {
          yield "****";
        }
        String last4 = value.substring(value.length() - 4);
        yield f.type() == FieldType.US_SSN ? "***-**-" + last4 : "****" + last4;
      }
    };
  }
}
