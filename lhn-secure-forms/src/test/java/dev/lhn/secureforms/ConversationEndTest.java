package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.retention.PurgeReason;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.spi.ClaimAction;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.ForwardingStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A conversation's end against reveals and submissions that race it: the end wins whenever it committed
 * first, on the in-memory store and through a store that holds a claim back the way a row lock does.
 */
class ConversationEndTest {
  private static final Duration MEMORY = Duration.ofDays(2);
  private static final Map<String, String> PAN_AND_CODE = Map.of("pan", "4242 4242 4242 4242", "cvc", "123");

  private final ManualClock clock = ManualClock.at("2026-11-29T10:00:00Z");
  private final SubmissionStore memory = SubmissionStore.inMemory();
  private final EpochKeyStore epochKeys = EpochKeyStore.inMemory();
  private final List<FormEvent> events = new CopyOnWriteArrayList<>();
  private final Viewer operator = Viewer.of("operator-7");
  private SecureForms forms;

  private SecureForms formsOn(SubmissionStore store) {
    forms = SecureForms.builder()
        .keyEncryptionKey(TestKeys.freshKek())
        .store(store)
        .clock(clock)
        .listener(events::add)
        .endedConversationMemory(MEMORY)
        .epochKeyStore(epochKeys)
        .retentionScheduler(RetentionScheduler.disabled())
        .build();
    return forms;
  }

  @AfterEach
  void close() {
    if (forms != null) {
      forms.close();
    }
  }

  /** A card form purged as the conversation ends: nothing of it outlives the chat. */
  private static FormSchema purgedAtEnd() {
    return FormSchema.builder("card-at-end")
        .field(Field.cardNumber("pan"))
        .field(Field.cardCvc("cvc"))
        .retention(RetentionPolicy.maxAge(Duration.ofHours(24)).andAfterConversationEnd(Duration.ZERO))
        .build();
  }

  /**
   * The defect: reveal read the clock once before its claim; the claim then got the row after another
   * instance's conversation end had committed (deadline now in the past, card code due at once), and the
   * stale time passed both checks. Here the store holds the claim back until the end has committed, as a
   * row lock held by the ending instance's transaction does on PostgreSQL.
   */
  @Test
  void reveal_claimGetsTheRowAfterTheConversationEndCommitted_revealsNothing() throws Exception {
    CountDownLatch claimWaiting = new CountDownLatch(1);
    CountDownLatch endCommitted = new CountDownLatch(1);
    SecureForms revealing = formsOn(new ForwardingStore(memory) {
      @Override
      public <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action,
          java.util.function.Function<StoredSubmission, dev.lhn.secureforms.spi.Evidence> evidence) {
        claimWaiting.countDown();
        await(endCommitted);
        return super.claim(id, now, action, evidence);
      }
    });
    SubmissionReceipt receipt = revealing.submit(purgedAtEnd(), "conv-race", PAN_AND_CODE);
    try (SecureForms ending = SecureForms.builder().keyEncryptionKey(TestKeys.freshKek()).store(memory)
        .clock(clock).retentionScheduler(RetentionScheduler.disabled()).build()) {
      CompletableFuture<Optional<RevealedSubmission>> reveal =
          CompletableFuture.supplyAsync(() -> revealing.reveal(receipt.id(), operator));
      assertTrue(claimWaiting.await(10, TimeUnit.SECONDS), "the reveal reached its claim");
      clock.advance(Duration.ofSeconds(1));
      // the other instance's end: moves the deadline to now (the row is only held back, not yet claimed)
      StoredSubmission row = memory.find(receipt.id(), clock.instant()).orElseThrow();
      assertTrue(memory.replace(row.withMetadata(row.metadata().withConversationEnded(clock.instant())), 0));
      endCommitted.countDown();
      Optional<RevealedSubmission> revealed = reveal.get(10, TimeUnit.SECONDS);
      assertEquals(Optional.empty(), revealed, "nothing revealed after the end committed");
    }
    assertTrue(events.stream().noneMatch(e -> e instanceof FormEvent.Revealed), events.toString());
    assertTrue(events.stream().noneMatch(e -> e instanceof FormEvent.RevealFailed), "an empty reveal is no failure");
  }

  /** The same race for a form that keeps the submission after the end, but not the card code. */
  @Test
  void reveal_claimGetsTheRowAfterTheEnd_cardCodeDueAtOnce_isNotRevealed() throws Exception {
    CountDownLatch claimWaiting = new CountDownLatch(1);
    CountDownLatch endCommitted = new CountDownLatch(1);
    SecureForms revealing = formsOn(new ForwardingStore(memory) {
      @Override
      public <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action,
          java.util.function.Function<StoredSubmission, dev.lhn.secureforms.spi.Evidence> evidence) {
        claimWaiting.countDown();
        await(endCommitted);
        return super.claim(id, now, action, evidence);
      }
    });
    SubmissionReceipt receipt = revealing.submit(Forms.card(), "conv-race-2", Forms.cardValues());
    CompletableFuture<Optional<RevealedSubmission>> reveal =
        CompletableFuture.supplyAsync(() -> revealing.reveal(receipt.id(), operator));
    assertTrue(claimWaiting.await(10, TimeUnit.SECONDS));
    clock.advance(Duration.ofSeconds(1));
    StoredSubmission row = memory.find(receipt.id(), clock.instant()).orElseThrow();
    assertTrue(memory.replace(row.withMetadata(row.metadata().withConversationEnded(clock.instant())), 0));
    endCommitted.countDown();
    try (RevealedSubmission r = reveal.get(10, TimeUnit.SECONDS).orElseThrow()) {
      assertEquals("4242424242424242", r.value("pan"), "the form keeps the card number for an hour");
      assertFalse(r.fieldNames().contains("cvc"), "the card code was due the moment the conversation ended");
    }
  }

  @Test
  void submit_afterTheConversationEnded_formKeepsNothingAfterTheEnd_isRefusedAndStoresNothing() {
    SecureForms f = formsOn(memory);
    f.conversationEnded("conv-over");
    clock.advance(Duration.ofMinutes(5));
    ConversationEndedException e = assertThrows(ConversationEndedException.class,
        () -> f.submit(purgedAtEnd(), "conv-over", PAN_AND_CODE));
    assertEquals("form 'card-at-end' was submitted after its conversation ended (at 2026-11-29T10:00:00Z), and the"
        + " form keeps nothing past that end: nothing was stored", e.getMessage());
    assertEquals("card-at-end", e.formId());
    assertEquals(List.of(), memory.findByConversation("conv-over", clock.instant()));
    assertTrue(events.stream().noneMatch(ev -> ev instanceof FormEvent.Submitted), events.toString());
  }

  @Test
  void submit_afterTheConversationEnded_getsTheEndRulesAtOnce_withoutTheCardCode() {
    SecureForms f = formsOn(memory);
    Instant end = clock.instant();
    f.conversationEnded("conv-late");
    clock.advance(Duration.ofMinutes(20));
    SubmissionReceipt receipt = f.submit(Forms.card(), "conv-late", Forms.cardValues());
    assertEquals(end.plus(Duration.ofHours(1)), receipt.purgeAt(), "an hour after the end, not 24 h after submit");
    StoredSubmission stored = memory.find(receipt.id(), clock.instant()).orElseThrow();
    assertEquals(end, stored.metadata().conversationEndedAt());
    assertEquals(0, stored.metadata().version());
    assertFalse(stored.metadata().preview().containsKey("cvc"), "the card code was never stored");
    assertFalse(stored.metadata().fieldRetention().containsKey("cvc"));
    try (RevealedSubmission r = f.reveal(receipt.id(), operator).orElseThrow()) {
      assertEquals("4242424242424242", r.value("pan"));
      assertFalse(r.fieldNames().contains("cvc"));
    }
    FormEvent.Purged cvc = events.stream().filter(e -> e instanceof FormEvent.Purged p && "cvc".equals(p.field()))
        .map(FormEvent.Purged.class::cast).findFirst().orElseThrow();
    assertEquals(PurgeReason.FIELD, cvc.reason());
    clock.set(end.plus(Duration.ofHours(1)));
    assertEquals(Optional.empty(), f.status(receipt.id()), "due an hour after the end");
  }

  /**
   * Another instance records the end after this submit looked for it but before the end's own listing
   * saw this submission: the look after storing catches it.
   */
  @Test
  void submit_conversationEndsWhileItIsStored_getsTheEndRules() {
    SecureForms f = formsOn(new ForwardingStore(memory) {
      @Override
      public void insert(StoredSubmission submission, dev.lhn.secureforms.spi.Evidence evidence) {
        super.insert(submission, evidence);
        // the other instance: its end is recorded now, its listing ran a moment before this insert
        memory.endConversation(submission.metadata().conversationId(), clock.instant(), clock.instant().plus(MEMORY));
      }
    });
    SubmissionReceipt receipt = f.submit(purgedAtEnd(), "conv-meanwhile", PAN_AND_CODE);
    assertEquals(receipt.submittedAt(), receipt.purgeAt(), "due at the end, which is now");
    assertEquals(Optional.empty(), memory.find(receipt.id(), clock.instant().minusSeconds(1)), "purged at once");
    assertEquals(List.of("submitted", "conversation-ended", "purged"), events.stream().map(FormEvent::type).toList());
    assertEquals(PurgeReason.CONVERSATION_ENDED, ((FormEvent.Purged) events.get(2)).reason());
  }

  @Test
  void endedConversation_isForgottenAfterItsMemory_thenSubmissionsLiveNormally() {
    SecureForms f = formsOn(memory);
    f.conversationEnded("conv-forgotten");
    clock.advance(MEMORY);
    assertEquals(0, f.purgeDue());
    assertEquals(0, memory.forgetEndedConversations(Instant.MAX, 10), "purgeDue forgot it already");
    SubmissionReceipt receipt = f.submit(purgedAtEnd(), "conv-forgotten", PAN_AND_CODE);
    assertEquals(clock.instant().plus(Duration.ofHours(24)), receipt.purgeAt());
  }

  @Test
  void conversationEnded_twice_keepsTheFirstEnd() {
    SecureForms f = formsOn(memory);
    SubmissionReceipt receipt = f.submit(Forms.card(), "conv-twice", Forms.cardValues());
    Instant first = clock.instant();
    assertEquals(1, f.conversationEnded("conv-twice"));
    clock.advance(Duration.ofMinutes(30));
    assertEquals(0, f.conversationEnded("conv-twice"), "already ended");
    assertEquals(first.plus(Duration.ofHours(1)), f.status(receipt.id()).orElseThrow().purgeAt());
  }

  @Test
  void endedConversationMemory_checksItsRange() {
    SecureForms.Builder b = SecureForms.builder();
    assertEquals("endedConversationMemory must be 1 minute to 366 days in whole milliseconds, got PT59S",
        assertThrows(IllegalArgumentException.class, () -> b.endedConversationMemory(Duration.ofSeconds(59)))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.endedConversationMemory(Duration.ofDays(367)));
    assertThrows(IllegalArgumentException.class,
        () -> b.endedConversationMemory(Duration.ofMinutes(2).plusNanos(1)));
    b.endedConversationMemory(Duration.ofDays(1));
    assertEquals("endedConversationMemory was already set to PT24H",
        assertThrows(IllegalStateException.class, () -> b.endedConversationMemory(Duration.ofDays(1))).getMessage());
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
