package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link DeliveryStore} in this JVM's memory, for one instance and for tests: a restart forgets every
 * delivery not yet made (use {@link JdbcDeliveryStore} where that matters). Thread-safe (one lock).
 */
public final class InMemoryDeliveryStore implements DeliveryStore {
  private final Map<Key, Row> rows = new LinkedHashMap<>();
  private final Set<String> disabled = new HashSet<>();

  /** An empty store. */
  public InMemoryDeliveryStore() {}

  private record Key(UUID messageId, String endpointId) {}

  private static final class Row {
    final Delivery delivery;
    DeliveryStatus status = DeliveryStatus.PENDING;
    int attempts;
    Instant next;
    UUID claim;
    String lastError;

    Row(Delivery delivery, Instant next) {
      this.delivery = delivery;
      this.next = next;
    }
  }

  @Override
  public synchronized void enqueue(List<Delivery> deliveries, Instant now) {
    requireNonNull(deliveries, "deliveries");
    requireNonNull(now, "now");
    for (Delivery d : deliveries) {
      rows.putIfAbsent(new Key(d.messageId(), d.endpointId()), new Row(d, now));
    }
  }

  @Override
  public synchronized List<Delivery> claim(int limit, Instant now, Duration lease) {
    checkClaim(limit, now, lease);
    List<Row> due = new ArrayList<>();
    for (Row r : rows.values()) {
      if (r.status == DeliveryStatus.PENDING && !r.next.isAfter(now)) {
        due.add(r);
      }
    }
    due.sort(Comparator.comparing((Row r) -> r.next));
    List<Delivery> out = new ArrayList<>();
    for (Row r : due.subList(0, Math.min(limit, due.size()))) {
      r.attempts++;
      r.next = now.plus(lease);
      r.claim = UUID.randomUUID();
      Delivery d = r.delivery;
      out.add(new Delivery(d.messageId(), d.endpointId(), d.eventType(), d.body(), d.createdAt(), r.attempts,
          r.claim));
    }
    return out;
  }

  static void checkClaim(int limit, Instant now, Duration lease) {
    requireNonNull(now, "now");
    requireNonNull(lease, "lease");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive, got " + lease);
    }
  }

  private Row held(Delivery claimed) {
    requireNonNull(claimed, "claimed");
    Row r = rows.get(new Key(claimed.messageId(), claimed.endpointId()));
    if (r == null || claimed.claim() == null || !claimed.claim().equals(r.claim) || r.status != DeliveryStatus.PENDING) {
      return null;
    }
    return r;
  }

  @Override
  public synchronized boolean delivered(Delivery claimed, Instant now) {
    return finish(claimed, DeliveryStatus.DELIVERED, now, null);
  }

  @Override
  public synchronized boolean retry(Delivery claimed, Instant next, String error, Instant now) {
    requireNonNull(next, "next");
    Row r = held(claimed);
    if (r == null) {
      return false;
    }
    r.next = next;
    r.claim = null;
    r.lastError = error;
    return true;
  }

  @Override
  public synchronized boolean failed(Delivery claimed, String error, Instant now) {
    return finish(claimed, DeliveryStatus.FAILED, now, error);
  }

  private boolean finish(Delivery claimed, DeliveryStatus status, Instant now, String error) {
    requireNonNull(now, "now");
    Row r = held(claimed);
    if (r == null) {
      return false;
    }
    r.status = status;
    r.next = now;
    r.claim = null;
    if (error != null) {
      r.lastError = error;
    }
    return true;
  }

  @Override
  public synchronized void disableEndpoint(String endpointId, String reason, Instant now) {
    requireNonNull(endpointId, "endpointId");
    requireNonNull(reason, "reason");
    requireNonNull(now, "now");
    disabled.add(endpointId);
    for (Row r : rows.values()) {
      if (r.status == DeliveryStatus.PENDING && r.delivery.endpointId().equals(endpointId)) {
        r.status = DeliveryStatus.CANCELLED;
        r.claim = null;
        r.next = now;
        r.lastError = reason;
      }
    }
  }

  @Override
  public synchronized void enableEndpoint(String endpointId) {
    requireNonNull(endpointId, "endpointId");
    disabled.remove(endpointId);
  }

  @Override
  public synchronized Set<String> disabledEndpoints() {
    return Set.copyOf(disabled);
  }

  @Override
  public synchronized Optional<DeliveryState> state(UUID messageId, String endpointId) {
    Row r = rows.get(new Key(messageId, endpointId));
    return r == null ? Optional.empty() : Optional.of(new DeliveryState(r.status, r.attempts, r.next, r.lastError));
  }

  @Override
  public synchronized Map<DeliveryStatus, Long> counts() {
    Map<DeliveryStatus, Long> out = new EnumMap<>(DeliveryStatus.class);
    for (DeliveryStatus s : DeliveryStatus.values()) {
      out.put(s, 0L);
    }
    for (Row r : rows.values()) {
      out.merge(r.status, 1L, Long::sum);
    }
    return out;
  }

  @Override
  public synchronized String toString() {
    return "InMemoryDeliveryStore[" + rows.size() + " deliveries, " + disabled.size() + " disabled endpoints]";
  }
}
