package dev.lhn.secureforms.internal;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * One key slot to seal with in envelope format v2: the id of an epoch key and a copy of its 32 bytes.
 * Holds key bytes, so it is a class, not a record: the constructor copies the key, {@link #close()} wipes
 * the copy, {@link #toString()} is redacted and there is no {@code equals}.
 */
public final class KeySlot implements AutoCloseable {
  private final KeySlotId id;
  private final byte[] epochKey;
  private boolean closed;

  /**
   * A slot sealed under the given epoch key.
   *
   * @param id the epoch key's id, written into the envelope and bound into the wrapped data key's
   *     associated data
   * @param epochKey the epoch key's 32 bytes; copied (the caller keeps and wipes its own array)
   * @throws IllegalArgumentException if the key is not 32 bytes
   */
  public KeySlot(KeySlotId id, byte[] epochKey) {
    this.id = requireNonNull(id, "id");
    requireNonNull(epochKey, "epochKey");
    if (epochKey.length != EnvelopeBytes.KEY_BYTES) {
      throw new IllegalArgumentException("epochKey must be 32 bytes, got " + epochKey.length);
    }
    this.epochKey = epochKey.clone();
  }

  /**
   * The epoch key's id.
   *
   * @return the id
   */
  public KeySlotId id() {
    return id;
  }

  /**
   * The key itself, not a copy: for the codec only.
   *
   * @return the 32 bytes
   * @throws IllegalStateException after {@link #close()}
   */
  byte[] epochKey() {
    if (closed) {
      throw new IllegalStateException("KeySlot is closed");
    }
    return epochKey;
  }

  /** Wipes the copy of the key. Idempotent. */
  @Override
  public void close() {
    closed = true;
    Arrays.fill(epochKey, (byte) 0);
  }

  @Override
  public String toString() {
    return "KeySlot[" + id + ", key=<redacted>]";
  }
}
