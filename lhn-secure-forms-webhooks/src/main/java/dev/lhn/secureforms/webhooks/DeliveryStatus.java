package dev.lhn.secureforms.webhooks;

/** The status of one delivery. */
public enum DeliveryStatus {
  /** Waiting for its next attempt (or being attempted under a lease). */
  PENDING,
  /** The endpoint answered 2xx. */
  DELIVERED,
  /** Every attempt of the schedule failed. */
  FAILED,
  /** Its endpoint was disabled (it answered 410 Gone) before it was delivered. */
  CANCELLED
}
