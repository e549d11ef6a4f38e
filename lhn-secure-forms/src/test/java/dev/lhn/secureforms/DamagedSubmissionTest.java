package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.retention.PurgeReason;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.spi.DamagedSubmission;
import dev.lhn.secureforms.spi.PurgeBatch;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.CapturingLogs;
import dev.lhn.secureforms.testing.ForwardingStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rows that cannot be read back never stop the purge of others, never vanish without evidence, and are
 * never revealed. The JDBC store's own decoding is tested on real databases in {@code DamagedRowsTest}.
 */
class DamagedSubmissionTest {
  private final ManualClock clock = ManualClock.at("2026-11-29T10:00:00Z");
  private final SubmissionStore memory = SubmissionStore.inMemory();
  private final List<FormEvent> events = new CopyOnWriteArrayList<>();
  private SecureForms forms;

  private SecureForms formsOn(SubmissionStore store) {
    forms = SecureForms.builder()
        .keyEncryptionKey(TestKeys.freshKek())
        .store(store)
        .clock(clock)
        .listener(events::add)
        .purgeBatchSize(2)
        .epochKeyStore(EpochKeyStore.inMemory())
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

  /** A stored row whose envelope is not an envelope at all, with a card code due in one second. */
  private StoredSubmission malformed(String conversationId) {
    Instant t = clock.instant();
    SubmissionMetadata m = new SubmissionMetadata(SubmissionId.random(new java.security.SecureRandom()), "card-payment",
        1, conversationId, t, 0, 1, 1, null, t.plus(Duration.ofDays(1)), t.plus(Duration.ofDays(1)), null, null,
        Map.of("cvc", RetentionPolicy.maxAge(Duration.ofSeconds(1))), Map.of("cvc", "****"));
    return new StoredSubmission(m, new byte[] {0x01, 0x02, 0x03});
  }

  @Test
  void purgeDue_fieldOfAMalformedEnvelope_purgesItWhole_andStillPurgesTheOthers() {
    SecureForms f = formsOn(memory);
    List<SubmissionReceipt> good = new ArrayList<>();
    FormSchema codeForASecond = FormSchema.builder("code-for-a-second")
        .field(Field.cardNumber("pan"))
        .field(Field.cardCvc("cvc").retention(RetentionPolicy.maxAge(Duration.ofSeconds(1))))
        .build();
    for (int i = 0; i < 5; i++) {
      good.add(f.submit(codeForASecond, "conv-" + i, Map.of("pan", "4242424242424242", "cvc", "123")));
    }
    StoredSubmission bad = malformed("conv-bad");
    memory.insert(bad);
    clock.advance(Duration.ofSeconds(2));
    CapturingLogs.clear();
    f.purgeDue();
    assertTrue(CapturingLogs.lines().stream().anyMatch(l -> l.contains(bad.metadata().id().toString())
        && l.contains("malformed envelope")), CapturingLogs.lines().toString());
    assertEquals(Optional.empty(), memory.find(bad.metadata().id(), clock.instant()), "purged whole");
    FormEvent.Purged evidence = events.stream().filter(e -> e instanceof FormEvent.Purged p
        && p.submissionId().equals(bad.metadata().id())).map(FormEvent.Purged.class::cast).findFirst().orElseThrow();
    assertEquals(PurgeReason.DAMAGED, evidence.reason());
    for (SubmissionReceipt r : good) {
      assertFalse(memory.find(r.id(), clock.instant()).orElseThrow().metadata().preview().containsKey("cvc"),
          "the others' card codes were purged");
    }
  }

  @Test
  void purgeField_ofAMalformedEnvelope_purgesItWhole() {
    SecureForms f = formsOn(memory);
    StoredSubmission bad = malformed("conv-bad");
    memory.insert(bad);
    assertTrue(f.purgeField(bad.metadata().id(), "cvc", Viewer.of("operator-7")));
    assertEquals(Optional.empty(), memory.find(bad.metadata().id(), clock.instant()));
    assertEquals(List.of(PurgeReason.DAMAGED), events.stream().map(e -> ((FormEvent.Purged) e).reason()).toList());
    assertEquals("operator-7", events.get(0).operatorId());
  }

  @Test
  void purgeDue_damagedRowsOfABatch_areReportedAsPurgedEvents_andTheLoopGoesOn() {
    SubmissionId d1 = SubmissionId.random(new java.security.SecureRandom());
    SubmissionId d2 = SubmissionId.random(new java.security.SecureRandom());
    List<PurgeBatch> batches = new ArrayList<>(List.of(
        new PurgeBatch(List.of(), List.of(new DamagedSubmission(d1, "preview is not valid JSON"),
            new DamagedSubmission(d2, "envelope must have 1 to 1048576 bytes, got 0")))));
    SecureForms f = formsOn(new ForwardingStore(memory) {
      @Override
      public PurgeBatch purgeDue(Instant now, int batchSize,
          java.util.function.Function<PurgeBatch, dev.lhn.secureforms.spi.Evidence> evidence) {
        return batches.isEmpty() ? super.purgeDue(now, batchSize, evidence) : batches.remove(0);
      }
    });
    SubmissionReceipt due = f.submit(Forms.card(), "conv-x", Forms.cardValues());
    clock.advance(Duration.ofDays(2));
    CapturingLogs.clear();
    assertEquals(3, f.purgeDue(), "two damaged rows in a full batch, then the due one");
    assertTrue(CapturingLogs.lines().stream().anyMatch(l -> l.contains(d2.toString()) && l.contains("got 0")),
        CapturingLogs.lines().toString());
    assertEquals(List.of(d1, d2, due.id()), events.stream().filter(e -> e instanceof FormEvent.Purged)
        .map(FormEvent::submissionId).toList());
    assertEquals(List.of(PurgeReason.DAMAGED, PurgeReason.DAMAGED, PurgeReason.MAX_AGE), events.stream()
        .filter(e -> e instanceof FormEvent.Purged).map(e -> ((FormEvent.Purged) e).reason()).toList());
  }
}
