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
import dev.lhn.secureforms.schema.RevealPolicy;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Canaries;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecureFormsTest {
  private final ManualClock clock = ManualClock.at("2026-11-29T10:00:00Z");
  private final SubmissionStore store = SubmissionStore.inMemory();
  private final TestKeys.FlakyKek kek = new TestKeys.FlakyKek(TestKeys.freshKek());
  private final List<FormEvent> events = new CopyOnWriteArrayList<>();
  private final EpochKeyStore epochKeys = EpochKeyStore.inMemory();
  private final SecureForms forms = SecureForms.builder()
      .keyEncryptionKey(kek)
      .store(store)
      .epochKeyStore(epochKeys)
      .clock(clock)
      .listener(events::add)
      .retentionScheduler(RetentionScheduler.disabled())
      .build();
  private final Viewer operator = Viewer.of("operator-7");

  @AfterEach
  void close() {
    forms.close();
  }

  private SubmissionReceipt submitCard() {
    return forms.submit(Forms.card(), "conversation-42", Forms.cardValues());
  }

  @Test
  void reveal_once_returnsPlaintext_thenEmpty() {
    SubmissionReceipt receipt = submitCard();
    try (RevealedSubmission r = forms.reveal(receipt.id(), operator).orElseThrow()) {
      assertEquals("4242424242424242", r.value("pan"));
      assertEquals("12/2039", r.value("exp"));
      assertEquals("Jane Q. Public", r.value("name"));
      assertEquals(0, r.viewsLeft());
      // the toString carries the random submission id: "4242" alone could occur in it by chance (#9)
      assertEquals(List.of(), new Canaries(Map.of("pan", "4242424242424242", "pan as typed", "4242 4242 4242 4242",
          "name", "Jane Q. Public")).leaksIn(r.toString()), r.toString());
    }
    assertEquals(Optional.empty(), forms.reveal(receipt.id(), operator));
    assertEquals(Optional.empty(), forms.status(receipt.id()));
    assertEquals(List.of("submitted", "revealed", "purged"), events.stream().map(FormEvent::type).toList());
    assertEquals(PurgeReason.REVEALED, ((FormEvent.Purged) events.get(2)).reason());
  }

  @Test
  void revealed_close_wipesValues() {
    SubmissionReceipt receipt = submitCard();
    RevealedSubmission r = forms.reveal(receipt.id(), operator).orElseThrow();
    byte[] copy = r.utf8("pan");
    r.close();
    assertTrue(r.isClosed());
    assertThrows(IllegalStateException.class, () -> r.value("pan"));
    assertEquals("4242424242424242", new String(copy, java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void status_showsMaskedPreview_andNeverConsumesAView() {
    SubmissionReceipt receipt = submitCard();
    for (int i = 0; i < 3; i++) {
      SubmissionStatus s = forms.status(receipt.id()).orElseThrow();
      assertEquals("Visa ****4242", s.preview().get("pan"));
      assertEquals("****", s.preview().get("cvc"));
      assertEquals(1, s.viewsLeft());
      assertEquals(Instant.parse("2026-11-30T10:00:00Z"), s.purgeAt());
    }
    assertEquals(0, kek.decrypts.get(), "status must never decrypt");
    assertTrue(forms.reveal(receipt.id(), operator).isPresent());
  }

  @Test
  void views_limitedToThree() {
    SubmissionReceipt receipt = forms.submit(Forms.card(RevealPolicy.views(3)), "c", Forms.cardValues());
    for (int left = 2; left >= 0; left--) {
      try (RevealedSubmission r = forms.reveal(receipt.id(), operator).orElseThrow()) {
        assertEquals(left, r.viewsLeft());
      }
    }
    assertTrue(forms.reveal(receipt.id(), operator).isEmpty());
  }

  @Test
  void revealWindow_closesAfterFirstView() {
    SubmissionReceipt receipt = forms.submit(
        Forms.card(RevealPolicy.views(3).within(Duration.ofMinutes(10))), "c", Forms.cardValues());
    clock.advance(Duration.ofHours(2));
    forms.reveal(receipt.id(), operator).orElseThrow().close();
    clock.advance(Duration.ofMinutes(9).plusSeconds(59));
    forms.reveal(receipt.id(), operator).orElseThrow().close();
    clock.advance(Duration.ofSeconds(1));
    assertTrue(forms.reveal(receipt.id(), operator).isEmpty());
    assertEquals(1, forms.purgeDue());
    assertEquals(PurgeReason.REVEAL_WINDOW, ((FormEvent.Purged) events.get(events.size() - 1)).reason());
  }

  @Test
  void conversationEnd_plusOneHour_revealableAt5959_notAt1h() {
    SubmissionReceipt receipt = submitCard();
    clock.advance(Duration.ofMinutes(5));
    assertEquals(1, forms.conversationEnded("conversation-42"));
    clock.advance(Duration.ofMinutes(59).plusSeconds(59));
    assertTrue(forms.status(receipt.id()).isPresent());
    clock.advance(Duration.ofSeconds(1));
    assertTrue(forms.status(receipt.id()).isEmpty());
    assertTrue(forms.reveal(receipt.id(), operator).isEmpty(), "due is never revealed, scheduler or not");
    assertEquals(1, forms.purgeDue());
    assertEquals(0, forms.purgeDue(), "purgeDue run twice purges nothing the second time");
    FormEvent.Purged last = (FormEvent.Purged) events.get(events.size() - 1);
    assertEquals(PurgeReason.CONVERSATION_ENDED, last.reason());
  }

  @Test
  void conversationEnd_revealableBoundary_exactlyOneHour() {
    SubmissionReceipt receipt = submitCard();
    forms.conversationEnded("conversation-42");
    clock.advance(Duration.ofMinutes(59).plusSeconds(59));
    try (RevealedSubmission r = forms.reveal(receipt.id(), operator).orElseThrow()) {
      assertFalse(r.has("cvc"), "the card code's own retention ended with the conversation");
      assertTrue(r.has("pan"));
    }
  }

  @Test
  void conversationEnd_purgesFieldWithZeroOffset_immediately() {
    SubmissionReceipt receipt = submitCard();
    forms.conversationEnded("conversation-42");
    assertFalse(forms.status(receipt.id()).orElseThrow().preview().containsKey("cvc"));
    assertTrue(events.stream().anyMatch(e -> e instanceof FormEvent.Purged p
        && p.reason() == PurgeReason.FIELD && "cvc".equals(p.field())));
    assertEquals(0, forms.purgeDue());
  }

  @Test
  void conversationEnd_zeroOffset_purgesAtOnce() {
    FormSchema form = FormSchema.builder("chat-only")
        .field(Field.text("note"))
        .retention(RetentionPolicy.maxAge(Duration.ofDays(1)).andAfterConversationEnd(Duration.ZERO))
        .build();
    SubmissionReceipt receipt = forms.submit(form, "c-0", Map.of("note", "hello"));
    forms.conversationEnded("c-0");
    assertTrue(forms.reveal(receipt.id(), operator).isEmpty());
    assertEquals(0, forms.purgeDue(), "already purged when the conversation ended");
  }

  @Test
  void maxAge_purges() {
    SubmissionReceipt receipt = submitCard();
    clock.advance(Duration.ofHours(24).minusMillis(1));
    assertTrue(forms.status(receipt.id()).isPresent());
    clock.advance(Duration.ofMillis(1));
    assertTrue(forms.status(receipt.id()).isEmpty());
    assertEquals(1, forms.purgeDue());
    assertEquals(PurgeReason.MAX_AGE, ((FormEvent.Purged) events.get(events.size() - 1)).reason());
    assertEquals(0, forms.purgeDue());
  }

  @Test
  void fieldMaxAge_hidesThenPurgesTheField() {
    FormSchema form = FormSchema.builder("f")
        .field(Field.text("keep"))
        .field(Field.text("short").retention(RetentionPolicy.maxAge(Duration.ofMinutes(5))))
        .revealPolicy(RevealPolicy.views(5))
        .build();
    SubmissionReceipt receipt = forms.submit(form, "c", Map.of("keep", "a", "short", "b"));
    clock.advance(Duration.ofMinutes(5));
    assertFalse(forms.status(receipt.id()).orElseThrow().preview().containsKey("short"));
    try (RevealedSubmission r = forms.reveal(receipt.id(), operator).orElseThrow()) {
      assertEquals(java.util.Set.of("keep"), r.fieldNames());
    }
    assertEquals(1, forms.purgeDue());
    assertEquals(0, forms.purgeDue());
  }

  @Test
  void purgeField_dropsTheCardCode_withoutTheKek() {
    SubmissionReceipt receipt = submitCard();
    int kekCalls = kek.decrypts.get();
    kek.down.set(true);
    assertTrue(forms.purgeField(receipt.id(), "cvc"));
    assertFalse(forms.purgeField(receipt.id(), "cvc"), "already gone");
    kek.down.set(false);
    assertEquals(kekCalls, kek.decrypts.get(), "purgeField needs no key");
    try (RevealedSubmission r = forms.reveal(receipt.id(), operator).orElseThrow()) {
      assertFalse(r.has("cvc"));
      assertEquals("4242424242424242", r.value("pan"));
    }
  }

  @Test
  void purge_manual() {
    SubmissionReceipt receipt = submitCard();
    assertTrue(forms.purge(receipt.id()));
    assertFalse(forms.purge(receipt.id()));
    assertTrue(forms.reveal(receipt.id(), operator).isEmpty());
  }

  @Test
  void kekOutage_failsReveal_andLeavesViews() {
    SubmissionReceipt receipt = forms.submit(Forms.card(RevealPolicy.views(2)), "c", Forms.cardValues());
    // another instance, whose cache does not hold the epoch key yet, must unwrap it: the KEK is down
    try (SecureForms cold = SecureForms.builder().keyEncryptionKey(kek).store(store).epochKeyStore(epochKeys)
        .clock(clock).retentionScheduler(RetentionScheduler.disabled()).build()) {
      kek.down.set(true);
      KekUnavailableException e = assertThrows(KekUnavailableException.class, () -> cold.reveal(receipt.id(), operator));
      assertTrue(e.getMessage().startsWith("the key-encryption key could not unwrap epoch key "), e.getMessage());
      assertEquals(null, e.getCause());
      assertEquals(2, forms.status(receipt.id()).orElseThrow().viewsLeft(), "nothing consumed");
      try (RevealedSubmission r = forms.reveal(receipt.id(), operator).orElseThrow()) {
        assertEquals(1, r.viewsLeft(), "the instance that holds the epoch key needs no KEK call");
      }
      kek.down.set(false);
      try (RevealedSubmission r = cold.reveal(receipt.id(), operator).orElseThrow()) {
        assertEquals(0, r.viewsLeft());
      }
    }
  }

  @Test
  void authorizer_denies_consumesNothing_andIsAudited() {
    try (SecureForms strict = SecureForms.builder().keyEncryptionKey(kek).store(store).clock(clock)
        .listener(events::add).retentionScheduler(RetentionScheduler.disabled())
        .revealAuthorizer((viewer, status) -> viewer.operatorId().equals("supervisor"))
        .build()) {
      SubmissionReceipt receipt = strict.submit(Forms.card(), "c", Forms.cardValues());
      RevealDeniedException e = assertThrows(RevealDeniedException.class,
          () -> strict.reveal(receipt.id(), operator));
      assertEquals("operator-7", e.operatorId());
      assertEquals(1, strict.status(receipt.id()).orElseThrow().viewsLeft());
      assertTrue(events.stream().anyMatch(ev -> ev instanceof FormEvent.RevealDenied));
      assertTrue(strict.reveal(receipt.id(), Viewer.of("supervisor")).isPresent());
    }
  }

  @Test
  void authorizer_thatThrows_deniesFailClosed() {
    try (SecureForms strict = SecureForms.builder().keyEncryptionKey(kek).store(store).clock(clock)
        .retentionScheduler(RetentionScheduler.disabled())
        .revealAuthorizer((viewer, status) -> {
          throw new IllegalStateException("directory down");
        })
        .build()) {
      SubmissionReceipt receipt = strict.submit(Forms.card(), "c", Forms.cardValues());
      assertThrows(RevealDeniedException.class, () -> strict.reveal(receipt.id(), operator));
      assertEquals(1, strict.status(receipt.id()).orElseThrow().viewsLeft());
    }
  }

  @Test
  void listenerThatThrows_isSwallowed() {
    try (SecureForms f = SecureForms.builder().keyEncryptionKey(kek).store(store).clock(clock)
        .retentionScheduler(RetentionScheduler.disabled())
        .listener(e -> {
          throw new IllegalStateException("webhook down");
        })
        .build()) {
      SubmissionReceipt receipt = f.submit(Forms.card(), "c", Forms.cardValues());
      assertTrue(f.reveal(receipt.id(), operator).isPresent());
    }
  }

  @Test
  void invalidSubmission_storesNothing() {
    Map<String, String> bad = new java.util.HashMap<>(Forms.cardValues());
    bad.put("pan", "4242 4242 4242 4241");
    InvalidSubmissionException e = assertThrows(InvalidSubmissionException.class,
        () -> forms.submit(Forms.card(), "c", bad));
    assertEquals("luhn", e.violationsOf("pan").get(0).rule());
    assertTrue(events.isEmpty());
    assertEquals(0, forms.purgeDue());
  }

  @Test
  void builder_rejectsMissingAndRepeatedOptions() {
    assertEquals("keyEncryptionKey is required (a Tink Aead: a KMS key or a local keyset)",
        assertThrows(IllegalStateException.class, () -> SecureForms.builder().store(store).build()).getMessage());
    assertEquals("store is required (SubmissionStore.inMemory() or a JDBC store)",
        assertThrows(IllegalStateException.class, () -> SecureForms.builder().keyEncryptionKey(kek).build()).getMessage());
    assertEquals("keyEncryptionKey was already set to <masked>",
        assertThrows(IllegalStateException.class,
            () -> SecureForms.builder().keyEncryptionKey(kek).keyEncryptionKey(kek)).getMessage());
    assertEquals("purgeBatchSize must be 1 to 10000, got 0",
        assertThrows(IllegalArgumentException.class, () -> SecureForms.builder().purgeBatchSize(0)).getMessage());
  }

  @Test
  void journal_recordsEveryEvent_andVerifies() {
    SubmissionReceipt receipt = submitCard();
    forms.reveal(receipt.id(), operator).orElseThrow().close();
    assertEquals(events.size(), forms.history(receipt.id()).size());
    assertTrue(forms.sealJournal() >= 2);
    assertTrue(forms.verifyJournal(null).ok());
  }

  @Test
  void conversationEnded_rejectsBadIds() {
    assertThrows(IllegalArgumentException.class, () -> forms.conversationEnded(""));
    assertThrows(NullPointerException.class, () -> forms.conversationEnded(null));
  }

  @Test
  void status_previewKeepsFormOrder() {
    SubmissionReceipt receipt = submitCard();
    assertEquals(List.of("name", "pan", "exp", "cvc", "postal", "email"),
        List.copyOf(forms.status(receipt.id()).orElseThrow().preview().keySet()));
  }

  @Test
  void onDemandPurges_nameTheOperator() {
    SubmissionReceipt receipt = submitCard();
    assertTrue(forms.purgeField(receipt.id(), "cvc", Viewer.of("cashier-3")));
    assertTrue(forms.purge(receipt.id(), Viewer.of("cashier-3")));
    List<FormEvent.Purged> purges = events.stream().filter(e -> e instanceof FormEvent.Purged)
        .map(e -> (FormEvent.Purged) e).toList();
    assertEquals(2, purges.size());
    assertEquals(PurgeReason.FIELD, purges.get(0).reason());
    assertEquals("cvc", purges.get(0).field());
    assertEquals(PurgeReason.MANUAL, purges.get(1).reason());
    purges.forEach(p -> assertEquals("cashier-3", p.operatorId()));
  }

  @Test
  void conversationEnded_emitsTheNewDeadline() {
    SubmissionReceipt receipt = submitCard();
    clock.advance(Duration.ofMinutes(10));
    forms.conversationEnded("conversation-42");
    FormEvent.ConversationEnded e = events.stream().filter(ev -> ev instanceof FormEvent.ConversationEnded)
        .map(ev -> (FormEvent.ConversationEnded) ev).findFirst().orElseThrow();
    assertEquals(receipt.id(), e.submissionId());
    assertEquals(Instant.parse("2026-11-29T11:10:00Z"), e.purgeAt());
    assertTrue(e.toJson().endsWith("\"purgeAt\":\"2026-11-29T11:10:00Z\"}"), e.toJson());
    assertEquals(0, forms.conversationEnded("conversation-42"), "ending it again changes nothing");
  }

  @Test
  void conversationEnded_losingARaceToAFieldPurge_neverResurrectsThePurgedField() {
    SubmissionStore inner = SubmissionStore.inMemory();
    java.util.concurrent.atomic.AtomicReference<Runnable> beforeFirstReplace = new java.util.concurrent.atomic.AtomicReference<>();
    SubmissionStore racing = new CanaryTest.CorruptingStore(inner) {
      @Override
      public boolean replace(dev.lhn.secureforms.spi.StoredSubmission replacement, long expectedVersion,
          dev.lhn.secureforms.spi.Evidence evidence) {
        Runnable r = beforeFirstReplace.getAndSet(null);
        if (r != null) {
          r.run(); // a concurrent purgeField wins the race
        }
        return super.replace(replacement, expectedVersion, evidence);
      }
    };
    try (SecureForms f = SecureForms.builder().keyEncryptionKey(kek).store(racing).clock(clock)
        .epochKeyStore(EpochKeyStore.inMemory()).retentionScheduler(RetentionScheduler.disabled()).build()) {
      SubmissionReceipt receipt = f.submit(Forms.card(RevealPolicy.views(2)), "c-race", Forms.cardValues());
      beforeFirstReplace.set(() -> assertTrue(f.purgeField(receipt.id(), "email")));
      assertEquals(1, f.conversationEnded("c-race"));
      try (RevealedSubmission r = f.reveal(receipt.id(), operator).orElseThrow()) {
        assertFalse(r.has("email"), "the purged field must stay purged");
        assertTrue(r.has("pan"));
      }
      assertFalse(f.status(receipt.id()).orElseThrow().preview().containsKey("email"));
    }
  }
}
