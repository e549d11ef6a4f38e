package dev.lhn.secureforms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.keys.StoredEpochKey;
import dev.lhn.secureforms.testing.TestKeys;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The epoch key hierarchy on a real Tink KEK that counts its calls, and the in-memory epoch key store. */
class KeyHierarchyTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:17:00Z");
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration GRACE = Duration.ofMinutes(5);

  /** A KEK that counts its calls and can be switched off (a KMS outage). */
  static final class CountingKek implements Aead {
    final Aead delegate;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicBoolean down = new AtomicBoolean();

    CountingKek(Aead delegate) {
      this.delegate = delegate;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] ad) throws GeneralSecurityException {
      calls.incrementAndGet();
      if (down.get()) {
        throw new GeneralSecurityException("kms unavailable: arn:aws:kms:secret-account");
      }
      return delegate.encrypt(plaintext, ad);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] ad) throws GeneralSecurityException {
      calls.incrementAndGet();
      if (down.get()) {
        throw new GeneralSecurityException("kms unavailable: arn:aws:kms:secret-account");
      }
      return delegate.decrypt(ciphertext, ad);
    }
  }

  private final EpochKeyStore store = EpochKeyStore.inMemory();
  private final CountingKek kek = new CountingKek(TestKeys.freshKek());

  private KeyHierarchy hierarchy(Aead k) {
    return new KeyHierarchy(k, store, HOUR, GRACE);
  }

  @Test
  void epochOf_isTheUtcAlignedWindowHoldingTheDeadline_destroyedAtItsEndPlusGrace() {
    KeyHierarchy h = hierarchy(kek);
    EpochKeyId id = h.epochOf("", "data", T0.plus(Duration.ofHours(24)));
    assertEquals(Instant.parse("2026-11-30T10:00:00Z"), id.windowStart());
    assertEquals(Instant.parse("2026-11-30T11:05:00Z"), h.destroyAt(id));
  }

  @Test
  void oneKekCallPerEpochCreated_andNoneOnACacheHit() {
    KeyHierarchy h = hierarchy(kek);
    EpochKeyId id = h.epochOf("", "data", T0.plus(HOUR));
    byte[] first = h.keyForSealing(id, T0);
    assertEquals(1, kek.calls.get(), "one wrap");
    for (int i = 0; i < 1000; i++) {
      assertArrayEquals(first, h.keyForSealing(id, T0.plusSeconds(i)));
      assertArrayEquals(first, h.key(id, T0.plusSeconds(i)).orElseThrow());
    }
    assertEquals(1, kek.calls.get(), "a thousand seals and opens later, still one KEK call");
  }

  @Test
  void aSecondInstance_unwrapsOnceAndGetsTheSameKey() {
    KeyHierarchy a = hierarchy(kek);
    KeyHierarchy b = hierarchy(kek);
    EpochKeyId id = a.epochOf("", "data", T0.plus(HOUR));
    byte[] key = a.keyForSealing(id, T0);
    assertArrayEquals(key, b.key(id, T0).orElseThrow());
    assertArrayEquals(key, b.keyForSealing(id, T0));
    assertEquals(2, kek.calls.get(), "a's wrap, b's unwrap");
  }

  @Test
  void racingCreators_allUseTheStoredWinner() throws Exception {
    EpochKeyId id = hierarchy(kek).epochOf("", "data", T0.plus(HOUR));
    List<KeyHierarchy> instances = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      instances.add(hierarchy(kek));
    }
    List<byte[]> keys = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (KeyHierarchy h : instances) {
      Thread t = new Thread(() -> keys.add(h.keyForSealing(id, T0)));
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join(30_000);
    }
    assertEquals(8, keys.size());
    byte[] stored = hierarchy(kek).key(id, T0).orElseThrow();
    for (byte[] k : keys) {
      assertArrayEquals(stored, k, "every instance seals with the key that was stored");
    }
  }

  @Test
  void destroyDue_removesTheKeyEverywhere_andAKeyPastItsTimeIsGoneEvenBeforeThat() {
    KeyHierarchy a = hierarchy(kek);
    KeyHierarchy b = hierarchy(kek);
    EpochKeyId id = a.epochOf("", "data", T0.plus(HOUR));
    a.keyForSealing(id, T0);
    b.key(id, T0).orElseThrow();
    Instant destroyAt = a.destroyAt(id);
    assertTrue(b.key(id, destroyAt.minusMillis(1)).isPresent(), "1 ms before: still there");
    assertEquals(Optional.empty(), b.key(id, destroyAt), "at destroyAt: gone from the cache, nothing destroyed yet");
    assertEquals(1, a.destroyDue(destroyAt));
    assertEquals(Optional.empty(), store.find(id, T0), "gone from the store at any now");
    assertEquals(Optional.empty(), a.key(id, T0), "and from a's cache, even asked with an earlier now");
    assertEquals(0, b.destroyDue(destroyAt), "idempotent from another instance");
  }

  @Test
  void keyForSealing_anEpochAlreadyPastItsDestruction_isRefused() {
    KeyHierarchy h = hierarchy(kek);
    EpochKeyId id = h.epochOf("", "data", T0);
    assertThrows(IllegalArgumentException.class, () -> h.keyForSealing(id, h.destroyAt(id)));
  }

  @Test
  void kekDownWhenCreating_isATypedErrorNamingTheKek_andStoresNothing() {
    KeyHierarchy h = hierarchy(kek);
    EpochKeyId id = h.epochOf("", "data", T0.plus(HOUR));
    kek.down.set(true);
    dev.lhn.secureforms.KekUnavailableException e =
        assertThrows(dev.lhn.secureforms.KekUnavailableException.class, () -> h.keyForSealing(id, T0));
    assertTrue(e.getMessage().startsWith("the key-encryption key could not wrap a new epoch key for "), e.getMessage());
    assertFalse(e.getMessage().contains("secret-account"), "the KMS's own message stays out");
    assertEquals(Optional.empty(), store.find(id, T0));
    kek.down.set(false);
    assertEquals(32, h.keyForSealing(id, T0).length, "works once the KEK is back");
  }

  @Test
  void kekDownWhenUnwrapping_isATypedError_andTheKeyStaysStored() {
    EpochKeyId id = hierarchy(kek).epochOf("", "data", T0.plus(HOUR));
    hierarchy(kek).keyForSealing(id, T0);
    KeyHierarchy fresh = hierarchy(kek);
    kek.down.set(true);
    assertThrows(dev.lhn.secureforms.KekUnavailableException.class, () -> fresh.key(id, T0));
    kek.down.set(false);
    assertTrue(fresh.key(id, T0).isPresent());
  }

  @Test
  void rotate_rewrapsEveryLiveKey_oldKekNoLongerNeeded() {
    KeyHierarchy h = hierarchy(kek);
    List<byte[]> keys = new ArrayList<>();
    List<EpochKeyId> ids = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      EpochKeyId id = h.epochOf("", "data", T0.plus(HOUR.multipliedBy(i)));
      ids.add(id);
      keys.add(h.keyForSealing(id, T0));
    }
    CountingKek next = new CountingKek(TestKeys.freshKek());
    assertEquals(5, h.rotate(next, T0));
    assertEquals(0, h.rotate(next, T0), "a second rotation finds them readable already");
    kek.down.set(true); // the old KEK is retired
    KeyHierarchy afterRestart = hierarchy(next);
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(keys.get(i), afterRestart.key(ids.get(i), T0).orElseThrow(), "readable by the new KEK");
      StoredEpochKey stored = store.find(ids.get(i), T0).orElseThrow();
      assertEquals(1, stored.version());
    }
    EpochKeyId later = h.epochOf("", "data", T0.plus(HOUR.multipliedBy(9)));
    h.keyForSealing(later, T0);
    assertTrue(afterRestart.key(later, T0).isPresent(), "new epochs are wrapped by the new KEK");
  }
}
