package dev.lhn.secureforms.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the transactional outbox, in the shape of Debezium's outbox event router (id, aggregate type,
 * aggregate id, type, payload), so that a host may read the table with change data capture instead of the
 * library's webhook relay. Written by the store in the same transaction as the change it announces.
 *
 * <p>The payload is metadata only: ids, times, operator, reasons; never a field value or a preview.
 *
 * @param id stable id of the event; webhook deliveries use it as {@code webhook-id}, so receivers can
 *     deduplicate
 * @param aggregateType what the event is about, such as {@code "submission"} or {@code "conversation"}
 * @param aggregateId the id of that thing (a submission id; a conversation reference, never the host's raw
 *     conversation id)
 * @param type the event type, such as {@code "submission.revealed"}
 * @param payload the event as one line of JSON
 * @param createdAt when the change committed (the time the library passed to the store)
 */
public record OutboxMessage(
    UUID id, String aggregateType, String aggregateId, String type, String payload, Instant createdAt) {

  /**
   * Checks that no component is null.
   *
   * @param id stable id of the event
   * @param aggregateType what the event is about
   * @param aggregateId the id of that thing
   * @param type the event type
   * @param payload the event as one line of JSON
   * @param createdAt when the change committed
   */
  public OutboxMessage {
    requireNonNull(id, "id");
    requireNonNull(aggregateType, "aggregateType");
    requireNonNull(aggregateId, "aggregateId");
    requireNonNull(type, "type");
    requireNonNull(payload, "payload");
    requireNonNull(createdAt, "createdAt");
  }

  @Override
  public String toString() {
    // The payload is metadata only, but toString stays short and shape-only all the same.
    return "OutboxMessage[id=" + id + ", type=" + type + ", aggregate=" + aggregateType + "/" + aggregateId + "]";
  }
}
