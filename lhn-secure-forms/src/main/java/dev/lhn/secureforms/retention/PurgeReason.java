package dev.lhn.secureforms.retention;

/** Why a submission or a field was purged; carried by {@code Purged} events. */
public enum PurgeReason {
  /** The last allowed view was taken. */
  REVEALED,
  /** The conversation ended and the form's offset after it passed. */
  CONVERSATION_ENDED,
  /** The form's maximum age passed. */
  MAX_AGE,
  /** The reveal window that opened with the first view closed. */
  REVEAL_WINDOW,
  /** The host purged it on demand ({@code SecureForms.purge}). */
  MANUAL,
  /** One field was purged, on demand or by its own retention; the rest of the submission remains. */
  FIELD,
  /**
   * The stored row could not be read back (corrupted or tampered with: an empty envelope, metadata that
   * breaks the rules, a malformed envelope), so it could never be revealed; it was purged whole, at its
   * deadline or when found, instead of blocking the purge of others.
   */
  DAMAGED
}
