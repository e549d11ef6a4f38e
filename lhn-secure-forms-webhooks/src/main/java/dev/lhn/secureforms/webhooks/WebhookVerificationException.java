package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.SecureFormsException;

/**
 * A received webhook failed verification. The message names the rule that failed ({@link #reason()}); it never
 * quotes a secret, a signature or the body. A receiver answers such a request with 400 or 401 and drops it.
 */
public final class WebhookVerificationException extends SecureFormsException {
  private static final long serialVersionUID = 1L;

  /** Which rule failed. */
  public enum Reason {
    /** A {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature} header is missing or empty. */
    MISSING_HEADER,
    /** {@code webhook-timestamp} is not a whole number of unix seconds. */
    MALFORMED_TIMESTAMP,
    /** The timestamp is further in the past than the tolerance (a replay, or a receiver's clock far ahead). */
    TIMESTAMP_TOO_OLD,
    /** The timestamp is further in the future than the tolerance. */
    TIMESTAMP_TOO_NEW,
    /** No signature of the header is a {@code v1,<base64>} entry. */
    NO_V1_SIGNATURE,
    /** No {@code v1} signature matches any of the receiver's secrets. */
    SIGNATURE_MISMATCH
  }

  /** The rule that failed. */
  private final Reason reason;

  /**
   * A verification failure.
   *
   * @param reason the rule that failed
   * @param message the rule in words; never a secret, signature or body
   */
  WebhookVerificationException(Reason reason, String message) {
    super(requireNonNull(reason, "reason") + ": " + message);
    this.reason = reason;
  }

  /** {@return the rule that failed} */
  public Reason reason() {
    return reason;
  }
}
