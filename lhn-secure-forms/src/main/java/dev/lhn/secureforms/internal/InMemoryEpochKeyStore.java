package dev.lhn.secureforms.internal;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.StoreFullException;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.keys.StoredEpochKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory {@link EpochKeyStore}: a {@link ConcurrentHashMap} of entries that own their copy of the
 * wrapped bytes. Every read of those bytes happens inside the map's per-key atomic operations
 * ({@code computeIfPresent}), and an entry's bytes are wiped ({@link Arrays#fill}) only once it is out of the
 * map, so no reader ever sees a wiped key. Bounded: inserting past the capacity is a
 * {@link StoreFullException}. {@link #live} sorts the live ids on every call, which suits the few dozen live
 * epochs a deployment has.
 */
public final class InMemoryEpochKeyStore implements EpochKeyStore {
  private static final int MAX_BATCH = 10_000;

  private final ConcurrentHashMap<EpochKeyId, Entry> keys = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private final int maxKeys;

  /**
   * An empty store.
   *
   * @param maxKeys how many keys it holds at most, at least 1
   * @throws IllegalArgumentException if {@code maxKeys} is not positive
   */
  public InMemoryEpochKeyStore(int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be positive, got " + maxKeys);
    }
    this.maxKeys = maxKeys;
  }

  /** A stored key; {@code wrapped} is this entry's own copy, wiped once the entry is out of the map. */
  private static final class Entry {
    final Instant destroyAt;
    final long version;
    final byte[] wrapped;

    Entry(Instant destroyAt, long version, byte[] wrapped) {
      this.destroyAt = destroyAt;
      this.version = version;
      this.wrapped = wrapped;
    }

    boolean liveAt(Instant now) {
      return destroyAt.isAfter(now);
    }

    StoredEpochKey toKey(EpochKeyId id) {
      return new StoredEpochKey(id, destroyAt, version, wrapped);
    }

    void wipe() {
      Arrays.fill(wrapped, (byte) 0);
    }
  }

  @Override
  public StoredEpochKey insertIfAbsent(StoredEpochKey key) {
    requireNonNull(key, "key");
    EpochKeyId id = key.id();
    while (true) {
      StoredEpochKey earlier = snapshot(id, null);
      if (earlier != null) {
        return earlier;
      }
      if (count.incrementAndGet() > maxKeys) {
        count.decrementAndGet();
        earlier = snapshot(id, null);
        if (earlier != null) {
          return earlier; // a duplicate is answered as such, even when the store is full
        }
        throw new StoreFullException("in-memory epoch key store is full: it holds at most " + maxKeys + " keys");
      }
      Entry mine = new Entry(key.destroyAt(), key.version(), key.wrapped());
      if (keys.putIfAbsent(id, mine) == null) {
        return key;
      }
      count.decrementAndGet();
      mine.wipe(); // lost the race: the winner is read on the next pass (unless destroyed in between)
    }
  }

  @Override
  public Optional<StoredEpochKey> find(EpochKeyId id, Instant now) {
    requireNonNull(id, "id");
    requireNonNull(now, "now");
    return Optional.ofNullable(snapshot(id, now));
  }

  @Override
  public List<EpochKeyId> destroyDue(Instant now, int batchSize) {
    requireNonNull(now, "now");
    checkLimit("batchSize", batchSize);
    List<EpochKeyId> destroyed = new ArrayList<>();
    for (Map.Entry<EpochKeyId, Entry> e : keys.entrySet()) {
      if (destroyed.size() == batchSize) {
        break;
      }
      Entry entry = e.getValue();
      if (!entry.liveAt(now) && keys.remove(e.getKey(), entry)) {
        count.decrementAndGet();
        entry.wipe();
        destroyed.add(e.getKey());
      }
    }
    return destroyed;
  }

  @Override
  public List<StoredEpochKey> live(Instant now, EpochKeyId after, int limit) {
    requireNonNull(now, "now");
    checkLimit("limit", limit);
    List<EpochKeyId> ids = new ArrayList<>();
    for (Map.Entry<EpochKeyId, Entry> e : keys.entrySet()) {
      if (e.getValue().liveAt(now) && (after == null || e.getKey().compareTo(after) > 0)) {
        ids.add(e.getKey());
      }
    }
    ids.sort(null);
    List<StoredEpochKey> page = new ArrayList<>(Math.min(limit, ids.size()));
    for (EpochKeyId id : ids) {
      if (page.size() == limit) {
        break;
      }
      StoredEpochKey k = snapshot(id, now);
      if (k != null) {
        page.add(k);
      }
    }
    return page;
  }

  @Override
  public boolean rewrap(EpochKeyId id, long expectedVersion, byte[] newWrapped, Instant now) {
    requireNonNull(id, "id");
    requireNonNull(newWrapped, "newWrapped");
    requireNonNull(now, "now");
    if (expectedVersion < 0 || expectedVersion == Long.MAX_VALUE) {
      throw new IllegalArgumentException("expectedVersion must be 0 to Long.MAX_VALUE - 1, got " + expectedVersion);
    }
    if (newWrapped.length == 0 || newWrapped.length > StoredEpochKey.MAX_WRAPPED_BYTES) {
      throw new IllegalArgumentException("newWrapped must have 1 to " + StoredEpochKey.MAX_WRAPPED_BYTES
          + " bytes, got " + newWrapped.length);
    }
    byte[] copy = newWrapped.clone();
    boolean[] done = new boolean[1];
    keys.computeIfPresent(id, (k, e) -> {
      if (!e.liveAt(now) || e.version != expectedVersion) {
        return e;
      }
      done[0] = true;
      e.wipe(); // unreachable once this function returns: readers copy only inside the map's atomics
      return new Entry(e.destroyAt, expectedVersion + 1, copy);
    });
    if (!done[0]) {
      Arrays.fill(copy, (byte) 0);
    }
    return done[0];
  }

  @Override
  public String toString() {
    return "InMemoryEpochKeyStore[" + count.get() + " of at most " + maxKeys + " keys]";
  }

  /** A copy of the key, taken atomically; {@code null} if absent or, when {@code now} is given, not live. */
  private StoredEpochKey snapshot(EpochKeyId id, Instant now) {
    StoredEpochKey[] out = new StoredEpochKey[1];
    keys.computeIfPresent(id, (k, e) -> {
      if (now == null || e.liveAt(now)) {
        out[0] = e.toKey(k);
      }
      return e;
    });
    return out[0];
  }

  private static void checkLimit(String name, int n) {
    if (n < 1 || n > MAX_BATCH) {
      throw new IllegalArgumentException(name + " must be 1 to " + MAX_BATCH + ", got " + n);
    }
  }
}
