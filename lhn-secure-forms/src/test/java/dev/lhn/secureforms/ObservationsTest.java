package dev.lhn.secureforms;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObservationsTest {
  private final ManualClock clock = ManualClock.at("2026-11-29T10:00:00Z");
  private final TestObservationRegistry registry = TestObservationRegistry.create();
  private final List<String> events = new ArrayList<>();
  /** Every observation, in the order they stopped. */
  private final List<Observation.Context> stopped = new ArrayList<>();
  private final TestKeys.FlakyKek kek = new TestKeys.FlakyKek(TestKeys.freshKek());
  private final SubmissionStore store = SubmissionStore.inMemory();
  private final dev.lhn.secureforms.keys.EpochKeyStore epochKeys = dev.lhn.secureforms.keys.EpochKeyStore.inMemory();
  private final SecureForms forms;

  ObservationsTest() {
    registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {
      @Override
      public void onEvent(Observation.Event event, Observation.Context context) {
        events.add(context.getName() + ":" + event.getName());
      }

      @Override
      public void onStop(Observation.Context context) {
        stopped.add(context);
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }
    });
    forms = SecureForms.builder()
        .keyEncryptionKey(kek)
        .store(store)
        .epochKeyStore(epochKeys)
        .clock(clock)
        .retentionScheduler(RetentionScheduler.disabled())
        .observationRegistry(registry)
        .build();
  }

  @AfterEach
  void close() {
    forms.close();
  }

  private List<Observation.Context> named(String name) {
    return stopped.stream().filter(c -> c.getName().equals(name)).collect(Collectors.toList());
  }

  private static String outcome(Observation.Context c) {
    KeyValue kv = c.getLowCardinalityKeyValue("outcome");
    return kv == null ? null : kv.getValue();
  }

  private List<String> outcomes(String name) {
    return named(name).stream().map(ObservationsTest::outcome).collect(Collectors.toList());
  }

  @Test
  void submit_observesEachOutcome_withTheFormId() {
    forms.submit(Forms.card(), "conversation-42", Forms.cardValues());
    Map<String, String> bad = Forms.cardValues();
    bad.put("pan", "4242 4242 4242 4241");
    assertThrows(InvalidSubmissionException.class, () -> forms.submit(Forms.card(), "conversation-42", bad));
    forms.conversationEnded("conversation-ended-1");
    FormSchema endsWithChat = FormSchema.builder("chat-note")
        .field(Field.text("note").maxLength(80))
        .retention(RetentionPolicy.maxAge(Duration.ofHours(1)).andAfterConversationEnd(Duration.ZERO))
        .build();
    assertThrows(ConversationEndedException.class,
        () -> forms.submit(endsWithChat, "conversation-ended-1", Map.of("note", "hello")));
    kek.down.set(true);
    // a new epoch key must be created (an hour later, another window): the KEK is down
    clock.advance(Duration.ofHours(1));
    assertThrows(KekUnavailableException.class, () -> forms.submit(Forms.card(), "conversation-42", Forms.cardValues()));

    assertEquals(List.of("stored", "invalid", "conversation-ended", "failed"), outcomes(Observations.SUBMIT));
    assertEquals(List.of("card-payment", "card-payment", "chat-note", "card-payment"),
        named(Observations.SUBMIT).stream().map(c -> c.getLowCardinalityKeyValue("form").getValue())
            .collect(Collectors.toList()));
    for (Observation.Context c : named(Observations.SUBMIT)) {
      assertEquals(List.of("form", "outcome"), keys(c).stream().sorted().collect(Collectors.toList()));
    }
    assertThat(registry)
        .hasNumberOfObservationsWithNameEqualTo(Observations.SUBMIT, 4)
        .hasObservationWithNameEqualTo(Observations.SUBMIT)
        .that()
        .hasLowCardinalityKeyValue("form", "card-payment")
        .hasLowCardinalityKeyValue("outcome", "stored")
        .hasBeenStarted()
        .hasBeenStopped();
    assertThat(registry).doesNotHaveAnyRemainingCurrentObservation();
  }

  @Test
  void reveal_observesRevealedEmptyDeniedAndFailed() {
    SubmissionReceipt a = forms.submit(Forms.card(), "conversation-42", Forms.cardValues());
    forms.reveal(a.id(), Viewer.of("operator-7")).orElseThrow().close();
    assertTrue(forms.reveal(a.id(), Viewer.of("operator-7")).isEmpty());

    try (SecureForms denying = SecureForms.builder().keyEncryptionKey(kek).store(SubmissionStore.inMemory())
        .clock(clock).retentionScheduler(RetentionScheduler.disabled())
        .revealAuthorizer((viewer, status) -> false).observationRegistry(registry).build()) {
      SubmissionReceipt b = denying.submit(Forms.card(), "conversation-43", Forms.cardValues());
      assertThrows(RevealDeniedException.class, () -> denying.reveal(b.id(), Viewer.of("operator-7")));
    }
    SubmissionReceipt c = forms.submit(Forms.card(), "conversation-44", Forms.cardValues());
    try (SecureForms cold = SecureForms.builder().keyEncryptionKey(kek).store(store).epochKeyStore(epochKeys)
        .clock(clock).retentionScheduler(RetentionScheduler.disabled()).observationRegistry(registry).build()) {
      kek.down.set(true); // an instance that has not cached the epoch key must unwrap it
      assertThrows(KekUnavailableException.class, () -> cold.reveal(c.id(), Viewer.of("operator-7")));
    }

    assertEquals(List.of("revealed", "empty", "denied", "failed"), outcomes(Observations.REVEAL));
    for (Observation.Context ctx : named(Observations.REVEAL)) {
      assertEquals(List.of("outcome"), keys(ctx), "reveal carries the outcome only");
    }
  }

  @Test
  void kek_observesEncryptAndDecrypt_withOutcome() {
    SubmissionReceipt a = forms.submit(Forms.card(), "conversation-42", Forms.cardValues());
    forms.reveal(a.id(), Viewer.of("operator-7")).orElseThrow().close();
    kek.down.set(true);
    clock.advance(Duration.ofHours(1)); // a new window: a new epoch key to wrap
    assertThrows(RuntimeException.class, () -> forms.submit(Forms.card(), "conversation-42", Forms.cardValues()));

    List<String> seen = named(Observations.KEK).stream()
        .map(c -> c.getLowCardinalityKeyValue("operation").getValue() + "/" + outcome(c))
        .collect(Collectors.toList());
    assertTrue(seen.contains("encrypt/success"), seen.toString());
    assertFalse(seen.contains("decrypt/success"), "the reveal used the epoch key it cached: " + seen);
    assertTrue(seen.contains("encrypt/failed"), seen.toString());
    Observation.Context failed = named(Observations.KEK).stream().filter(c -> "failed".equals(outcome(c)))
        .findFirst().orElseThrow();
    assertEquals("GeneralSecurityException", failed.getError().getMessage(), "only the class name reaches a span");
  }

  @Test
  void purge_observesEachRun_countsByReason_andTheLag() {
    assertEquals(Duration.ZERO, forms.purgeLag());
    assertEquals(Optional.empty(), forms.lastPurgeRun());
    forms.submit(Forms.card(), "conversation-42", Forms.cardValues());
    forms.submit(Forms.card(), "conversation-43", Forms.cardValues());
    assertEquals(0, forms.purgeDue());
    assertEquals(Duration.ZERO, forms.purgeLag(), "nothing purged: no lag");
    assertEquals(Optional.of(Instant.parse("2026-11-29T10:00:00Z")), forms.lastPurgeRun());

    clock.advance(Duration.ofHours(24).plusMinutes(3)); // the maximum age passed 3 minutes ago
    assertEquals(2, forms.purgeDue());
    assertEquals(Duration.ofMinutes(3), forms.purgeLag());
    assertEquals(Optional.of(Instant.parse("2026-11-30T10:03:00Z")), forms.lastPurgeRun());

    assertEquals(List.of("none", "purged"), outcomes(Observations.PURGE));
    Observation.Context run = named(Observations.PURGE).get(1);
    assertEquals("2", run.getHighCardinalityKeyValue("purged.count").getValue());
    assertEquals("180000", run.getHighCardinalityKeyValue("lag.ms").getValue());
    assertEquals(List.of(Observations.PURGE + ":purged.max-age", Observations.PURGE + ":purged.max-age"), events);
    assertEquals(List.of("outcome"), keys(run));

    assertEquals(0, forms.purgeDue());
    assertEquals(Duration.ZERO, forms.purgeLag(), "the next run found nothing late");
  }

  @Test
  void noKeyValue_evenHighCardinality_carriesAnIdAnOperatorAConversationOrAValue() {
    SubmissionReceipt a = forms.submit(Forms.card(), "conversation-canary-7731", Forms.cardValues());
    forms.status(a.id());
    forms.reveal(a.id(), Viewer.of("operator-canary-5519")).orElseThrow().close();
    clock.advance(Duration.ofDays(2));
    forms.purgeDue();
    List<String> forbidden = new ArrayList<>(Forms.cardValues().values());
    forbidden.addAll(List.of(a.id().toString(), "conversation-canary-7731", "operator-canary-5519", "4242424242424242"));
    assertFalse(stopped.isEmpty());
    for (Observation.Context c : stopped) {
      List<KeyValue> all = new ArrayList<>();
      c.getAllKeyValues().forEach(all::add);
      for (KeyValue kv : all) {
        for (String f : forbidden) {
          assertFalse(kv.getValue().contains(f), c.getName() + " " + kv.getKey() + " carries a forbidden value");
        }
      }
      assertFalse(String.valueOf(c.getContextualName()).contains("canary"));
    }
  }

  @Test
  void noopRegistry_isNotObservedAtAll() {
    assertSame(Instrumentation.NONE, Observations.of(ObservationRegistry.NOOP));
  }

  @Test
  void observationRegistry_setTwice_namesTheOption() {
    SecureForms.Builder b = SecureForms.builder().observationRegistry(registry);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.observationRegistry(registry));
    assertEquals("observationRegistry was already set to an ObservationRegistry", e.getMessage());
  }

  private static List<String> keys(Observation.Context c) {
    List<String> keys = new ArrayList<>();
    c.getLowCardinalityKeyValues().forEach(kv -> keys.add(kv.getKey()));
    return keys;
  }
}
