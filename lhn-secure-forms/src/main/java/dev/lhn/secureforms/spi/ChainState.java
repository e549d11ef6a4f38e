package dev.lhn.secureforms.spi;

import static java.util.Objects.requireNonNull;

/**
 * The head of a journal's chain, as the store keeps it in one row: the chain's root key wrapped by the KEK,
 * how many records were chained, the MAC of the last one, and where retention cut the chain's start.
 *
 * @param wrappedRootKey the chain's first MAC key, wrapped by the key-encryption key
 * @param count how many records were chained (the position of the last one)
 * @param head the MAC of record {@code count}, or 32 zero bytes when {@code count} is 0
 * @param purgedCount how many of the first records retention deleted (0 if none)
 * @param purgedHead the MAC of record {@code purgedCount}, or 32 zero bytes when it is 0
 */
public record ChainState(byte[] wrappedRootKey, long count, byte[] head, long purgedCount, byte[] purgedHead) {
  /**
   * Checks and copies the components.
   *
   * @param wrappedRootKey the wrapped root key
   * @param count how many records were chained
   * @param head the MAC of the last one
   * @param purgedCount how many retention deleted
   * @param purgedHead the MAC of the last one deleted
   */
  public ChainState {
    wrappedRootKey = requireNonNull(wrappedRootKey, "wrappedRootKey").clone();
    head = requireNonNull(head, "head").clone();
    purgedHead = requireNonNull(purgedHead, "purgedHead").clone();
    if (count < 0 || purgedCount < 0 || purgedCount > count) {
      throw new IllegalArgumentException("need 0 <= purgedCount <= count, got " + purgedCount + " and " + count);
    }
  }

  /** {@return a copy of the wrapped root key} */
  @Override
  public byte[] wrappedRootKey() {
    return wrappedRootKey.clone();
  }

  /** {@return a copy of the MAC of the last chained record} */
  @Override
  public byte[] head() {
    return head.clone();
  }

  /** {@return a copy of the MAC of the last record retention deleted} */
  @Override
  public byte[] purgedHead() {
    return purgedHead.clone();
  }

  /**
   * {@return this state after more records were chained}
   *
   * @param newCount the new count
   * @param newHead the MAC of the last record
   */
  public ChainState advanced(long newCount, byte[] newHead) {
    return new ChainState(wrappedRootKey, newCount, newHead, purgedCount, purgedHead);
  }

  /**
   * {@return this state after retention deleted the first records}
   *
   * @param newPurgedCount how many of the first records are now deleted
   * @param newPurgedHead the MAC of the last one deleted
   */
  public ChainState purged(long newPurgedCount, byte[] newPurgedHead) {
    return new ChainState(wrappedRootKey, count, head, newPurgedCount, newPurgedHead);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChainState s && s.count == count && s.purgedCount == purgedCount
        && java.util.Arrays.equals(s.wrappedRootKey, wrappedRootKey) && java.util.Arrays.equals(s.head, head)
        && java.util.Arrays.equals(s.purgedHead, purgedHead);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(count);
  }

  @Override
  public String toString() {
    return "ChainState[count=" + count + ", purgedCount=" + purgedCount + "]";
  }
}
