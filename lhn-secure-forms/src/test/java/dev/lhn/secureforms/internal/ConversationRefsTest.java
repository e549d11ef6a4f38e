package dev.lhn.secureforms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.subtle.Random;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConversationRefsTest {
  private final ConversationRefs refs = new ConversationRefs(Random.randBytes(64));

  @Test
  void ref_isDeterministic_opaque_andReversibleOnlyWithTheKey() {
    String phone = "+15551234567";
    String ref = refs.ref(phone);
    assertEquals(ref, refs.ref(phone), "equal ids, equal references: the store can look them up");
    assertTrue(ref.startsWith("c1."), ref);
    assertFalse(ref.contains("5551234567"), "the id does not show");
    assertNotEquals(ref, refs.ref("+15551234568"));
    assertEquals(Optional.of(phone), refs.hostId(ref));
    assertEquals(Optional.empty(), new ConversationRefs(Random.randBytes(64)).hostId(ref), "another key");
  }

  @Test
  void hostId_ofATamperedReference_isEmpty_ofAPlainId_isTheIdItself() {
    String ref = refs.ref("mail:jane@example.com");
    int mid = ref.length() / 2;
    String tampered = ref.substring(0, mid) + (ref.charAt(mid) == 'A' ? 'B' : 'A') + ref.substring(mid + 1);
    assertEquals(Optional.empty(), refs.hostId(tampered));
    assertEquals(Optional.empty(), refs.hostId("c1.!!not base64!!"));
    assertEquals(Optional.of("conversation-42"), refs.hostId("conversation-42"), "a row from before references");
  }

  @Test
  void longestId_fitsTheLimit() {
    String longest = "\uD83D\uDE00".repeat(64); // 128 UTF-16 units, 256 UTF-8 bytes
    assertTrue(refs.ref(longest).length() <= ConversationRefs.MAX_REF_LENGTH);
    String longestBytes = "\u20AC".repeat(128); // 384 UTF-8 bytes
    assertTrue(refs.ref(longestBytes).length() <= ConversationRefs.MAX_REF_LENGTH);
    assertThrows(IllegalArgumentException.class, () -> new ConversationRefs(new byte[16]));
  }
}
