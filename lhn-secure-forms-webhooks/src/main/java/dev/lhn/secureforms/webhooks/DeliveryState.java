package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Where one delivery stands, for operators and tests.
 *
 * @param status the status
 * @param attempts the attempts made (claimed) so far
 * @param nextAttemptAt when it is due next (while pending), or when it ended
 * @param lastError what the last failed attempt found ({@code "HTTP 503"}, {@code "timeout"}), or {@code null}
 */
public record DeliveryState(DeliveryStatus status, int attempts, Instant nextAttemptAt, String lastError) {
  /**
   * Checks the components.
   *
   * @param status the status
   * @param attempts the attempts made so far
   * @param nextAttemptAt when it is due next, or when it ended
   * @param lastError what the last failed attempt found, or {@code null}
   */
  public DeliveryState {
    requireNonNull(status, "status");
    requireNonNull(nextAttemptAt, "nextAttemptAt");
  }
}
