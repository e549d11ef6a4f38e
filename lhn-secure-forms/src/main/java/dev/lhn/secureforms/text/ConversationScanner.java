package dev.lhn.secureforms.text;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.schema.CardBrand;
import dev.lhn.secureforms.text.SensitiveText.Finding;
import dev.lhn.secureforms.text.SensitiveText.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scans one conversation's messages in order. Besides what {@link SensitiveText#scan} finds in each message,
 * it finds a card number typed over consecutive messages ("4111 1111" then "1111 1111"): each part is a
 * {@link Finding} with {@link Finding#split()} set and the {@link Finding#messageIndex()} of its message, so
 * the host can redact the earlier messages too.
 *
 * <p>Bounded memory: between messages it keeps at most 18 digits of one possible card prefix (the digits
 * that ended the previous messages, up to four parts) and their positions, nothing else; it forgets them as
 * soon as the next message does not continue them, and {@link #close()} overwrites them. It never logs them.
 * Not thread-safe: one scanner per conversation, fed in message order.
 */
public final class ConversationScanner implements AutoCloseable {
  private static final int MAX_PARTS = 4;
  private static final int MAX_PENDING = 18;

  private final SensitiveText detector;
  private final byte[] pending = new byte[MAX_PENDING];
  private int pendingDigits;
  private final int[] partMessage = new int[MAX_PARTS];
  private final int[] partStart = new int[MAX_PARTS];
  private final int[] partEnd = new int[MAX_PARTS];
  private int parts;
  private int index = -1;

  ConversationScanner(SensitiveText detector) {
    this.detector = detector;
  }

  /**
   * Scans the next message.
   *
   * @param message the message
   * @return its findings, plus the parts in earlier messages of a card number it completes (those first)
   */
  public List<Finding> scan(String message) {
    requireNonNull(message, "message");
    index++;
    List<Finding> found = detector.scan(message, index);
    if (!detector.kinds().contains(Kind.CARD_NUMBER)) {
      return found;
    }
    List<Finding> result = found;
    int n = message.length();
    int s = 0;
    while (s < n && Character.isWhitespace(message.charAt(s))) {
      s++;
    }
    boolean continued = false;
    if (pendingDigits > 0 && s < n && SensitiveText.digit(message.charAt(s)) && !startsAFinding(found, s)) {
      int e = runEnd(message, s);
      int digits = countDigits(message, s, e);
      int total = pendingDigits + digits;
      if (e > s && SensitiveText.boundedAfter(message, e) && total <= 19) {
        if (total >= 12 && completes(message, s, e)) {
          List<Finding> all = new ArrayList<>(parts + 1 + found.size());
          for (int p = 0; p < parts; p++) {
            all.add(new Finding(Kind.CARD_NUMBER, partStart[p], partEnd[p], null, null, partMessage[p], true));
          }
          all.add(new Finding(Kind.CARD_NUMBER, s, e, brandOf(message, s, e), lastFour(message, s, e), index, true));
          all.addAll(found);
          result = List.copyOf(all);
          clear();
          return result;
        }
        if (onlyTrailingSpace(message, e) && parts < MAX_PARTS && total <= MAX_PENDING) {
          addPart(message, s, e);
          continued = true;
        }
      }
    }
    if (!continued) {
      clear();
      startPending(message, found);
    }
    return result;
  }

  /** {@return the number of messages scanned so far} */
  public int messages() {
    return index + 1;
  }

  /** Overwrites the digits kept between messages. */
  @Override
  public void close() {
    clear();
  }

  private void clear() {
    Arrays.fill(pending, (byte) 0);
    pendingDigits = 0;
    parts = 0;
  }

  private static boolean startsAFinding(List<Finding> found, int s) {
    for (Finding f : found) {
      if (f.start() <= s && s < f.end()) {
        return true;
      }
    }
    return false;
  }

  /** The end of the digit run (digits, single spaces or dashes between them) starting at {@code s}. */
  private static int runEnd(String m, int s) {
    int n = m.length();
    int e = s;
    int k = s;
    while (k < n) {
      char c = m.charAt(k);
      if (SensitiveText.digit(c)) {
        k++;
        e = k;
      } else if ((c == ' ' || c == '-') && k + 1 < n && SensitiveText.digit(m.charAt(k + 1))) {
        k++;
      } else {
        break;
      }
    }
    return e;
  }

  private static int countDigits(String m, int s, int e) {
    int d = 0;
    for (int k = s; k < e; k++) {
      if (SensitiveText.digit(m.charAt(k))) {
        d++;
      }
    }
    return d;
  }

  private static boolean onlyTrailingSpace(String m, int e) {
    for (int k = e; k < m.length(); k++) {
      if (!Character.isWhitespace(m.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  /** A message that ends with digits that could begin a card number keeps them for the next message. */
  private void startPending(String m, List<Finding> found) {
    int e = m.length();
    while (e > 0 && Character.isWhitespace(m.charAt(e - 1))) {
      e--;
    }
    if (e == 0 || !SensitiveText.digit(m.charAt(e - 1))) {
      return;
    }
    int s = e;
    while (s > 0 && (SensitiveText.digit(m.charAt(s - 1))
        || (m.charAt(s - 1) == ' ' || m.charAt(s - 1) == '-') && s >= 2 && SensitiveText.digit(m.charAt(s - 2)))) {
      s--;
    }
    if (!SensitiveText.boundedBefore(m, s) || (s > 0 && SensitiveText.glued(m.charAt(s - 1)))) {
      return;
    }
    for (Finding f : found) {
      if (f.end() > s) {
        return;
      }
    }
    int digits = countDigits(m, s, e);
    if (digits < 4 || digits > 15 || "23456".indexOf(m.charAt(s)) < 0) {
      return;
    }
    addPart(m, s, e);
  }

  private void addPart(String m, int s, int e) {
    for (int k = s; k < e; k++) {
      char c = m.charAt(k);
      if (SensitiveText.digit(c)) {
        pending[pendingDigits++] = (byte) (c - '0');
      }
    }
    partMessage[parts] = index;
    partStart[parts] = s;
    partEnd[parts] = e;
    parts++;
  }

  /** Whether the pending digits and the digits of {@code [s, e)} make a card number. */
  private boolean completes(String m, int s, int e) {
    int total = pendingDigits + countDigits(m, s, e);
    int[] all = new int[total];
    for (int k = 0; k < pendingDigits; k++) {
      all[k] = pending[k];
    }
    int at = pendingDigits;
    for (int k = s; k < e; k++) {
      char c = m.charAt(k);
      if (SensitiveText.digit(c)) {
        all[at++] = c - '0';
      }
    }
    try {
      int prefix6 = 0;
      for (int k = 0; k < 6; k++) {
        prefix6 = prefix6 * 10 + all[k];
      }
      CardBrand brand = CardBrand.fromPrefix(prefix6);
      if (brand == CardBrand.OTHER || !brand.allowsLength(total)) {
        return false;
      }
      int sum = 0;
      for (int k = total - 1, pos = 0; k >= 0; k--, pos++) {
        int v = all[k];
        if ((pos & 1) == 1) {
          v *= 2;
          if (v > 9) {
            v -= 9;
          }
        }
        sum += v;
      }
      return sum % 10 == 0;
    } finally {
      Arrays.fill(all, 0);
    }
  }

  private CardBrand brandOf(String m, int s, int e) {
    int prefix6 = 0;
    int taken = 0;
    for (int k = 0; k < pendingDigits && taken < 6; k++, taken++) {
      prefix6 = prefix6 * 10 + pending[k];
    }
    for (int k = s; k < e && taken < 6; k++) {
      char c = m.charAt(k);
      if (SensitiveText.digit(c)) {
        prefix6 = prefix6 * 10 + (c - '0');
        taken++;
      }
    }
    return CardBrand.fromPrefix(prefix6);
  }

  private String lastFour(String m, int s, int e) {
    char[] four = new char[4];
    int got = 0;
    for (int k = e - 1; k >= s && got < 4; k--) {
      char c = m.charAt(k);
      if (SensitiveText.digit(c)) {
        four[3 - got++] = c;
      }
    }
    for (int k = pendingDigits - 1; k >= 0 && got < 4; k--) {
      four[3 - got++] = (char) ('0' + pending[k]);
    }
    return new String(four);
  }

  @Override
  public String toString() {
    return "ConversationScanner[" + messages() + " messages" + (parts > 0 ? ", a possible card prefix kept" : "") + "]";
  }
}
