package dev.lhn.secureforms.internal;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.Random;
import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.KekUnavailableException;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.keys.StoredEpochKey;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The middle of the key hierarchy (docs/KEYS.md): epoch keys, created on first use and wrapped by the
 * KEK, cached unwrapped until their destruction time, destroyed on schedule, re-wrapped on KEK rotation.
 * Thread-safe. The KEK is called once per epoch created (by one instance) and once per epoch an instance
 * first touches; never on a cache hit.
 */
public final class KeyHierarchy implements AutoCloseable {
  /** 32 bytes: AES-256. */
  public static final int EPOCH_KEY_BYTES = 32;

  private static final Logger LOG = LoggerFactory.getLogger(KeyHierarchy.class);
  private static final int BATCH = 1000;

  private final EpochKeyStore store;
  private final Duration window;
  private final Duration grace;
  private volatile Aead kek;
  private final ConcurrentHashMap<EpochKeyId, Cached> cache = new ConcurrentHashMap<>();
  /** Epochs this instance found destroyed (or never created): no store read for them again. Bounded. */
  private final Set<EpochKeyId> gone = ConcurrentHashMap.newKeySet();
  private static final int MAX_GONE = 10_000;

  /** An unwrapped epoch key and when it must be gone. Never leaves this class except as a copy. */
  private static final class Cached {
    final byte[] key;
    final Instant destroyAt;

    Cached(byte[] key, Instant destroyAt) {
      this.key = key;
      this.destroyAt = destroyAt;
    }
  }

  /**
   * @param kek the key-encryption key
   * @param store where wrapped epoch keys live
   * @param window the epoch window length
   * @param grace how long after its window an epoch key survives
   */
  public KeyHierarchy(Aead kek, EpochKeyStore store, Duration window, Duration grace) {
    this.kek = requireNonNull(kek, "kek");
    this.store = requireNonNull(store, "store");
    this.window = requireNonNull(window, "window");
    this.grace = requireNonNull(grace, "grace");
  }

  /** Told of key events after the epoch key store committed them (the journal's key records). */
  public interface Listener {
    /**
     * @param id the key this instance created
     * @param now the time of the call that created it
     */
    void created(EpochKeyId id, Instant now);

    /**
     * @param id the key this instance destroyed in the store
     * @param now the time of the call that destroyed it
     */
    void destroyed(EpochKeyId id, Instant now);
  }

  private volatile Listener listener;

  /** Sets the listener of key events (once, by the facade that owns this hierarchy). */
  public void listener(Listener l) {
    this.listener = l;
  }

  /** The epoch window length. */
  public Duration window() {
    return window;
  }

  /** The id of the epoch that holds {@code deadline}. */
  public EpochKeyId epochOf(String tenant, String keyClass, Instant deadline) {
    return EpochKeyId.containing(tenant, keyClass, deadline, window);
  }

  /** When the epoch's key is destroyed: its window's end plus the grace period. */
  public Instant destroyAt(EpochKeyId id) {
    return id.windowEnd().plus(grace);
  }

  /**
   * The key of the epoch, creating it if this is its first use anywhere: a copy the caller wipes.
   *
   * @throws KekUnavailableException if the KEK failed (nothing stored)
   * @throws IllegalArgumentException if the epoch is already past its destruction time at {@code now}
   */
  public byte[] keyForSealing(EpochKeyId id, Instant now) {
    Instant destroyAt = destroyAt(id);
    if (!destroyAt.isAfter(now)) {
      throw new IllegalArgumentException("epoch " + id + " is destroyed at " + destroyAt + ", before " + now);
    }
    return obtain(id, EPOCH_KEY_BYTES, destroyAt, now);
  }

  /**
   * A key that outlives every window (the lookup key behind conversation references): created on first
   * use like an epoch key, destroyed only at {@code destroyAt}, re-wrapped on rotation. A copy the caller
   * wipes.
   *
   * @throws KekUnavailableException if the KEK failed
   */
  public byte[] longLivedKey(EpochKeyId id, int bytes, Instant destroyAt, Instant now) {
    return obtain(id, bytes, destroyAt, now);
  }

  private byte[] obtain(EpochKeyId id, int bytes, Instant destroyAt, Instant now) {
    Optional<byte[]> known = key(id, now);
    if (known.isPresent()) {
      return known.get();
    }
    byte[] fresh = Random.randBytes(bytes);
    try {
      byte[] wrapped;
      try {
        wrapped = kek.encrypt(fresh, id.associatedData());
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new KekUnavailableException("the key-encryption key could not wrap a new epoch key for " + id
            + " (" + e.getClass().getSimpleName() + "); nothing was stored");
      }
      StoredEpochKey stored = store.insertIfAbsent(new StoredEpochKey(id, destroyAt, 0, wrapped));
      if (Arrays.equals(stored.wrapped(), wrapped)) {
        cache.put(id, new Cached(fresh.clone(), destroyAt));
        LOG.debug("created epoch key {}", id);
        Listener l = listener;
        if (l != null) {
          l.created(id, now);
        }
        return fresh.clone();
      }
      // another instance created it first: use theirs
      return unwrapAndCache(stored, now).orElseThrow(() -> new IllegalStateException("epoch " + id + " vanished"));
    } finally {
      Arrays.fill(fresh, (byte) 0);
    }
  }

  /**
   * The key of an epoch for opening: a copy the caller wipes, or empty when the epoch is destroyed (or past
   * its destruction time at {@code now}, destroyed or not yet).
   *
   * @throws KekUnavailableException if the KEK failed to unwrap it
   */
  public Optional<byte[]> key(EpochKeyId id, Instant now) {
    Cached c = cache.get(id);
    if (c != null) {
      if (c.destroyAt.isAfter(now)) {
        return Optional.of(c.key.clone());
      }
      evict(id, c);
      return Optional.empty();
    }
    Optional<StoredEpochKey> stored = store.find(id, now);
    return stored.isEmpty() ? Optional.empty() : unwrapAndCache(stored.get(), now);
  }

  private Optional<byte[]> unwrapAndCache(StoredEpochKey stored, Instant now) {
    if (!stored.destroyAt().isAfter(now)) {
      return Optional.empty();
    }
    byte[] key;
    try {
      key = kek.decrypt(stored.wrapped(), stored.id().associatedData());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KekUnavailableException("the key-encryption key could not unwrap epoch key " + stored.id()
          + " (" + e.getClass().getSimpleName() + ")");
    }
    if (key.length != EPOCH_KEY_BYTES && key.length != 64) {
      Arrays.fill(key, (byte) 0);
      throw new DecryptionException("epoch key " + stored.id() + " unwrapped to " + key.length + " bytes");
    }
    Cached mine = new Cached(key, stored.destroyAt());
    Cached winner = cache.putIfAbsent(stored.id(), mine);
    if (winner != null) {
      Arrays.fill(key, (byte) 0);
      return Optional.of(winner.key.clone());
    }
    return Optional.of(key.clone());
  }

  /**
   * Destroys every epoch key past its destruction time: in the store (shared by every instance) and in this
   * instance's cache. Idempotent and safe from several instances.
   *
   * @return how many keys this call deleted from the store
   */
  public int destroyDue(Instant now) {
    cache.forEach((id, c) -> {
      if (!c.destroyAt.isAfter(now)) {
        evict(id, c);
      }
    });
    int destroyed = 0;
    List<EpochKeyId> batch;
    do {
      batch = store.destroyDue(now, BATCH);
      destroyed += batch.size();
      for (EpochKeyId id : batch) {
        Cached c = cache.get(id);
        if (c != null) {
          evict(id, c);
        }
        LOG.debug("destroyed epoch key {}", id);
        Listener l = listener;
        if (l != null) {
          l.destroyed(id, now);
        }
      }
    } while (batch.size() == BATCH);
    return destroyed;
  }

  private void evict(EpochKeyId id, Cached c) {
    if (cache.remove(id, c)) {
      Arrays.fill(c.key, (byte) 0);
    }
  }

  /**
   * Re-wraps every live epoch key with {@code newKek} so that it is wrapped by the new KEK's primary key, then
   * makes it the KEK for new epochs. O(live epochs); submissions are never rewritten.
   *
   * <p>A key is left alone only when it is already wrapped by {@code newKek}'s primary: {@code newKek}
   * unwraps it and its ciphertext starts with the 5-byte output prefix (Tink's {@code TINK} prefix: a version
   * byte and the primary key's id) that two fresh encryptions by {@code newKek} share. Readable alone is not
   * enough: a keyset that keeps the old key as a secondary (the rolling rotation of docs/KEYS.md) reads every
   * old wrap, and skipping those would leave them to be lost when the old key is dropped. A KEK whose
   * ciphertexts carry no stable prefix (a raw key) has every key re-wrapped on every call. A key re-wrapped
   * concurrently by another instance makes this call's compare-and-set fail, and is not counted.
   *
   * @return how many keys were re-wrapped by this call
   * @throws KekUnavailableException if either KEK failed; keys re-wrapped before the failure stay
   *     re-wrapped, and a retry continues where this one stopped
   */
  public int rotate(Aead newKek, Instant now) {
    requireNonNull(newKek, "newKek");
    byte[] primaryPrefix = primaryPrefix(newKek);
    int rewrapped = 0;
    EpochKeyId after = null;
    List<StoredEpochKey> page;
    do {
      page = store.live(now, after, BATCH);
      for (StoredEpochKey k : page) {
        after = k.id();
        byte[] key = unwrapOrNull(newKek, k);
        if (key != null && primaryPrefix != null && startsWith(k.wrapped(), primaryPrefix)) {
          Arrays.fill(key, (byte) 0);
          continue; // already wrapped by the new primary
        }
        if (key == null) {
          try {
            key = kek.decrypt(k.wrapped(), k.id().associatedData());
          } catch (GeneralSecurityException | RuntimeException e) {
            throw new KekUnavailableException("rotation: the current key-encryption key could not unwrap epoch key "
                + k.id() + " (" + e.getClass().getSimpleName() + ")");
          }
        }
        try {
          byte[] wrapped = newKek.encrypt(key, k.id().associatedData());
          if (store.rewrap(k.id(), k.version(), wrapped, now)) {
            rewrapped++;
          }
        } catch (GeneralSecurityException | RuntimeException e) {
          throw new KekUnavailableException("rotation: the new key-encryption key could not wrap epoch key "
              + k.id() + " (" + e.getClass().getSimpleName() + ")");
        } finally {
          Arrays.fill(key, (byte) 0);
        }
      }
    } while (page.size() == BATCH);
    this.kek = newKek;
    LOG.info("key-encryption key rotated: {} live epoch keys re-wrapped", rewrapped);
    return rewrapped;
  }

  /** How many leading bytes of a Tink ciphertext name the key that made it (version byte, key id). */
  private static final int PREFIX_BYTES = 5;
  private static final byte[] PROBE_AD = "lsf/epoch/v1/rotation-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The output prefix of {@code kek}'s primary, or {@code null} when two encryptions share none. */
  private static byte[] primaryPrefix(Aead kek) {
    byte[] first;
    byte[] second;
    try {
      first = kek.encrypt(new byte[EPOCH_KEY_BYTES], PROBE_AD);
      second = kek.encrypt(new byte[EPOCH_KEY_BYTES], PROBE_AD);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KekUnavailableException("rotation: the new key-encryption key could not encrypt ("
          + e.getClass().getSimpleName() + ")");
    }
    if (first.length < PREFIX_BYTES || second.length < PREFIX_BYTES
        || !Arrays.equals(first, 0, PREFIX_BYTES, second, 0, PREFIX_BYTES)) {
      return null;
    }
    return Arrays.copyOf(first, PREFIX_BYTES);
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** The key unwrapped by {@code candidate}, or {@code null} if it cannot. */
  private static byte[] unwrapOrNull(Aead candidate, StoredEpochKey k) {
    try {
      return candidate.decrypt(k.wrapped(), k.id().associatedData());
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The key of an epoch from this instance's memory only: never a store read nor a KEK call, so it may be
   * asked while a row lock is held.
   *
   * @return the key (a copy the caller wipes), or empty if the epoch is known to be destroyed
   * @throws NotCached if this instance has not loaded the epoch yet: {@link #load} it, outside any lock
   */
  public Optional<byte[]> cached(EpochKeyId id, Instant now) {
    Cached c = cache.get(id);
    if (c != null) {
      if (c.destroyAt.isAfter(now)) {
        return Optional.of(c.key.clone());
      }
      evict(id, c);
      return Optional.empty();
    }
    if (gone.contains(id)) {
      return Optional.empty();
    }
    throw new NotCached(id);
  }

  /**
   * Loads an epoch key into this instance's memory (a store read and a KEK unwrap), or remembers that it
   * is gone.
   *
   * @throws KekUnavailableException if the KEK failed to unwrap it
   */
  public void load(EpochKeyId id, Instant now) {
    Optional<byte[]> k = key(id, now);
    if (k.isPresent()) {
      Arrays.fill(k.get(), (byte) 0);
    } else {
      if (gone.size() >= MAX_GONE) {
        gone.clear();
      }
      gone.add(id);
    }
  }

  /** An epoch key this instance has not loaded yet; carries no key material. */
  public static final class NotCached extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient EpochKeyId id;

    NotCached(EpochKeyId id) {
      super(null, null, false, false);
      this.id = id;
    }

    /** {@return the epoch to load} */
    public EpochKeyId id() {
      return id;
    }
  }

  /** Wipes every cached key. */
  @Override
  public void close() {
    cache.forEach(this::evict);
  }
}
