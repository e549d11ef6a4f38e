package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.RevealPolicy;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The KMS call budget of docs/KEYS.md, measured (#10): two instances share one submission store and one epoch
 * key store, each with its own counting decorator over the same KEK, and 10,000 round trips cost a KEK call
 * per epoch an instance first touches (plus the lookup key), never one per submission.
 */
class KekCallBudgetTest {
  private static final Duration WINDOW = SecureForms.DEFAULT_EPOCH_WINDOW;
  private static final Duration MAX_AGE = Duration.ofHours(24);
  private static final Duration CVC_MAX_AGE = Duration.ofMinutes(15);
  /** The lookup key behind conversation references (internal/Sealing.LOOKUP_ID). */
  private static final EpochKeyId LOOKUP = new EpochKeyId("", "lookup", 0, Duration.ofDays(1).toMillis());

  /** A KEK decorator that counts its calls, remembers which epoch each call was for, and can be switched off. */
  static final class CountingKek implements Aead {
    private final Aead delegate;
    final AtomicBoolean down = new AtomicBoolean();
    final ConcurrentLinkedQueue<EpochKeyId> encrypts = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<EpochKeyId> decrypts = new ConcurrentLinkedQueue<>();

    CountingKek(Aead delegate) {
      this.delegate = delegate;
    }

    int calls() {
      return encrypts.size() + decrypts.size();
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] ad) throws GeneralSecurityException {
      encrypts.add(epochOf(ad));
      if (down.get()) {
        throw new GeneralSecurityException("kms unavailable: arn:aws:kms:eu-west-1:111122223333:key/secret");
      }
      return delegate.encrypt(plaintext, ad);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] ad) throws GeneralSecurityException {
      decrypts.add(epochOf(ad));
      if (down.get()) {
        throw new GeneralSecurityException("kms unavailable: arn:aws:kms:eu-west-1:111122223333:key/secret");
      }
      return delegate.decrypt(ciphertext, ad);
    }

    /** Parses {@link EpochKeyId#associatedData()} back: every KEK call of the library is for an epoch key. */
    private static EpochKeyId epochOf(byte[] ad) {
      ByteBuffer b = ByteBuffer.wrap(ad);
      byte[] label = new byte["lsf/epoch/v1".length()];
      b.get(label);
      assertEquals("lsf/epoch/v1", new String(label, StandardCharsets.US_ASCII), "a KEK call for something else");
      byte[] tenant = new byte[b.get()];
      b.get(tenant);
      byte[] keyClass = new byte[b.get()];
      b.get(keyClass);
      EpochKeyId id = new EpochKeyId(new String(tenant, StandardCharsets.US_ASCII),
          new String(keyClass, StandardCharsets.US_ASCII), b.getLong(), b.getLong());
      assertFalse(b.hasRemaining());
      return id;
    }
  }

  private final ManualClock clock = ManualClock.at("2026-11-29T10:17:00Z");
  private final SubmissionStore store = SubmissionStore.inMemory();
  private final EpochKeyStore epochKeys = EpochKeyStore.inMemory();
  private final Aead kek = TestKeys.freshKek();
  private final Viewer operator = Viewer.of("operator-7");
  private final List<SecureForms> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(SecureForms::close);
  }

  private SecureForms instance(Aead k) {
    SecureForms f = SecureForms.builder()
        .keyEncryptionKey(k)
        .store(store)
        .epochKeyStore(epochKeys)
        .clock(clock)
        .retentionScheduler(RetentionScheduler.disabled())
        .build();
    opened.add(f);
    return f;
  }

  /** The card form with a card code kept at most 15 minutes: two epochs per submission. */
  private static FormSchema card() {
    return card(RevealPolicy.viewOnce(), MAX_AGE);
  }

  private static FormSchema card(RevealPolicy reveal, Duration maxAge) {
    return FormSchema.builder("card-payment")
        .version(1)
        .field(Field.text("name").maxLength(80))
        .field(Field.cardNumber("pan"))
        .field(Field.cardExpiry("exp"))
        .field(Field.cardCvc("cvc").retention(RetentionPolicy.maxAge(CVC_MAX_AGE)
            .andAfterConversationEnd(Duration.ZERO)))
        .field(Field.text("postal").maxLength(12).optional())
        .field(Field.email("email").optional())
        .revealPolicy(reveal)
        .retention(RetentionPolicy.maxAge(maxAge).andAfterConversationEnd(Duration.ofHours(1)))
        .build();
  }

  private static EpochKeyId epoch(Instant deadline) {
    return EpochKeyId.containing("", "data", deadline, WINDOW);
  }

  /** The epochs a submission made at {@code now} is sealed under: its hard deadline's and its card code's. */
  private static Set<EpochKeyId> epochsOf(Instant now) {
    return Set.of(epoch(now.plus(MAX_AGE)), epoch(now.plus(CVC_MAX_AGE)));
  }

  @Test
  void tenThousandRoundTrips_onTwoInstances_overThreeHours_costOneKekCallPerEpochAndInstance() {
    CountingKek[] keks = {new CountingKek(kek), new CountingKek(kek)};
    SecureForms[] instances = {instance(keks[0]), instance(keks[1])};
    FormSchema form = card();
    int roundTrips = 10_000;
    Duration span = Duration.ofHours(3);
    Duration step = span.dividedBy(roundTrips); // 1.08 s
    List<Set<EpochKeyId>> touched = List.of(new HashSet<>(), new HashSet<>());
    Set<EpochKeyId> allTouched = new TreeSet<>();
    Instant lastPurge = clock.instant();
    for (int i = 0; i < roundTrips; i++) {
      // every pairing: submit on 0 reveal on 0, 1 on 0, 0 on 1, 1 on 1
      int submitter = i % 2;
      int revealer = (i / 2) % 2;
      Instant now = clock.instant();
      SubmissionReceipt receipt = instances[submitter].submit(form, "conversation-" + (i % 50), Forms.cardValues());
      try (RevealedSubmission r = instances[revealer].reveal(receipt.id(), operator).orElseThrow()) {
        assertEquals("4242424242424242", r.value("pan"));
        assertEquals("123", r.value("cvc"));
      }
      touched.get(submitter).addAll(epochsOf(now));
      touched.get(revealer).addAll(epochsOf(now));
      allTouched.addAll(epochsOf(now));
      clock.advance(step);
      if (Duration.between(lastPurge, clock.instant()).compareTo(Duration.ofMinutes(15)) >= 0) {
        instances[i % 2].purgeDue(); // what the scheduler does; destroys the card code epochs as they end
        lastPurge = clock.instant();
      }
    }
    for (SecureForms f : instances) {
      f.purgeDue();
    }

    // exactly: each instance calls the KEK once per epoch key it first needs (a wrap if it created it, an
    // unwrap if the other instance did) and once for the lookup key; a cached key costs nothing
    int created = 0;
    int total = 0;
    for (int n = 0; n < 2; n++) {
      CountingKek k = keks[n];
      Set<EpochKeyId> expected = new TreeSet<>(touched.get(n));
      expected.add(LOOKUP);
      List<EpochKeyId> calledFor = new ArrayList<>(k.encrypts);
      calledFor.addAll(k.decrypts);
      assertEquals(expected, new TreeSet<>(calledFor), "instance " + n + ": the epochs it called the KEK for");
      assertEquals(expected.size(), k.calls(), "instance " + n + ": one KEK call per epoch, never two: " + calledFor);
      created += k.encrypts.size();
      total += k.calls();
    }
    int liveEpochs = allTouched.size();
    assertEquals(liveEpochs + 1, created, "every epoch key and the lookup key wrapped once, by one instance");
    // the bound: (distinct epochs touched + 1 lookup key) x instances + creations
    int bound = (liveEpochs + 1) * instances.length + created;
    assertTrue(total <= bound, total + " KEK calls > bound " + bound);
    // the figures docs/KEYS.md quotes: 3 hours of 1-hour windows, 24-hour and 15-minute deadlines
    assertEquals(8, liveEpochs, "4 windows of submission deadlines and 4 of card code deadlines: " + allTouched);
    assertEquals(18, total, "(8 epochs + 1 lookup key) x 2 instances");
    assertEquals(27, bound, "(8 + 1) x 2 + 9 creations");
    assertTrue(total * 1000 < 2 * roundTrips, total + " KEK calls against " + 2 * roundTrips
        + " for envelope v1 (a wrap per submit and an unwrap per reveal)");
  }

  @Test
  void kekDown_whenAnEpochKeyMustBeCreated_failsSubmitTyped_namingTheEpoch_andStoresNothing() {
    CountingKek k = new CountingKek(kek);
    SecureForms forms = instance(k);
    // the lookup key and this hour's epochs exist; an hour later the deadlines need new epoch keys
    forms.reveal(forms.submit(card(), "conversation-1", Forms.cardValues()).id(), operator).orElseThrow().close();
    int callsBefore = k.calls();
    clock.advance(Duration.ofHours(1));
    List<EpochKeyId> liveBefore = epochKeys.live(clock.instant(), null, 100).stream().map(s -> s.id()).toList();
    EpochKeyId needed = epoch(clock.instant().plus(MAX_AGE)); // the submission's epoch is sealed first
    k.down.set(true);

    KekUnavailableException e = assertThrows(KekUnavailableException.class,
        () -> forms.submit(card(), "conversation-1", Forms.cardValues()));

    assertEquals("the key-encryption key could not wrap a new epoch key for " + needed
        + " (GeneralSecurityException); nothing was stored", e.getMessage());
    assertEquals("data@2026-11-30T11:00:00Z+PT1H", needed.toString());
    assertNull(e.getCause(), "never the KMS's own exception (its message names the account and key)");
    assertEquals(List.of(needed), List.copyOf(k.encrypts).subList(k.encrypts.size() - 1, k.encrypts.size()));
    assertEquals(1, k.calls() - callsBefore, "one wrap attempted, no retry");
    assertEquals(List.of(), forms.submissions("conversation-1"), "no submission stored");
    assertEquals(liveBefore, epochKeys.live(clock.instant(), null, 100).stream().map(s -> s.id()).toList(),
        "no epoch key stored");
    clock.advance(Duration.ofDays(2));
    assertEquals(0, forms.purgeDue(), "nothing stored that a purge could find later");
    k.down.set(false);
    forms.reveal(forms.submit(card(), "conversation-1", Forms.cardValues()).id(), operator).orElseThrow().close();
  }

  @Test
  void kekDown_whenAColdInstanceMustUnwrap_failsRevealTyped_namingTheEpoch_andConsumesNothing() {
    CountingKek warmKek = new CountingKek(kek);
    CountingKek coldKek = new CountingKek(kek);
    SecureForms warm = instance(warmKek);
    SubmissionReceipt receipt = warm.submit(card(RevealPolicy.views(2), MAX_AGE), "conversation-1",
        Forms.cardValues());
    List<FormEvent> events = new CopyOnWriteArrayList<>();
    SecureForms cold = SecureForms.builder().keyEncryptionKey(coldKek).store(store).epochKeyStore(epochKeys)
        .clock(clock).listener(events::add).retentionScheduler(RetentionScheduler.disabled()).build();
    opened.add(cold);
    coldKek.down.set(true);

    KekUnavailableException e = assertThrows(KekUnavailableException.class, () -> cold.reveal(receipt.id(), operator));

    EpochKeyId own = epoch(clock.instant().plus(MAX_AGE)); // slot 0: the submission's own epoch
    assertEquals("the key-encryption key could not unwrap epoch key " + own + " (GeneralSecurityException)",
        e.getMessage());
    // the lookup key is tried first, before any row is held, and its failure tolerated (and again for
    // the event); the one data key it needed is the submission's own epoch, unwrapped with no row held
    assertEquals("lookup", coldKek.decrypts.peek().keyClass());
    assertEquals(List.of(own), coldKek.decrypts.stream().filter(i -> i.keyClass().equals("data")).toList());
    // the failure is evidenced even though the conversation id cannot be shown without the lookup key
    assertEquals(1, events.size(), events.toString());
    FormEvent.RevealFailed failed = (FormEvent.RevealFailed) events.get(0);
    assertEquals("KekUnavailableException", failed.error());
    assertEquals("card-payment", failed.formId());
    assertEquals(2, warm.status(receipt.id()).orElseThrow().viewsLeft(), "nothing consumed");
    int warmCalls = warmKek.calls();
    try (RevealedSubmission r = warm.reveal(receipt.id(), operator).orElseThrow()) {
      assertEquals(1, r.viewsLeft(), "the warm instance needs no KEK call");
    }
    assertEquals(warmCalls, warmKek.calls());
    coldKek.down.set(false);
    clock.advance(Duration.ofSeconds(31)); // the lookup key is retried 30 s after it failed, not per event
    try (RevealedSubmission r = cold.reveal(receipt.id(), operator).orElseThrow()) {
      assertEquals("4242424242424242", r.value("pan"));
      assertEquals("conversation-1", r.conversationId());
      assertEquals(0, r.viewsLeft());
    }
  }

  @Test
  void kekDown_onAColdInstance_purgeDueStillPurges_andDestroysEpochKeys() {
    SecureForms warm = instance(new CountingKek(kek));
    SubmissionReceipt receipt = warm.submit(card(RevealPolicy.viewOnce(), Duration.ofMinutes(30)),
        "conversation-1", Forms.cardValues());
    for (int i = 0; i < 20; i++) { // more rows of the same epoch: twenty more events while the KMS is down
      warm.submit(card(RevealPolicy.viewOnce(), Duration.ofMinutes(30)), "conversation-" + (i + 2), Forms.cardValues());
    }
    EpochKeyId own = epoch(receipt.submittedAt().plus(Duration.ofMinutes(30)));
    CountingKek coldKek = new CountingKek(kek);
    coldKek.down.set(true);
    List<FormEvent> events = new CopyOnWriteArrayList<>();
    SecureForms cold = SecureForms.builder().keyEncryptionKey(coldKek).store(store).epochKeyStore(epochKeys)
        .clock(clock).listener(events::add).retentionScheduler(RetentionScheduler.disabled()).build();
    opened.add(cold);
    clock.set(own.windowEnd().plus(SecureForms.DEFAULT_EPOCH_GRACE));

    assertEquals(21, cold.purgeDue(), "a purge needs no key: a KMS outage must not stop it");
    assertEquals(1, coldKek.calls(), "the lookup key is tried once for 21 events, not once per event");

    assertTrue(epochKeys.find(own, clock.instant()).isEmpty(), "and the crypto-erase still happens");
    assertTrue(epochKeys.live(clock.instant(), null, 100).stream().allMatch(k -> k.id().keyClass().equals("lookup")));
    assertEquals(21, events.size(), events.toString());
    FormEvent.Purged purged = (FormEvent.Purged) events.stream().filter(e -> e.submissionId().equals(receipt.id()))
        .findFirst().orElseThrow();
    assertEquals(null, purged.conversationId(), "left out while the lookup key cannot be had");
    assertEquals(dev.lhn.secureforms.retention.PurgeReason.MAX_AGE, purged.reason());
  }

  @Test
  void destroyedEpoch_revealOfARestoredCopy_returnsEmpty_withoutTheKek() {
    CountingKek k = new CountingKek(kek);
    SecureForms forms = instance(k);
    SecureForms other = instance(new CountingKek(kek));
    FormSchema shortLived = card(RevealPolicy.viewOnce(), Duration.ofMinutes(30));
    SubmissionReceipt receipt = forms.submit(shortLived, "conversation-1", Forms.cardValues());
    StoredSubmission backup = store.find(receipt.id(), clock.instant()).orElseThrow(); // a backup of the row
    EpochKeyId own = epoch(receipt.submittedAt().plus(Duration.ofMinutes(30)));
    clock.set(own.windowEnd().plus(SecureForms.DEFAULT_EPOCH_GRACE));
    assertEquals(1, other.purgeDue(), "the row");
    assertTrue(epochKeys.find(own, clock.instant()).isEmpty(), "its epoch key destroyed");

    store.insert(backup); // restored from the backup, after its epoch key was destroyed
    k.down.set(true); // and no KEK is needed to say so
    int calls = k.calls();
    assertTrue(forms.reveal(receipt.id(), operator).isEmpty(), "the instance that created the key");
    assertTrue(other.reveal(receipt.id(), operator).isEmpty(), "a cold instance");
    assertEquals(calls, k.calls());
  }
}
