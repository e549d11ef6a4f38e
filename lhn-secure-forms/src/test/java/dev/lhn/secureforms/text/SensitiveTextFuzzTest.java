package dev.lhn.secureforms.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;


import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lhn.secureforms.text.SensitiveText.Finding;
import dev.lhn.secureforms.text.SensitiveText.Kind;
import java.util.List;

/**
 * Fuzz target for {@link SensitiveText#scan} and {@link SensitiveText#redact} (seeds under
 * {@code SensitiveTextFuzzTestInputs/scan/}). Never throws; offsets in bounds, ordered, not overlapping;
 * redacting replaces exactly the findings, and no card number found before can be found again after; a
 * conversation scanner fed the text in two halves never throws either.
 */
class SensitiveTextFuzzTest {

  private static String digits(String s) {
    return s.replaceAll("[^0-9]", "");
  }

  @FuzzTest(maxDuration = "5s")
  void scan(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    SensitiveText detector = SensitiveText.defaults();
    List<Finding> found = detector.scan(text);
    int previousEnd = 0;
    for (Finding f : found) {
      assertTrue(f.start() >= previousEnd && f.end() <= text.length() && f.start() < f.end(), f::toString);
      assertEquals(0, f.messageIndex());
      previousEnd = f.end();
    }
    String redacted = detector.redact(text);
    assertEquals(SensitiveText.apply(text, found, 0), redacted);
    for (Finding again : detector.scan(redacted)) {
      if (again.kind() == Kind.CARD_NUMBER) {
        String digits = digits(redacted.substring(again.start(), again.end()));
        for (Finding f : found) {
          assertFalse(f.kind() == Kind.CARD_NUMBER && digits.equals(digits(text.substring(f.start(), f.end()))),
              "a found card number is still there after redaction");
        }
      }
    }
    try (ConversationScanner chat = detector.conversation()) {
      int half = text.length() / 2;
      chat.scan(text.substring(0, half));
      for (Finding f : chat.scan(text.substring(half))) {
        assertTrue(f.messageIndex() <= 1 && f.start() >= 0 && f.end() <= text.length(), f::toString);
      }
    }
  }
}
