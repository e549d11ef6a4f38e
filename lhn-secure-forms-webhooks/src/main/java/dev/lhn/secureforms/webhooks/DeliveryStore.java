package dev.lhn.secureforms.webhooks;

import dev.lhn.secureforms.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where the relay keeps deliveries between the outbox and the endpoints: one per (message id, endpoint id).
 * {@link InMemoryDeliveryStore} for one instance, {@link JdbcDeliveryStore} for several sharing a database.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #enqueue} is idempotent on (message id, endpoint id): a delivery already known, in any status,
 *       is left as it is, so draining the same outbox message twice adds nothing.
 *   <li>{@link #claim} hands each due delivery to one caller only, until the lease ends: it moves the delivery's
 *       next attempt to {@code now + lease}, counts the attempt and gives it a fresh claim token. A caller that
 *       dies holding a claim loses nothing: the delivery is due again when the lease ends.
 *   <li>An outcome ({@link #delivered}, {@link #retry}, {@link #failed}) applies only while the delivery still
 *       carries the claim token it presents; otherwise it changes nothing and returns {@code false} (another
 *       caller claimed it after the lease ended).
 *   <li>{@link #disableEndpoint} records the endpoint as disabled and cancels its pending deliveries.
 * </ul>
 * Failures are {@link StoreException}s whose messages carry no body.
 */
public interface DeliveryStore {

  /**
   * Adds deliveries not yet known; leaves known ones as they are.
   *
   * @param deliveries deliveries from {@link Delivery#pending}, due at once
   * @param now the time
   */
  void enqueue(List<Delivery> deliveries, Instant now);

  /**
   * Claims up to {@code limit} pending deliveries due at {@code now}, oldest due first.
   *
   * @param limit at most this many, at least 1
   * @param now the time
   * @param lease how long the claim holds, positive
   * @return the claimed deliveries with their attempt number and claim token
   */
  List<Delivery> claim(int limit, Instant now, Duration lease);

  /**
   * Marks a claimed delivery delivered.
   *
   * @param claimed a delivery from {@link #claim}
   * @param now the time
   * @return whether the claim still held
   */
  boolean delivered(Delivery claimed, Instant now);

  /**
   * Makes a claimed delivery due again at {@code next}.
   *
   * @param claimed a delivery from {@link #claim}
   * @param next when it is due again
   * @param error what the attempt found, at most 200 characters, never a body or secret
   * @param now the time
   * @return whether the claim still held
   */
  boolean retry(Delivery claimed, Instant next, String error, Instant now);

  /**
   * Marks a claimed delivery failed for good.
   *
   * @param claimed a delivery from {@link #claim}
   * @param error what the last attempt found, at most 200 characters, never a body or secret
   * @param now the time
   * @return whether the claim still held
   */
  boolean failed(Delivery claimed, String error, Instant now);

  /**
   * Disables an endpoint and cancels its pending deliveries, in one step.
   *
   * @param endpointId the endpoint
   * @param reason why, such as {@code "HTTP 410 Gone"}
   * @param now the time
   */
  void disableEndpoint(String endpointId, String reason, Instant now);

  /**
   * Enables an endpoint disabled before (its cancelled deliveries stay cancelled).
   *
   * @param endpointId the endpoint
   */
  void enableEndpoint(String endpointId);

  /** {@return the ids of the endpoints disabled in this store} */
  Set<String> disabledEndpoints();

  /**
   * {@return where one delivery stands, or empty if unknown}
   *
   * @param messageId the message's id
   * @param endpointId the endpoint's id
   */
  Optional<DeliveryState> state(UUID messageId, String endpointId);

  /** {@return how many deliveries are in each status} */
  Map<DeliveryStatus, Long> counts();
}
