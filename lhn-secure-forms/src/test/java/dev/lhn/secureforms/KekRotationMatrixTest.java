package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.RevealPolicy;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Rotating the KEK (docs/KEYS.md, "Rotating the KEK"), with real Tink keysets in the four states a rolling
 * rotation passes through: {@code A} (key A only), {@code AB} (A primary, B present), {@code BA} (B primary, A
 * present), {@code B} (B only). Every pair of states on two instances sharing one submission store and one
 * epoch key store, before and after {@code rotateKeyEncryptionKey} (#10).
 */
class KekRotationMatrixTest {
  /** A keyset state. */
  enum State {
    A, AB, BA, B;

    /** The keys its keyset holds. */
    Set<Character> holds() {
      return switch (this) {
        case A -> Set.of('A');
        case AB, BA -> Set.of('A', 'B');
        case B -> Set.of('B');
      };
    }

    /** The key its keyset encrypts with. */
    char primary() {
      return this == A || this == AB ? 'A' : 'B';
    }
  }

  private static final Map<State, KeysetHandle> KEYSETS = keysets();
  private static final FormSchema FORM = Forms.card(RevealPolicy.views(2));
  private final Viewer operator = Viewer.of("operator-7");

  /**
   * The four states from one pair of keys, as an operator's key management makes them: generate A; add B
   * (A stays primary); make B primary; delete A. Tink's {@code KeysetHandle.Builder}, not the deprecated
   * {@code KeysetManager}.
   */
  private static Map<State, KeysetHandle> keysets() {
    try {
      AeadConfig.register();
      KeysetHandle a = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      KeysetHandle ab = KeysetHandle.newBuilder(a)
          .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId())
          .build();
      KeysetHandle.Builder toBa = KeysetHandle.newBuilder(ab);
      toBa.getAt(1).makePrimary();
      KeysetHandle ba = toBa.build();
      KeysetHandle.Builder toB = KeysetHandle.newBuilder(ba);
      toB.deleteAt(0);
      KeysetHandle b = toB.build();
      assertEquals(1, a.size());
      assertEquals(a.getAt(0).getId(), ab.getPrimary().getId());
      assertEquals(ab.getAt(1).getId(), ba.getPrimary().getId());
      assertEquals(ba.getPrimary().getId(), b.getPrimary().getId());
      assertEquals(1, b.size());
      return Map.of(State.A, a, State.AB, ab, State.BA, ba, State.B, b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Aead kek(State s) {
    try {
      return KEYSETS.get(s).getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Two instances' world: one submission store, one epoch key store, one clock. */
  private static final class World implements AutoCloseable {
    final ManualClock clock = ManualClock.at("2026-11-29T10:17:00Z");
    final SubmissionStore store = SubmissionStore.inMemory();
    final EpochKeyStore epochKeys = EpochKeyStore.inMemory();
    final List<SecureForms> opened = new ArrayList<>();

    /** A freshly started instance (nothing cached) whose KEK is the keyset in state {@code s}. */
    SecureForms instance(State s) {
      SecureForms f = SecureForms.builder().keyEncryptionKey(kek(s)).store(store).epochKeyStore(epochKeys)
          .clock(clock).retentionScheduler(RetentionScheduler.disabled()).build();
      opened.add(f);
      return f;
    }

    @Override
    public void close() {
      opened.forEach(SecureForms::close);
    }
  }

  /** What one combination did: operations that failed, each with {@link KekUnavailableException}. */
  private record Outcome(int failures, List<String> what) {}

  /**
   * Before the rollout an instance on A wrote s0 (so the lookup key and s0's epoch key are wrapped by A).
   * If {@code rotated}, an instance on BA then ran {@code rotateKeyEncryptionKey} with its own KEK. Then
   * instance 1 (state {@code one}) writes s1 and, an hour later, instance 2 (state {@code two}) writes s2, each
   * under an epoch key of its own making; instance 2 reads s0 and s1, instance 1 reads s0 and s2.
   */
  private Outcome run(State one, State two, boolean rotated) {
    try (World w = new World()) {
      SubmissionId s0 = w.instance(State.A).submit(FORM, "conversation-0", Forms.cardValues()).id();
      if (rotated) {
        SecureForms rotator = w.instance(State.BA);
        assertEquals(2, rotator.rotateKeyEncryptionKey(kek(State.BA)),
            "the lookup key and s0's epoch key re-wrapped under B");
      }
      SecureForms first = w.instance(one);
      SecureForms second = w.instance(two);
      List<String> failed = new ArrayList<>();
      w.clock.advance(Duration.ofHours(1));
      SubmissionId s1 = submit(first, "1 writes s1", failed);
      w.clock.advance(Duration.ofHours(1));
      SubmissionId s2 = submit(second, "2 writes s2", failed);
      read(second, s0, "2 reads s0", failed);
      read(second, s1, "2 reads s1", failed);
      read(first, s0, "1 reads s0", failed);
      read(first, s2, "1 reads s2", failed);
      return new Outcome(failed.size(), failed);
    }
  }

  private static SubmissionId submit(SecureForms f, String what, List<String> failed) {
    try {
      return f.submit(FORM, "conversation-1", Forms.cardValues()).id();
    } catch (KekUnavailableException e) {
      failed.add(what);
      return null;
    }
  }

  private void read(SecureForms f, SubmissionId id, String what, List<String> failed) {
    if (id == null) {
      return; // its write failed already
    }
    try {
      try (RevealedSubmission r = f.reveal(id, operator)
          .orElseThrow(() -> new AssertionError(what + ": silently empty instead of a typed failure"))) {
        assertEquals("4242424242424242", r.value("pan"), what);
      }
    } catch (KekUnavailableException e) {
      assertTrue(e.getMessage().startsWith("the key-encryption key could not unwrap epoch key "), e.getMessage());
      failed.add(what);
    }
  }

  /**
   * The model the matrix is checked against: an instance can use an epoch key (and the lookup key) iff its
   * keyset holds the key that wrapped it; keys written before the rollout are wrapped by A, or by B once
   * re-wrapped; an instance wraps new epoch keys with its primary.
   */
  private static boolean expectedToWork(State one, State two, boolean rotated) {
    char old = rotated ? 'B' : 'A';
    return one.holds().contains(old) && two.holds().contains(old)
        && two.holds().contains(one.primary()) && one.holds().contains(two.primary());
  }

  /** What a rolling rotation done as docs/KEYS.md says can put side by side. */
  private static final Set<String> ROLLING = Set.of(
      // deploy A+B everywhere
      "A/A", "A/AB", "AB/A", "AB/AB",
      // switch the primary to B
      "AB/BA", "BA/AB", "BA/BA",
      // after rotateKeyEncryptionKey: drop A
      "BA/BA rotated", "BA/B rotated", "B/BA rotated", "B/B rotated");

  /** The combinations that must fail, typed, and why. */
  private static final Map<String, String> EXPECTED_FAILURES = new TreeMap<>(Map.ofEntries(
      // A dropped before the re-wrap: B alone cannot open what A wrapped (the lookup key first of all)
      Map.entry("A/B", "B-only instance before the re-wrap"),
      Map.entry("AB/B", "B-only instance before the re-wrap"),
      Map.entry("BA/B", "B-only instance before the re-wrap"),
      Map.entry("B/A", "B-only instance before the re-wrap"),
      Map.entry("B/AB", "B-only instance before the re-wrap"),
      Map.entry("B/BA", "B-only instance before the re-wrap"),
      Map.entry("B/B", "B-only instances before the re-wrap"),
      // B made primary somewhere while an instance still has A only: it cannot open B's new epoch keys
      Map.entry("A/BA", "A-only instance next to a B-primary one"),
      Map.entry("BA/A", "A-only instance next to a B-primary one"),
      // after the re-wrap an A-only instance opens nothing
      Map.entry("A/A rotated", "A-only instances after the re-wrap"),
      Map.entry("A/AB rotated", "A-only instance after the re-wrap"),
      Map.entry("AB/A rotated", "A-only instance after the re-wrap"),
      Map.entry("A/BA rotated", "A-only instance after the re-wrap"),
      Map.entry("BA/A rotated", "A-only instance after the re-wrap"),
      Map.entry("A/B rotated", "A-only instance after the re-wrap"),
      Map.entry("B/A rotated", "A-only instance after the re-wrap"),
      // A dropped while an instance still writes with A as primary
      Map.entry("AB/B rotated", "B-only instance next to an A-primary one"),
      Map.entry("B/AB rotated", "B-only instance next to an A-primary one")));

  @Test
  void everyPairOfKeysetStates_beforeAndAfterTheRewrap_readsAllOrFailsTyped() {
    Map<String, Outcome> outcomes = new TreeMap<>();
    for (boolean rotated : new boolean[] {false, true}) {
      for (State one : State.values()) {
        for (State two : State.values()) {
          outcomes.put(one + "/" + two + (rotated ? " rotated" : ""), run(one, two, rotated));
        }
      }
    }
    assertEquals(32, outcomes.size(), "16 pairs, before and after the re-wrap");
    Set<String> unexpected = new LinkedHashSet<>();
    outcomes.forEach((combination, o) -> {
      String[] parts = combination.split("[/ ]");
      boolean works = expectedToWork(State.valueOf(parts[0]), State.valueOf(parts[1]), parts.length == 3);
      if (works != (o.failures() == 0)) {
        unexpected.add(combination + ": " + o.what());
      }
    });
    assertEquals(Set.of(), unexpected, "against the model");
    for (String combination : ROLLING) {
      assertEquals(0, outcomes.get(combination).failures(), combination + ": " + outcomes.get(combination).what());
    }
    Map<String, String> failing = new TreeMap<>();
    outcomes.forEach((combination, o) -> {
      if (o.failures() > 0) {
        failing.put(combination, EXPECTED_FAILURES.getOrDefault(combination, "NOT EXPECTED: " + o.what()));
      }
    });
    assertEquals(EXPECTED_FAILURES, failing, "the combinations that fail, every one with KekUnavailableException");
  }

  @Test
  void rollingRotation_asKeysMdDescribesIt_neverLosesASubmission() {
    try (World w = new World()) {
      List<SubmissionId> written = new ArrayList<>();
      // each step: two freshly restarted instances, each writes one (in an hour of its own) and reads all
      State[][] steps = {
        {State.A, State.A},
        {State.A, State.AB}, {State.AB, State.AB},   // 1. deploy A+B everywhere
        {State.AB, State.BA}, {State.BA, State.BA},  // 2. switch the primary to B
        null,                                        // 3. rotateKeyEncryptionKey on one instance
        {State.BA, State.B}, {State.B, State.B},     // 4. drop A
      };
      int rewrapped = -1;
      for (State[] step : steps) {
        if (step == null) {
          SecureForms any = w.instance(State.BA);
          rewrapped = any.rotateKeyEncryptionKey(kek(State.BA));
          assertEquals(0, any.rotateKeyEncryptionKey(kek(State.BA)), "a second call finds nothing left to do");
          continue;
        }
        SecureForms one = w.instance(step[0]);
        SecureForms two = w.instance(step[1]);
        for (SecureForms f : List.of(one, two)) {
          w.clock.advance(Duration.ofHours(1));
          written.add(f.submit(Forms.card(RevealPolicy.views(50)), "conversation-1", Forms.cardValues()).id());
        }
        for (SubmissionId id : written) {
          for (SecureForms f : List.of(one, two)) {
            try (RevealedSubmission r = f.reveal(id, operator).orElseThrow()) {
              assertEquals("conversation-1", r.conversationId());
            } catch (KekUnavailableException e) {
              fail(step[0] + "/" + step[1] + " cannot read " + id + ": " + e.getMessage());
            }
          }
        }
      }
      // 10 submissions before the rotation, each in an hour of its own: 7 epoch keys made by an A-primary
      // instance and, with the lookup key, re-wrapped; 3 made by a B-primary one, already under B, left alone
      assertEquals(1 + 7, rewrapped, "the A-wrapped keys re-wrapped under B");
    }
  }
}
