package dev.lhn.secureforms.internal;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.sealed.FormRequestStore;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link FormRequestStore#inMemory()}: a map from request id to expiry. Thread-safe, one JVM only. */
public final class InMemoryFormRequestStore implements FormRequestStore {
  private final int capacity;
  private final ConcurrentHashMap<String, Instant> consumed = new ConcurrentHashMap<>();

  /**
   * @param capacity how many live ids it may hold
   */
  public InMemoryFormRequestStore(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public boolean consume(String requestId, Instant expiresAt, Instant now) {
    FormRequestStore.checkConsume(requestId, expiresAt, now);
    if (consumed.size() >= capacity) {
      forgetExpired(now, 10_000);
      if (consumed.size() >= capacity) {
        throw new StoreException("the in-memory form request store is full (" + capacity + " live ids)");
      }
    }
    return consumed.putIfAbsent(requestId, expiresAt) == null;
  }

  @Override
  public int forgetExpired(Instant now, int batchSize) {
    FormRequestStore.checkForget(now, batchSize);
    int forgot = 0;
    for (Iterator<Map.Entry<String, Instant>> it = consumed.entrySet().iterator(); it.hasNext() && forgot < batchSize; ) {
      Map.Entry<String, Instant> e = it.next();
      if (!e.getValue().isAfter(now) && consumed.remove(e.getKey(), e.getValue())) {
        forgot++;
      }
    }
    return forgot;
  }

  @Override
  public String toString() {
    return "InMemoryFormRequestStore[" + consumed.size() + " live ids]";
  }
}
