package dev.lhn.secureforms.spi;

/**
 * Work a store runs inside a claim: while it holds the submission exclusively (the in-memory store, inside
 * {@code ConcurrentHashMap.compute}), or on the submission as read, before the compare-and-set that takes
 * the view (the JDBC store, so that no row lock is held over decryption). The library passes the
 * decryption here, so that a view counts only if decryption succeeded. The action must not call back into
 * the store. A store may run the action more than once for one claim (a compare-and-set that lost to
 * another change, a database that rolled a transaction back for a deadlock); only the run whose view was
 * committed counts, and a result a store discards is closed if it is {@link AutoCloseable}, so the action
 * must not have effects beyond its result.
 *
 * @param <T> the result
 */
@FunctionalInterface
public interface ClaimAction<T> {
  /**
   * @param claimed the submission as it is before this view is taken
   * @return the result the claim returns, never {@code null}: a store treats {@code null} as a failure,
   *     changes nothing and throws {@link NullPointerException}
   * @throws RuntimeException to abort the claim: the store then changes nothing and rethrows it as is
   */
  T run(StoredSubmission claimed);
}
