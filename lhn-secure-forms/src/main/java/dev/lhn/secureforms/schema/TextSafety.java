package dev.lhn.secureforms.schema;

import java.util.Locale;

/**
 * The characters that make text ambiguous or unfaithful: unpaired surrogates (UTF-8 cannot encode them,
 * so they would come back as {@code ?}), line and paragraph separators, bidirectional controls (which
 * make {@code "txt.exe"} display as something else) and C0/C1 controls.
 */
final class TextSafety {
  private TextSafety() {}

  /** U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C. */
  static boolean isBidiControl(int c) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F
        || c == 0x061C;
  }

  /** LF, VT, FF, CR, NEL, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR. */
  static boolean isLineBreak(int c) {
    return (c >= 0x0A && c <= 0x0D) || c == 0x85 || c == 0x2028 || c == 0x2029;
  }

  /** The index of the first unpaired surrogate, or -1. */
  static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the first bidirectional control, or -1. */
  static int bidiControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (isBidiControl(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Checks a label, title or option: one line of display-safe text. Returns {@code null} or what is wrong,
   * naming the code point and index (schema text is configuration, not a secret).
   */
  static String displayProblem(String s, String what) {
    int i = unpairedSurrogate(s);
    String kind = null;
    if (i >= 0) {
      kind = "an unpaired surrogate";
    } else {
      for (int j = 0; j < s.length(); j++) {
        char c = s.charAt(j);
        if (isBidiControl(c)) {
          kind = "a bidi control";
        } else if (isLineBreak(c)) {
          kind = "a line or paragraph separator";
        } else if (Character.isISOControl(c)) {
          kind = "a control character";
        }
        if (kind != null) {
          i = j;
          break;
        }
      }
    }
    if (kind == null) {
      return null;
    }
    return what + " contains " + kind + " (U+" + String.format(Locale.ROOT, "%04X", (int) s.charAt(i))
        + ") at index " + i + "; labels, titles and options must be one line of display-safe text";
  }
}
