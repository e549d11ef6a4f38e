package dev.lhn.secureforms.journal;

import java.util.Locale;

/** What a {@link JournalRecord} records. Stored by {@link #name()}; {@link #wireName()} is its event type. */
public enum JournalEvent {
  /** A submission was stored. */
  SUBMITTED,
  /** An operator took a view of a submission. */
  REVEALED,
  /** A reveal was refused (the authorizer, a missing reason); nothing was consumed. */
  REVEAL_DENIED,
  /** A reveal failed (decryption, the store, the journal); nothing was consumed. */
  REVEAL_FAILED,
  /** A whole submission was purged; the detail names the {@link dev.lhn.secureforms.retention.PurgeReason}. */
  PURGED,
  /** One field of a submission was purged; the record names the field. */
  FIELD_PURGED,
  /** A purge could not complete (it lost its races); it is retried on the next run. */
  PURGE_FAILED,
  /** The conversation of a submission ended; its deadlines moved. */
  CONVERSATION_ENDED,
  /** An epoch key was created (wrapped by the KEK) in the epoch key store. */
  EPOCH_KEY_CREATED,
  /** An epoch key was destroyed: every submission of its epoch is crypto-erased. */
  EPOCH_KEY_DESTROYED,
  /** The key-encryption key was rotated; the detail says how many keys were re-wrapped. */
  KEK_ROTATED,
  /** A configuration verdict written at startup (a compliance profile's, for example); detail only. */
  CONFIGURATION;

  /**
   * The type as events and outbox messages spell it: {@code submission.revealed}, {@code key.kek_rotated},
   * {@code library.configuration}.
   *
   * @return the dotted, lower-case type name
   */
  public String wireName() {
    String n = name().toLowerCase(Locale.ROOT);
    return switch (this) {
      case EPOCH_KEY_CREATED, EPOCH_KEY_DESTROYED, KEK_ROTATED -> "key." + n;
      case CONFIGURATION -> "library." + n;
      case CONVERSATION_ENDED -> "submission.conversation_ended";
      default -> "submission." + n;
    };
  }
}
