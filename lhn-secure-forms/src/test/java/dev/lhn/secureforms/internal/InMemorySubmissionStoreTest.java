package dev.lhn.secureforms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lhn.secureforms.StoreFullException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What only the in-memory store has; the SPI contract itself is tested by the TCK. */
class InMemorySubmissionStoreTest {
  private static final Instant T = Instant.parse("2026-11-29T10:00:00Z");

  private static StoredSubmission row() {
    SubmissionMetadata m = new SubmissionMetadata(SubmissionId.random(new SecureRandom()), "f", 1, "c", T, 0, 1, 1,
        null, T.plusSeconds(60), T.plusSeconds(60), null, null, Map.of(), Map.of());
    return new StoredSubmission(m, new byte[] {1});
  }

  @Test
  void full_isAClearError_andAPurgeMakesRoom() {
    SubmissionStore store = SubmissionStore.inMemory(2);
    store.insert(row());
    StoredSubmission second = row();
    store.insert(second);
    assertEquals("in-memory store is full: it holds at most 2 submissions (SubmissionStore.inMemory(maxSubmissions))",
        assertThrows(StoreFullException.class, () -> store.insert(row())).getMessage());
    store.delete(second.metadata().id());
    store.insert(row());
    assertEquals(2, store.purgeDue(T.plusSeconds(60), 10).size());
    store.insert(row());
  }

  @Test
  void endedConversations_areBounded_theShortestRememberedIsForgottenFirst() {
    InMemorySubmissionStore store = new InMemorySubmissionStore(3);
    store.endConversation("a", T, T.plusSeconds(300));
    store.endConversation("b", T, T.plusSeconds(100));
    store.endConversation("c", T, T.plusSeconds(200));
    assertEquals(T, store.endConversation("d", T, T.plusSeconds(400)), "a fourth end never fails");
    assertEquals(java.util.Optional.empty(), store.conversationEndedAt("b", T), "b had the least time left");
    for (String kept : new String[] {"a", "c", "d"}) {
      assertEquals(java.util.Optional.of(T), store.conversationEndedAt(kept, T), kept);
    }
  }

  @Test
  void maxSubmissions_mustBePositive() {
    assertEquals("maxSubmissions must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> SubmissionStore.inMemory(0)).getMessage());
  }
}
