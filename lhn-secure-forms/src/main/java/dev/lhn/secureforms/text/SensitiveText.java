package dev.lhn.secureforms.text;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.schema.CardBrand;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Finds card numbers, card expiry dates, card codes and US social security numbers in chat text, so that a
 * host can keep them out of transcripts and offer a secure form instead.
 *
 * <pre>{@code
 * SensitiveText detector = SensitiveText.defaults();
 * List<SensitiveText.Finding> found = detector.scan("my card is 4111 1111 1111 1111 exp 09/27");
 * String safe = detector.redact(text);   // "my card is [card ending 1111] exp [expiry]"
 * }</pre>
 *
 * <p>What counts (see {@code docs/TEXT.md}): a card number is 12 to 19 digits, typed together or in the
 * groups printed on cards (4-4-4-4, 4-6-5, 4-4-4-4-3, with spaces, double spaces, dashes or dots), that
 * passes Luhn, lies in a real issuer range with one of its lengths, and is not glued to letters or other
 * digits, not after {@code +} or a currency sign, and not right after a word that says it is something else
 * ("order", "tracking", "IBAN", "phone"...); 12-digit numbers also need a card word, or a word such as
 * "number" or "charge", nearby. An SSN is
 * {@code AAA-GG-SSSS} (or with spaces) with a valid area, group and serial, or nine plain digits with an SSN
 * word nearby. An expiry or card code counts only next to a card number or after its own word.
 *
 * <p>One pass over the characters, no regular expressions; a text with nothing to find allocates nothing.
 * Immutable and thread-safe. A {@link Finding} carries the kind, offsets, the card's brand and last four,
 * never the value; its {@code toString} not even the last four.
 */
public final class SensitiveText {
  /** What was found. */
  public enum Kind {
    /** A payment card number (PAN). */
    CARD_NUMBER,
    /** A card's expiry date next to a card number or an expiry word. */
    CARD_EXPIRY,
    /** A card's security code (CVC, CVV, CID) next to a card number or a code word. */
    CARD_CVC,
    /** A US social security number. */
    US_SSN
  }

  /**
   * One finding: where it is and what a host needs to act on it, never the value.
   *
   * @param kind what was found
   * @param start the first UTF-16 index of the match in its message
   * @param end the UTF-16 index after the match (exclusive)
   * @param brand the card brand for {@link Kind#CARD_NUMBER}, else {@code null}
   * @param lastFour the card number's last four digits for {@link Kind#CARD_NUMBER} (what PCI DSS 3.4.1
   *     allows to display), else {@code null}
   * @param messageIndex the message it is in: 0 for {@link SensitiveText#scan}; for a
   *     {@link ConversationScanner}, the index of the message in the conversation (an earlier one for the
   *     first parts of a number split over several messages)
   * @param split whether the card number continues in another message
   */
  public record Finding(Kind kind, int start, int end, CardBrand brand, String lastFour, int messageIndex,
      boolean split) {
    /**
     * Checks the offsets.
     *
     * @param kind what was found
     * @param start the first index
     * @param end the index after the match
     * @param brand the brand, or {@code null}
     * @param lastFour the last four digits, or {@code null}
     * @param messageIndex the message's index
     * @param split whether the number continues in another message
     */
    public Finding {
      requireNonNull(kind, "kind");
      if (start < 0 || end <= start || messageIndex < 0) {
        throw new IllegalArgumentException("bad finding offsets: " + start + ".." + end + " in message " + messageIndex);
      }
    }

    /** {@return the text that replaces the match in {@link SensitiveText#redact}} */
    public String replacement() {
      return switch (kind) {
        case CARD_NUMBER -> lastFour == null ? "[card number]" : "[card ending " + lastFour + "]";
        case CARD_EXPIRY -> "[expiry]";
        case CARD_CVC -> "[card code]";
        case US_SSN -> "[SSN]";
      };
    }

    @Override
    public String toString() {
      return "Finding[" + kind + " " + start + ".." + end + (brand == null ? "" : " " + brand)
          + (messageIndex == 0 ? "" : " in message " + messageIndex) + (split ? " split" : "") + "]";
    }
  }

  private static final SensitiveText DEFAULTS = new SensitiveText(EnumSet.allOf(Kind.class));

  private final Set<Kind> kinds;
  private final boolean cards;
  private final boolean expiries;
  private final boolean codes;
  private final boolean ssns;

  private SensitiveText(Set<Kind> kinds) {
    this.kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
    this.cards = kinds.contains(Kind.CARD_NUMBER);
    this.expiries = kinds.contains(Kind.CARD_EXPIRY);
    this.codes = kinds.contains(Kind.CARD_CVC);
    this.ssns = kinds.contains(Kind.US_SSN);
  }

  /** {@return a detector for every kind} */
  public static SensitiveText defaults() {
    return DEFAULTS;
  }

  /**
   * {@return a detector for only these kinds}
   *
   * @param first a kind
   * @param more more kinds
   */
  public static SensitiveText of(Kind first, Kind... more) {
    return new SensitiveText(EnumSet.of(first, more));
  }

  /** {@return the kinds this detector finds} */
  public Set<Kind> kinds() {
    return kinds;
  }

  /**
   * Finds everything sensitive in one message.
   *
   * @param text the message
   * @return the findings in text order; an immutable empty list (allocated once) when there are none
   */
  public List<Finding> scan(CharSequence text) {
    requireNonNull(text, "text");
    return scan(text, 0);
  }

  /** Per-thread group boundaries of the run being looked at, so that scanning allocates nothing. */
  private static final int MAX_GROUPS = 24;
  private static final ThreadLocal<int[][]> SCRATCH = ThreadLocal.withInitial(() -> new int[3][MAX_GROUPS]);

  List<Finding> scan(CharSequence text, int messageIndex) {
    List<Finding> out = null;
    final int n = text.length();
    int[][] scratch = SCRATCH.get();
    int[] gStart = scratch[0];
    int[] gEnd = scratch[1];
    int[] gSep = scratch[2];
    int lastEnd = Integer.MIN_VALUE / 2; // end of the last card number or expiry, for what follows it
    CardBrand lastBrand = null;
    int prevTokenEnd = 0; // end of the previous digit token: context windows never reach behind it
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (!digit(c)) {
        i++;
        continue;
      }
      if (i > 0 && glued(text.charAt(i - 1))) {
        i = skipToken(text, i); // part of a word such as "CVV2": not a number that bounds the context
        continue;
      }
      // A run: digit groups with separators between them (any kind; candidates need one kind).
      int groups = 0;
      int j = i;
      gStart[0] = i;
      gSep[0] = 0;
      while (true) {
        while (j < n && digit(text.charAt(j))) {
          j++;
        }
        gEnd[groups++] = j;
        if (j >= n || !separator(text.charAt(j)) || groups == MAX_GROUPS) {
          break;
        }
        char d = text.charAt(j);
        int k = j + 1;
        if (d == ' ' && k < n && text.charAt(k) == ' ') {
          k++; // a double space
        }
        if (k >= n || !digit(text.charAt(k))) {
          break;
        }
        gSep[groups] = k - j == 2 ? 'W' : sepClass(d);
        gStart[groups] = k;
        j = k;
      }
      int runEnd = gEnd[groups - 1];
      int first = 0;
      if (ibanBefore(text, i)) {
        // The rest of an IBAN: its four-digit groups up to the first shorter one.
        while (first < groups && gEnd[first] - gStart[first] == 4) {
          first++;
        }
        if (first < groups && gEnd[first] - gStart[first] < 4 && gSep[first] == ' ') {
          first++;
        }
      }
      int resume = runEnd;
      int s = first;
      while (s < groups) {
        boolean startable = s == 0 ? boundedBefore(text, gStart[0]) : whitespace(gSep[s]);
        Kind kind = null;
        int e = Math.min(groups - 1, s + 7);
        int fEnd = 0;
        CardBrand brand = null;
        int last4 = 0;
        for (; startable && e >= s; e--) {
          int sep = e > s ? gSep[s + 1] : 0;
          boolean consistent = true;
          for (int g = s + 2; g <= e; g++) {
            if (!sameSep(gSep[g], sep)) {
              consistent = false;
              break;
            }
          }
          if (!consistent) {
            continue;
          }
          boolean afterOk = e < groups - 1 ? whitespace(gSep[e + 1]) : boundedAfter(text, gEnd[e]);
          int from = gStart[s];
          int to = gEnd[e];
          int window = s > 0 ? gEnd[s - 1] : prevTokenEnd;
          int count = e - s + 1;
          int digits = 0;
          int prefix6 = 0;
          int l4 = 0;
          int sumEven = 0;
          int sumOdd = 0;
          for (int k = from; k < to; k++) {
            char d = text.charAt(k);
            if (!digit(d)) {
              continue;
            }
            int v = d - '0';
            if (digits < 6) {
              prefix6 = prefix6 * 10 + v;
            }
            l4 = (l4 * 10 + v) % 10_000;
            if ((digits & 1) == 0) {
              sumEven += doubled(v);
              sumOdd += v;
            } else {
              sumEven += v;
              sumOdd += doubled(v);
            }
            digits++;
          }
          if (afterOk && cards && digits >= 12 && digits <= 19 && cardShape(gStart, gEnd, s, e)) {
            CardBrand b = CardBrand.fromPrefix(prefix6);
            int sum = (digits & 1) == 0 ? sumEven : sumOdd;
            if (b != CardBrand.OTHER && b.allowsLength(digits) && sum % 10 == 0
                && (digits > 12 || Keywords.lastIn(text, Math.max(window, from - 40), from, Keywords.CARD) >= 0
                    || Keywords.lastIn(text, Math.max(window, from - 25), from, Keywords.CARD_WEAK) >= 0
                    || Keywords.lastIn(text, to, Math.min(n, to + 15), Keywords.CARD) >= 0
                    || Keywords.lastIn(text, to, Math.min(n, to + 20), Keywords.CODE) >= 0
                    || Keywords.lastIn(text, to, Math.min(n, to + 12), Keywords.EXPIRY) >= 0)
                && !otherThingBefore(text, Math.max(window, from - 24), from, Keywords.CARD)) {
              kind = Kind.CARD_NUMBER;
              brand = b;
              last4 = l4;
              fEnd = to;
              break;
            }
          }
          if (afterOk && ssns && digits == 9 && (count == 1 || count == 3 && (sep == ' ' || sep == '-')
              && to - from == 11 && gEnd[s] - gStart[s] == 3 && gEnd[s + 1] - gStart[s + 1] == 2)
              && validSsn(prefix6, l4)) {
            boolean other = otherThingBefore(text, Math.max(window, from - 24), from, Keywords.SSN);
            boolean keyword = Keywords.lastIn(text, Math.max(window, from - 40), from, Keywords.SSN) >= 0
                || !other && Keywords.lastIn(text, to, Math.min(n, to + 25), Keywords.SSN) >= 0;
            if (count == 1 ? keyword : keyword || !other) {
              kind = Kind.US_SSN;
              fEnd = to;
              break;
            }
          }
          if (expiries && count == 1 && digits <= 2 && e == groups - 1) {
            int ye = expiryAfterMonth(text, to);
            int month = digits == 2 ? (text.charAt(from) - '0') * 10 + (text.charAt(from + 1) - '0') : text.charAt(from) - '0';
            if (ye > 0 && month >= 1 && month <= 12 && boundedAfter(text, ye)
                && nearCardOrWord(text, from, lastEnd, Math.max(window, from - 22), Keywords.EXPIRY)) {
              kind = Kind.CARD_EXPIRY;
              fEnd = ye;
              break;
            }
          }
          if (afterOk && expiries && count == 2 && (sep == '-' || sep == '.')) {
            int m = gEnd[s] - gStart[s];
            int y = gEnd[e] - gStart[e];
            if ((m == 1 || m == 2) && (y == 2 || y == 4 && text.charAt(gStart[e]) == '2' && text.charAt(gStart[e] + 1) == '0')
                && validMonth(text, from, m) && nearCardOrWord(text, from, lastEnd, Math.max(window, from - 22), Keywords.EXPIRY)) {
              kind = Kind.CARD_EXPIRY;
              fEnd = to;
              break;
            }
          }
          if (afterOk && codes && count == 1 && (digits == 3 || digits == 4) && !(to < n && text.charAt(to) == '/')) {
            boolean word = Keywords.lastIn(text, Math.max(window, from - 25), from, Keywords.CODE) >= 0;
            boolean afterCard = from - lastEnd <= 12 && onlyGlue(text, lastEnd, from)
                && (digits == 3 || lastBrand == CardBrand.AMEX);
            if (word || afterCard) {
              kind = Kind.CARD_CVC;
              fEnd = to;
              break;
            }
          }
        }
        if (kind == null) {
          s++;
          continue;
        }
        if (out == null) {
          out = new ArrayList<>(4);
        }
        out.add(new Finding(kind, gStart[s], fEnd, brand, kind == Kind.CARD_NUMBER ? fourDigits(last4) : null,
            messageIndex, false));
        if (kind == Kind.CARD_NUMBER || kind == Kind.CARD_EXPIRY) {
          lastEnd = fEnd;
          if (kind == Kind.CARD_NUMBER) {
            lastBrand = brand;
          }
        }
        resume = Math.max(resume, fEnd);
        s = e + 1;
      }
      i = resume;
      if (i < n && glued(text.charAt(i))) {
        i = skipToken(text, i);
      }
      prevTokenEnd = i;
    }
    return out == null ? List.of() : Collections.unmodifiableList(out);
  }

  private static boolean whitespace(int sep) {
    return sep == ' ' || sep == 'W';
  }

  private static boolean sameSep(int a, int b) {
    return a == b || whitespace(a) && whitespace(b);
  }

  /**
   * Replaces everything {@link #scan} finds with a placeholder such as {@code [card ending 1111]},
   * {@code [expiry]}, {@code [card code]} or {@code [SSN]}.
   *
   * @param text the message
   * @return the redacted message; {@code text} itself when nothing was found
   */
  public String redact(String text) {
    requireNonNull(text, "text");
    return apply(text, scan(text, 0), 0);
  }

  /**
   * Redacts a whole transcript, message by message, with a {@link ConversationScanner}, so that a card
   * number split over consecutive messages is redacted in each of them. Use it before a transcript is
   * stored, exported, e-mailed or sent to the host's server.
   *
   * @param messages the transcript's messages in order
   * @return the redacted messages, same order and count
   */
  public List<String> redactTranscript(List<String> messages) {
    requireNonNull(messages, "messages");
    List<String> out = new ArrayList<>(messages);
    try (ConversationScanner scanner = conversation()) {
      for (int m = 0; m < messages.size(); m++) {
        List<Finding> found = scanner.scan(requireNonNull(messages.get(m), "message"));
        for (int back = m; back >= 0; back--) {
          final int index = back;
          List<Finding> here = found.stream().filter(f -> f.messageIndex() == index).toList();
          if (!here.isEmpty()) {
            out.set(back, apply(out.get(back), here, back));
          }
        }
      }
    }
    return out;
  }

  /**
   * {@return a scanner for one conversation's messages in order, which also finds card numbers split over
   * consecutive messages; close it when the conversation ends}
   */
  public ConversationScanner conversation() {
    return new ConversationScanner(this);
  }

  /**
   * Replaces the findings of one message, as {@link #scan} or a {@link ConversationScanner} returned them,
   * with their {@link Finding#replacement()}; findings of other messages are left out.
   *
   * @param text the message, as it was scanned
   * @param findings findings in text order
   * @param messageIndex the message's index ({@code 0} for {@link #scan})
   * @return the redacted message; {@code text} itself when no finding is of this message
   */
  public static String redact(String text, List<Finding> findings, int messageIndex) {
    requireNonNull(text, "text");
    requireNonNull(findings, "findings");
    return apply(text, findings, messageIndex);
  }

  /** Replaces the findings of message {@code index} in {@code text}, last first so offsets stay valid. */
  static String apply(String text, List<Finding> findings, int index) {
    if (findings.isEmpty()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text);
    for (int k = findings.size() - 1; k >= 0; k--) {
      Finding f = findings.get(k);
      if (f.messageIndex() == index && f.end() <= b.length()) {
        b.replace(f.start(), f.end(), f.replacement());
      }
    }
    return b.toString();
  }

  // ---- character classes and rules, shared with ConversationScanner ----

  static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A character that glues a digit to the token before or after it (letters, digits, {@code _}). */
  static boolean glued(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  static boolean separator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '\u00A0' || c == '\u2013' || c == '\u202F';
  }

  private static char sepClass(char c) {
    return c == '\u00A0' || c == '\u202F' ? ' ' : c == '\u2013' ? '-' : c;
  }

  private static int doubled(int v) {
    int d = v * 2;
    return d > 9 ? d - 9 : d;
  }

  private static int skipToken(CharSequence text, int i) {
    int n = text.length();
    while (i < n && (glued(text.charAt(i)) || ((text.charAt(i) == '-' || text.charAt(i) == '.')
        && i + 1 < n && glued(text.charAt(i + 1))))) {
      i++;
    }
    return i;
  }

  /** Not the middle of a larger token (UUID, ISBN, IP, phone), not a phone or an amount. */
  static boolean boundedBefore(CharSequence text, int i) {
    if (i == 0) {
      return true;
    }
    char b = text.charAt(i - 1);
    if (b == '+' || b == '$' || b == '€' || b == '£' || b == '¥' || b == '#' && i >= 2 && glued(text.charAt(i - 2))) {
      return false;
    }
    if ((b == '-' || b == '.' || b == '/' || b == ',' || b == ':') && i >= 2 && glued(text.charAt(i - 2))) {
      return b == ':' && Character.isLetter(text.charAt(i - 2)); // "card:4111..." is fine, "10:30" is not
    }
    return true;
  }

  /** The run at {@code i} follows an IBAN's country and check digits ("DE89 3704 ..."). */
  static boolean ibanBefore(CharSequence text, int i) {
    return i >= 5 && text.charAt(i - 1) == ' ' && ibanStart(text, i - 2);
  }

  /** An IBAN's country and check digits ("DE89") end at {@code end} (inclusive). */
  private static boolean ibanStart(CharSequence text, int end) {
    if (end < 3 || !digit(text.charAt(end)) || !digit(text.charAt(end - 1))) {
      return false;
    }
    char a = text.charAt(end - 3);
    char b = text.charAt(end - 2);
    return a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z' && (end < 4 || !glued(text.charAt(end - 4)));
  }

  static boolean boundedAfter(CharSequence text, int end) {
    int n = text.length();
    if (end >= n) {
      return true;
    }
    char a = text.charAt(end);
    if (glued(a) || a == '%') {
      return false;
    }
    if ((a == '-' || a == '.' || a == '/' || a == ',' || a == ':') && end + 1 < n && digit(text.charAt(end + 1))) {
      return false;
    }
    return true;
  }

  /** 4-4-4-4 style groups (the last one shorter), 4-6-5 / 4-6-4, or no separators at all. */
  static boolean cardShape(int[] gStart, int[] gEnd, int s, int e) {
    if (s == e) {
      return true;
    }
    boolean equal = true; // 8-8, 5-5-5, 6-6-6: a number read off in equal chunks
    for (int g = s + 1; g <= e && equal; g++) {
      equal = gEnd[g] - gStart[g] == gEnd[s] - gStart[s];
    }
    if (equal && gEnd[s] - gStart[s] >= 4) {
      return true;
    }
    if (gEnd[s] - gStart[s] != 4) {
      return false;
    }
    if (e - s == 2 && gEnd[s + 1] - gStart[s + 1] == 6) {
      int last = gEnd[e] - gStart[e];
      return last == 5 || last == 4;
    }
    for (int g = s + 1; g < e; g++) {
      if (gEnd[g] - gStart[g] != 4) {
        return false;
      }
    }
    int last = gEnd[e] - gStart[e];
    return last >= 1 && last <= 4;
  }

  /**
   * Area 001-899 but not 666, group 01-99, serial 0001-9999. The two numbers once printed in adverts
   * (078-05-1120, 219-09-9999) count too: typed into a chat they look like an SSN to every reader.
   */
  static boolean validSsn(int prefix6, int serial) {
    int area = prefix6 / 1000;
    int group = (prefix6 / 10) % 100;
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
  }

  /** After a month at {@code end}: {@code /YY}, {@code /YYYY} or {@code " / YY"}; the index after it, or -1. */
  private static int expiryAfterMonth(CharSequence text, int end) {
    int n = text.length();
    int k = end;
    if (k < n && text.charAt(k) == ' ') {
      k++;
    }
    if (k >= n || text.charAt(k) != '/') {
      return -1;
    }
    k++;
    if (k < n && text.charAt(k) == ' ') {
      k++;
    }
    int s = k;
    while (k < n && digit(text.charAt(k)) && k - s < 5) {
      k++;
    }
    int len = k - s;
    if (len == 2 || len == 4 && text.charAt(s) == '2' && text.charAt(s + 1) == '0') {
      return k;
    }
    return -1;
  }

  private static boolean validMonth(CharSequence text, int i, int len) {
    int month = len == 2 ? (text.charAt(i) - '0') * 10 + (text.charAt(i + 1) - '0') : text.charAt(i) - '0';
    return month >= 1 && month <= 12;
  }

  private static boolean nearCardOrWord(CharSequence text, int i, int lastEnd, int window, Keywords.Words words) {
    return i - lastEnd <= 30 && onlyGlue(text, lastEnd, i) || Keywords.lastIn(text, window, i, words) >= 0;
  }

  /**
   * Between a card number and what follows it only punctuation, spaces and a few short words ("exp",
   * "cvv", "and", "y", "et"): at most 12 letters in all, no digit.
   */
  private static boolean onlyGlue(CharSequence text, int from, int to) {
    if (from < 0) {
      return false;
    }
    int letters = 0;
    for (int k = from; k < to; k++) {
      char c = text.charAt(k);
      if (digit(c)) {
        return false;
      }
      if (Character.isLetter(c) && ++letters > 12) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a word for something else (order, phone, IBAN...) stands among the few words before
   * {@code i} (from {@code from}), closer than any of {@code wins}.
   */
  static boolean otherThingBefore(CharSequence text, int from, int i, Keywords.Words wins) {
    int other = Keywords.lastWordIn(text, from, i, Keywords.OTHER);
    if (other < 0) {
      return false;
    }
    return Keywords.lastIn(text, other, i, wins) < 0;
  }

  private static String fourDigits(int last4) {
    char[] c = new char[4];
    for (int k = 3; k >= 0; k--) {
      c[k] = (char) ('0' + last4 % 10);
      last4 /= 10;
    }
    return new String(c);
  }
}
