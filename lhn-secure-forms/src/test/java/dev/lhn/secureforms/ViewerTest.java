package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ViewerTest {

  @ParameterizedTest(name = "blank: U+{0}")
  @ValueSource(strings = {" ", "   ", "\u00a0", "\u2003", "\u3000", "\u200b", "\ufeff", " \u200b "})
  void blankOrInvisible_isRejected(String id) {
    assertEquals("operatorId must not be blank: the audit trail needs who acted",
        assertThrows(IllegalArgumentException.class, () -> Viewer.of(id)).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"op\u202e7", "op\u2066x", "op\u200f", "op\u2028x", "op\u2029", "op\tx", "op\u0085",
      "op\ud800x", "op\udc00"})
  void controlFormatSeparatorOrUnpairedSurrogate_isRejected(String id) {
    assertEquals("operatorId must not contain control, format (such as bidirectional overrides), line-separator"
        + " or unpaired surrogate characters",
        assertThrows(IllegalArgumentException.class, () -> Viewer.of(id)).getMessage());
  }

  @Test
  void ordinaryIds_areKept() {
    for (String id : new String[] {"operator-7", "op 7", "Zoë", "agent@desk", "\ud83d\ude00-bot", "x"}) {
      assertEquals(id, Viewer.of(id).operatorId());
    }
  }

  @Test
  void length_isChecked() {
    assertThrows(IllegalArgumentException.class, () -> Viewer.of(""));
    assertThrows(IllegalArgumentException.class, () -> Viewer.of("x".repeat(129)));
    assertEquals(128, Viewer.of("x".repeat(128)).operatorId().length());
    assertThrows(NullPointerException.class, () -> Viewer.of(null));
  }
}
