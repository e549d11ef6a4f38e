package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/**
 * One event for one endpoint: what the relay posts, keyed by ({@link #messageId()}, {@link #endpointId()}).
 * Holds metadata only: the body is the Standard Webhooks envelope around the outbox payload.
 *
 * @param messageId the outbox message's id, sent as {@code webhook-id} on every attempt
 * @param endpointId the endpoint's id
 * @param eventType the event type
 * @param body the exact JSON body, identical on every attempt
 * @param createdAt when the event's change committed
 * @param attempt the number of the attempt this claim makes (1 for the first); 0 before a claim
 * @param claim the claim's token, which an outcome must present; {@code null} before a claim
 */
public record Delivery(UUID messageId, String endpointId, String eventType, String body, Instant createdAt,
    int attempt, UUID claim) {

  /**
   * Checks the components.
   *
   * @param messageId the outbox message's id
   * @param endpointId the endpoint's id
   * @param eventType the event type
   * @param body the exact JSON body
   * @param createdAt when the event's change committed
   * @param attempt the number of this attempt, 0 before a claim
   * @param claim the claim's token, {@code null} before a claim
   */
  public Delivery {
    requireNonNull(messageId, "messageId");
    requireNonNull(endpointId, "endpointId");
    requireNonNull(eventType, "eventType");
    requireNonNull(body, "body");
    requireNonNull(createdAt, "createdAt");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative, got " + attempt);
    }
  }

  /**
   * {@return a delivery not yet claimed}
   *
   * @param messageId the outbox message's id
   * @param endpointId the endpoint's id
   * @param eventType the event type
   * @param body the exact JSON body
   * @param createdAt when the event's change committed
   */
  public static Delivery pending(UUID messageId, String endpointId, String eventType, String body,
      Instant createdAt) {
    return new Delivery(messageId, endpointId, eventType, body, createdAt, 0, null);
  }

  @Override
  public String toString() {
    return "Delivery[" + messageId + " -> " + endpointId + ", type=" + eventType + ", attempt=" + attempt + "]";
  }
}
