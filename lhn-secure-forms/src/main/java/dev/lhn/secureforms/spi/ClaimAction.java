package dev.lhn.secureforms.spi;

/**
 * Work a store runs inside a claim, while it holds the submission exclusively (a lock, a row lock in an
 * open transaction). The library passes the decryption here, so that a view counts only if decryption
 * succeeded. The action must not call back into the store (the in-memory store runs it inside
 * {@code ConcurrentHashMap.compute}; a JDBC store inside an open transaction). A store may run the action
 * again for the same claim when the database rolled the first attempt back (a lost deadlock); only the run
 * whose view was committed counts, so the action must not have effects beyond its result.
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
