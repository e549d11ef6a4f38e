package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.NormalizedValues;
import dev.lhn.secureforms.spi.ClaimAction;
import dev.lhn.secureforms.spi.PurgeBatch;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Canaries;
import dev.lhn.secureforms.testing.CapturingLogs;
import dev.lhn.secureforms.testing.ForwardingStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unique canary values pushed through the whole lifecycle and every failure path, with every logger at
 * TRACE: no canary may appear, plain, hex or base64, in any log line, exception (message or stack trace),
 * {@code toString}, event or JSON.
 *
 * <p>Every value the test submits is a canary, as typed and as normalised (the card code is 3 digits on
 * the valid paths and 4 on the invalid one). A card code is too short to be unique: {@code 7319} turned
 * up inside a SHA-256 hex of the audit chain about once every few runs (#9). {@link Canaries} therefore
 * matches forms shorter than 16 characters only as whole tokens, never inside a hash, id or base64 run;
 * its Javadoc has the argument and {@code CanariesTest} proves it still catches a real leak.
 */
class CanaryTest {
  private static final Map<String, String> CANARIES = Map.of(
      "name", "Canary Zyxwvut Qqqjjj",
      "pan", "4929385104672212",
      "exp", "07/2038",
      "cvc", "7319",
      "postal", "CNRY-PST-88",
      "email", "canary.f00d.cafe@zzz-canary.example");
  /** Every value submitted anywhere below, including the typed and the invalid variants. */
  private static final Canaries SUBMITTED = new Canaries(Map.ofEntries(
      Map.entry("name", "Canary Zyxwvut Qqqjjj"),
      Map.entry("pan", "4929385104672212"),
      Map.entry("pan as typed", "4929 3851 0467 2212"),
      Map.entry("invalid pan", "4929 3851 0467 2213"),
      Map.entry("invalid pan normalised", "4929385104672213"),
      Map.entry("exp", "07/2038"),
      Map.entry("invalid exp", "07/2038x"),
      Map.entry("cvc", "731"),
      Map.entry("invalid cvc", "7319"),
      Map.entry("postal", "CNRY-PST-88"),
      Map.entry("email", "canary.f00d.cafe@zzz-canary.example"),
      Map.entry("invalid email", "canary.f00d.cafe@@zzz-canary.example")));

  private final ManualClock clock = ManualClock.at("2026-11-29T10:00:00Z");
  private final List<String> observed = new ArrayList<>();
  private final List<FormEvent> events = new CopyOnWriteArrayList<>();
  private final List<SubmissionStore> stores = new ArrayList<>();

  @BeforeEach
  void clearLogs() {
    CapturingLogs.clear();
  }

  private final EpochKeyStore epochKeys = EpochKeyStore.inMemory();

  private static Map<String, String> values() {
    Map<String, String> v = new HashMap<>(CANARIES);
    v.put("pan", "4929 3851 0467 2212");
    v.put("cvc", "731");
    return v;
  }

  private SecureForms forms(Aead kek, SubmissionStore store) {
    stores.add(store);
    return SecureForms.builder().keyEncryptionKey(kek).store(store).clock(clock)
        .listener(events::add)
        .listener(e -> {
          throw new IllegalStateException("listener failed on " + e);
        })
        .outbox(true)
        .epochKeyStore(epochKeys)
        .retentionScheduler(RetentionScheduler.disabled())
        .build();
  }

  private void see(Object o) {
    observed.add(String.valueOf(o));
  }

  private void see(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    observed.add(w.toString());
  }

  @Test
  void noCanaryEverLeaks() {
    TestKeys.FlakyKek kek = new TestKeys.FlakyKek(TestKeys.freshKek());
    CorruptingStore store = new CorruptingStore(SubmissionStore.inMemory());
    FormSchema form = Forms.card();
    Map<String, String> ok = values();
    ok.put("cvc", "731");

    try (SecureForms forms = forms(kek, store)) {
      // 1. invalid input: every field broken, with the canaries in the values
      Map<String, String> bad = new HashMap<>(CANARIES);
      bad.put("pan", "4929 3851 0467 2213");
      bad.put("exp", "07/2038x");
      bad.put("email", "canary.f00d.cafe@@zzz-canary.example");
      bad.put("unknown-" + "Zyxwvut", "Canary Zyxwvut Qqqjjj");
      see(assertThrows(InvalidSubmissionException.class, () -> forms.submit(form, "conv-1", bad)));

      // 2. KEK down while sealing
      kek.down.set(true);
      see(assertThrows(SecureFormsException.class, () -> forms.submit(form, "conv-1", ok)));
      kek.down.set(false);

      // 3. a good submission: receipt, status, normalised values
      SubmissionReceipt receipt = forms.submit(form, "conv-1", ok);
      see(receipt);
      see(forms.status(receipt.id()).orElseThrow());
      NormalizedValues nv = form.normalize(ok, clock.instant());
      see(nv);
      nv.close();
      see(store.find(receipt.id(), clock.instant()).orElseThrow());
      see(store.find(receipt.id(), clock.instant()).orElseThrow().metadata());

      // 4. KEK down while an instance that has not cached the epoch key yet reveals
      try (SecureForms cold = forms(kek, store)) {
        kek.down.set(true);
        see(assertThrows(KekUnavailableException.class, () -> cold.reveal(receipt.id(), Viewer.of("op-1"))));
        kek.down.set(false);
      }

      // 5. a tampered envelope
      store.corrupt.set(true);
      see(assertThrows(DecryptionException.class, () -> forms.reveal(receipt.id(), Viewer.of("op-1"))));
      store.corrupt.set(false);

      // 6. denied by the authorizer
      try (SecureForms strict = SecureForms.builder().keyEncryptionKey(kek).store(store).clock(clock)
          .epochKeyStore(epochKeys).retentionScheduler(RetentionScheduler.disabled())
          .revealAuthorizer((viewer, status) -> false).build()) {
        see(assertThrows(RevealDeniedException.class, () -> strict.reveal(receipt.id(), Viewer.of("op-2"))));
      }

      // 7. a store that fails
      store.failing.set(true);
      see(assertThrows(StoreException.class, () -> forms.reveal(receipt.id(), Viewer.of("op-1"))));
      store.failing.set(false);

      // 8. the reveal itself: only the toString of the plaintext holder is observed
      try (RevealedSubmission r = forms.reveal(receipt.id(), Viewer.of("op-1")).orElseThrow()) {
        see(r);
        assertEquals("4929385104672212", r.value("pan"));
        assertThrows(java.util.NoSuchElementException.class, () -> r.value("nope"));
        see(assertThrows(java.util.NoSuchElementException.class, () -> r.value("nope")));
      }

      // 9. retention paths
      SubmissionReceipt second = forms.submit(form, "conv-2", ok);
      forms.purgeField(second.id(), "cvc");
      forms.conversationEnded("conv-2");
      clock.advance(Duration.ofHours(2));
      forms.purgeDue();
      SubmissionReceipt third = forms.submit(form, "conv-3", ok);
      forms.purge(third.id());
      forms.sealJournal();
      see(forms.verifyJournal(null));
      see(forms.journalCheckpoint());
      see(forms);
    }
    for (FormEvent e : events) {
      see(e);
      see(e.toJson());
    }
    for (SubmissionStore st : stores) {
      // every journal record (pending and chained) and every outbox payload, as stored
      for (var r : st.journal().pending(10_000)) {
        see(r);
        see(r.record());
        see(r.record().toJson());
      }
      for (var r : st.journal().read(0, 10_000)) {
        see(r.record());
        see(r.record().toJson());
      }
      st.outbox().drain(10_000, batch -> batch.forEach(m -> {
        see(m);
        see(m.payload());
        see(m.aggregateId());
      }));
    }
    observed.addAll(CapturingLogs.lines());

    assertTrue(CapturingLogs.lines().size() >= 5, "the lifecycle logged at TRACE/DEBUG/WARN: " + CapturingLogs.lines());
    assertTrue(events.size() >= 8, "events were produced");
    for (String text : observed) {
      assertEquals(List.of(), SUBMITTED.leaksIn(text), "canaries leaked in: " + text);
    }
  }

  /** A store that can corrupt envelopes on the way out of a claim, or fail. */
  static class CorruptingStore extends ForwardingStore {
    final AtomicBoolean corrupt = new AtomicBoolean();
    final AtomicBoolean failing = new AtomicBoolean();

    CorruptingStore(SubmissionStore delegate) {
      super(delegate);
    }

    private StoredSubmission maybeCorrupt(StoredSubmission s) {
      if (!corrupt.get()) {
        return s;
      }
      byte[] e = s.envelope();
      e[e.length - 3] ^= 0x10;
      return new StoredSubmission(s.metadata(), e);
    }

    private void maybeFail() {
      if (failing.get()) {
        throw new StoreException("claim failed", "40001");
      }
    }

    @Override
    public void insert(StoredSubmission submission, dev.lhn.secureforms.spi.Evidence evidence) {
      maybeFail();
      delegate.insert(submission, evidence);
    }

    @Override
    public <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action,
        java.util.function.Function<StoredSubmission, dev.lhn.secureforms.spi.Evidence> evidence) {
      maybeFail();
      return delegate.claim(id, now, s -> action.run(maybeCorrupt(s)), evidence);
    }
  }
}
