package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SecureForms#submissions(String)} (#15): a conversation's live submissions, masked, never decrypted. */
class ConversationSubmissionsTest {
  private final ManualClock clock = ManualClock.at("2026-11-29T10:00:00Z");
  private final TestKeys.FlakyKek kek = new TestKeys.FlakyKek(TestKeys.freshKek());
  private final SecureForms forms = SecureForms.builder()
      .keyEncryptionKey(kek)
      .store(SubmissionStore.inMemory())
      .clock(clock)
      .retentionScheduler(RetentionScheduler.disabled())
      .build();

  @AfterEach
  void close() {
    forms.close();
  }

  @Test
  void submissions_listsLiveOnes_masked_withoutDecrypting() {
    SubmissionReceipt a = forms.submit(Forms.card(), "conversation-42", Forms.cardValues());
    SubmissionReceipt b = forms.submit(Forms.card(dev.lhn.secureforms.schema.RevealPolicy.views(2)), "conversation-42", Forms.cardValues());
    forms.submit(Forms.card(), "conversation-other", Forms.cardValues());
    int decrypts = kek.decrypts.get();

    List<SubmissionStatus> listed = forms.submissions("conversation-42");

    assertEquals(Set.of(a.id(), b.id()), listed.stream().map(SubmissionStatus::id).collect(Collectors.toSet()));
    SubmissionStatus card = listed.stream().filter(s -> s.id().equals(a.id())).findFirst().orElseThrow();
    assertEquals("Visa ****4242", card.preview().get("pan"));
    assertEquals(decrypts, kek.decrypts.get(), "listing must never decrypt");
    assertThrows(UnsupportedOperationException.class, () -> listed.clear());
  }

  @Test
  void submissions_leavesOutRevealedAndDue() {
    SubmissionReceipt a = forms.submit(Forms.card(), "conversation-42", Forms.cardValues());
    forms.submit(Forms.card(), "conversation-42", Forms.cardValues());
    forms.reveal(a.id(), Viewer.of("operator-7")).orElseThrow().close();
    assertEquals(1, forms.submissions("conversation-42").size());
    clock.advance(Duration.ofDays(2));
    assertEquals(List.of(), forms.submissions("conversation-42"), "due, even before any purge ran");
    assertEquals(List.of(), forms.submissions("never-seen"));
  }

  @Test
  void submissions_checksTheConversationId() {
    assertThrows(NullPointerException.class, () -> forms.submissions(null));
    assertThrows(IllegalArgumentException.class, () -> forms.submissions(""));
  }
}
