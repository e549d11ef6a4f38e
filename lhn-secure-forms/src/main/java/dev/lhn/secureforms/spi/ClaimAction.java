package dev.lhn.secureforms.spi;

/**
 * Work a store runs inside a claim, while it holds the submission exclusively (a lock, a row lock in an
 * open transaction). The library passes the decryption here, so that a view counts only if decryption
 * succeeded.
 *
 * @param <T> the result
 */
@FunctionalInterface
public interface ClaimAction<T> {
  /**
   * @param claimed the submission as it is before this view is taken
   * @return the result the claim returns
   * @throws RuntimeException to abort the claim: the store then changes nothing and rethrows it as is
   */
  T run(StoredSubmission claimed);
}
