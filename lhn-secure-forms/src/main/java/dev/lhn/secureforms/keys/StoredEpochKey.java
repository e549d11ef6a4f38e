package dev.lhn.secureforms.keys;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;

/**
 * An epoch key as an {@link EpochKeyStore} keeps it: its id, when it is destroyed, a row version for
 * compare-and-set re-wraps, and the key wrapped by the key-encryption key (ciphertext bound to
 * {@link EpochKeyId#associatedData()}), which stores treat as opaque bytes.
 *
 * <p>Immutable: the wrapped bytes are copied in and out. {@link #toString()} leaves them out; {@link #equals}
 * compares every field, the wrapped bytes too (not in constant time: they are ciphertext, not a secret).
 * {@code destroyAt} is kept at millisecond precision, as stores keep it.
 */
public final class StoredEpochKey {
  /** The largest wrapped key a store must accept: 4096 bytes. */
  public static final int MAX_WRAPPED_BYTES = 4096;

  private final EpochKeyId id;
  private final Instant destroyAt;
  private final long version;
  private final byte[] wrapped;

  /**
   * A stored epoch key.
   *
   * @param id the key's id
   * @param destroyAt when the key is destroyed (normally its window's end plus a grace period); not before
   *     the window's end; truncated to milliseconds
   * @param version the row version: 0 when created, one more per re-wrap; not negative
   * @param wrapped the wrapped key, 1 to {@value #MAX_WRAPPED_BYTES} bytes (copied)
   * @throws NullPointerException if {@code id}, {@code destroyAt} or {@code wrapped} is null
   * @throws IllegalArgumentException if {@code destroyAt} is before the window's end, {@code version} is
   *     negative, or {@code wrapped} has no byte or more than {@value #MAX_WRAPPED_BYTES}
   */
  public StoredEpochKey(EpochKeyId id, Instant destroyAt, long version, byte[] wrapped) {
    this.id = requireNonNull(id, "id");
    requireNonNull(destroyAt, "destroyAt");
    requireNonNull(wrapped, "wrapped");
    Instant at = destroyAt.truncatedTo(ChronoUnit.MILLIS);
    if (at.isBefore(id.windowEnd())) {
      throw new IllegalArgumentException("destroyAt must not be before the end of the key's window ("
          + id.windowEnd() + "), got " + destroyAt);
    }
    try {
      at.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("destroyAt must fit epoch milliseconds, got " + destroyAt);
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must not be negative, got " + version);
    }
    checkWrapped(wrapped, "wrapped");
    this.destroyAt = at;
    this.version = version;
    this.wrapped = wrapped.clone();
  }

  /**
   * The key's id.
   *
   * @return the id
   */
  public EpochKeyId id() {
    return id;
  }

  /**
   * When the key is destroyed: from then on no store returns it.
   *
   * @return the destruction time, at millisecond precision
   */
  public Instant destroyAt() {
    return destroyAt;
  }

  /**
   * The row version: 0 when created, one more per re-wrap.
   *
   * @return the version
   */
  public long version() {
    return version;
  }

  /**
   * A copy of the wrapped key.
   *
   * @return a new array on every call
   */
  public byte[] wrapped() {
    return wrapped.clone();
  }

  /**
   * The wrapped key's length, without copying it.
   *
   * @return the length in bytes
   */
  public int wrappedLength() {
    return wrapped.length;
  }

  /**
   * This key re-wrapped: the same id and destruction time, {@code newWrapped}, and the next version.
   *
   * @param newWrapped the key wrapped anew, 1 to {@value #MAX_WRAPPED_BYTES} bytes (copied)
   * @return a new stored key with version {@code version() + 1}
   * @throws NullPointerException if {@code newWrapped} is null
   * @throws IllegalArgumentException if {@code newWrapped} has no byte or more than {@value #MAX_WRAPPED_BYTES}
   * @throws IllegalStateException if the version is already {@link Long#MAX_VALUE}
   */
  public StoredEpochKey withWrapped(byte[] newWrapped) {
    checkWrapped(newWrapped, "newWrapped");
    if (version == Long.MAX_VALUE) {
      throw new IllegalStateException("the version of " + id + " is at its maximum");
    }
    return new StoredEpochKey(id, destroyAt, version + 1, newWrapped);
  }

  /**
   * Whether {@code o} is a stored key with the same id, destruction time, version and wrapped bytes.
   *
   * @param o the object to compare with
   * @return whether every field is equal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof StoredEpochKey k && id.equals(k.id) && destroyAt.equals(k.destroyAt) && version == k.version
        && Arrays.equals(wrapped, k.wrapped);
  }

  /**
   * A hash of the id, the destruction time and the version (not of the wrapped bytes).
   *
   * @return the hash code
   */
  @Override
  public int hashCode() {
    return Objects.hash(id, destroyAt, version);
  }

  /**
   * The key for logs, without its bytes: {@code StoredEpochKey[data@...+PT1H, destroyAt=..., version=0,
   * wrapped=60 bytes]}.
   *
   * @return the key as text
   */
  @Override
  public String toString() {
    return "StoredEpochKey[" + id + ", destroyAt=" + destroyAt + ", version=" + version + ", wrapped="
        + wrapped.length + " bytes]";
  }

  /**
   * Checks the size of a wrapped key.
   *
   * @param wrapped the bytes
   * @param name the argument's name, for the message
   * @throws NullPointerException if {@code wrapped} is null
   * @throws IllegalArgumentException if it has no byte or more than {@value #MAX_WRAPPED_BYTES}
   */
  static void checkWrapped(byte[] wrapped, String name) {
    requireNonNull(wrapped, name);
    if (wrapped.length == 0 || wrapped.length > MAX_WRAPPED_BYTES) {
      throw new IllegalArgumentException(
          name + " must have 1 to " + MAX_WRAPPED_BYTES + " bytes, got " + wrapped.length);
    }
  }
}
