package dev.lhn.secureforms.tck;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.keys.StoredEpochKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A deliberately simple epoch key store (one lock, a map in insertion order) that can carry one of the bugs
 * real stores have. With no bug it is correct; each bug must make the kit fail, which proves that the kit's
 * assertions can fail.
 */
final class BuggyEpochKeyStore implements EpochKeyStore {

  enum Bug {
    NONE,
    INSERT_OVERWRITES,
    INSERT_NOT_ATOMIC,
    WRAPPED_TRUNCATED_AT_256,
    FIND_RETURNS_PAST_DESTROY_AT,
    DESTROY_IGNORES_BATCH_SIZE,
    DESTROY_TOUCHES_NOT_YET_DUE,
    DESTROY_NOT_ATOMIC,
    LIVE_IN_INSERTION_ORDER,
    LIVE_INCLUDES_AFTER,
    LIVE_RETURNS_PAST_DESTROY_AT,
    REWRAP_IGNORES_VERSION,
    REWRAP_KEEPS_VERSION,
    REWRAP_PAST_DESTROY_AT,
  }

  private final Bug bug;
  private final Map<EpochKeyId, StoredEpochKey> keys = new LinkedHashMap<>();

  BuggyEpochKeyStore(Bug bug) {
    this.bug = bug;
  }

  @Override
  public StoredEpochKey insertIfAbsent(StoredEpochKey key) {
    requireNonNull(key, "key");
    StoredEpochKey kept = key;
    if (bug == Bug.WRAPPED_TRUNCATED_AT_256 && key.wrappedLength() > 256) {
      kept = new StoredEpochKey(key.id(), key.destroyAt(), key.version(), Arrays.copyOf(key.wrapped(), 256));
    }
    if (bug == Bug.INSERT_NOT_ATOMIC) {
      StoredEpochKey earlier;
      synchronized (this) {
        earlier = keys.get(key.id());
      }
      if (earlier != null) {
        return earlier;
      }
      sleep();
      synchronized (this) {
        keys.put(key.id(), kept);
      }
      return key;
    }
    synchronized (this) {
      StoredEpochKey earlier = keys.get(key.id());
      if (earlier != null && bug != Bug.INSERT_OVERWRITES) {
        return earlier;
      }
      keys.put(key.id(), kept);
      return key;
    }
  }

  @Override
  public synchronized Optional<StoredEpochKey> find(EpochKeyId id, Instant now) {
    requireNonNull(id, "id");
    requireNonNull(now, "now");
    StoredEpochKey k = keys.get(id);
    return k != null && (live(k, now) || bug == Bug.FIND_RETURNS_PAST_DESTROY_AT) ? Optional.of(k) : Optional.empty();
  }

  @Override
  public List<EpochKeyId> destroyDue(Instant now, int batchSize) {
    requireNonNull(now, "now");
    check("batchSize", batchSize);
    Instant cut = bug == Bug.DESTROY_TOUCHES_NOT_YET_DUE ? now.plusMillis(1) : now;
    List<EpochKeyId> out = new ArrayList<>();
    synchronized (this) {
      for (StoredEpochKey k : keys.values()) {
        if (out.size() == batchSize && bug != Bug.DESTROY_IGNORES_BATCH_SIZE) {
          break;
        }
        if (!k.destroyAt().isAfter(cut)) {
          out.add(k.id());
        }
      }
      if (bug != Bug.DESTROY_NOT_ATOMIC) {
        out.forEach(keys::remove);
        return out;
      }
    }
    sleep();
    synchronized (this) {
      out.forEach(keys::remove);
    }
    return out;
  }

  @Override
  public synchronized List<StoredEpochKey> live(Instant now, EpochKeyId after, int limit) {
    requireNonNull(now, "now");
    check("limit", limit);
    List<StoredEpochKey> all = new ArrayList<>(keys.values());
    if (bug != Bug.LIVE_IN_INSERTION_ORDER) {
      all.sort((a, b) -> a.id().compareTo(b.id()));
    }
    List<StoredEpochKey> out = new ArrayList<>();
    for (StoredEpochKey k : all) {
      int vsAfter = after == null ? 1 : k.id().compareTo(after);
      boolean afterOk = vsAfter > 0 || (vsAfter == 0 && bug == Bug.LIVE_INCLUDES_AFTER);
      if (out.size() < limit && afterOk && (live(k, now) || bug == Bug.LIVE_RETURNS_PAST_DESTROY_AT)) {
        out.add(k);
      }
    }
    return out;
  }

  @Override
  public synchronized boolean rewrap(EpochKeyId id, long expectedVersion, byte[] newWrapped, Instant now) {
    requireNonNull(id, "id");
    requireNonNull(newWrapped, "newWrapped");
    requireNonNull(now, "now");
    if (expectedVersion < 0 || expectedVersion == Long.MAX_VALUE) {
      throw new IllegalArgumentException("expectedVersion out of range: " + expectedVersion);
    }
    if (newWrapped.length == 0 || newWrapped.length > StoredEpochKey.MAX_WRAPPED_BYTES) {
      throw new IllegalArgumentException("newWrapped must have 1 to 4096 bytes, got " + newWrapped.length);
    }
    StoredEpochKey k = keys.get(id);
    if (k == null || (!live(k, now) && bug != Bug.REWRAP_PAST_DESTROY_AT)
        || (k.version() != expectedVersion && bug != Bug.REWRAP_IGNORES_VERSION)) {
      return false;
    }
    keys.put(id, bug == Bug.REWRAP_KEEPS_VERSION
        ? new StoredEpochKey(id, k.destroyAt(), k.version(), newWrapped) : k.withWrapped(newWrapped));
    return true;
  }

  private static boolean live(StoredEpochKey k, Instant now) {
    return k.destroyAt().isAfter(now);
  }

  private static void check(String name, int n) {
    if (n < 1 || n > 10_000) {
      throw new IllegalArgumentException(name + " must be 1 to 10000, got " + n);
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
